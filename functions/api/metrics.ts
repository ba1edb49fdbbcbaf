import * as v from "valibot";
import type { ValidatedRequest } from "../http/route";
import { previousRange, TARGET_BASELINE_DAYS, buildMetrics, type MetricsBody, type MetricsRows } from "../metrics/report";
import { parseMetricsQuery, type MetricsQueryParams } from "../metrics/query";
import { ALL } from "../rollups/buckets";
import { addDays, localDay } from "../rollups/days";
import { readRollupRows } from "../storage/rollups";
import { SurveyParams, requireSurvey } from "./surveys";

/** GET /api/v1/surveys/{id}/metrics — answers from rollups only, never from raw responses. */
export async function getMetrics(request: ValidatedRequest<v.InferOutput<typeof SurveyParams>, MetricsQueryParams>, env: Env): Promise<MetricsBody> {
  const survey = await requireSurvey(env, request.input.params.id);
  const today = localDay(Date.now(), survey.timezone);
  const query = parseMetricsQuery(request.input.query, survey, today);
  const readFrom = query.compare === "previous" ? previousRange(query.from, query.to).from : query.from;
  const baselineFrom = localDay(survey.created_at, survey.timezone);
  const [all, groups, variants, baseline] = await Promise.all([
    readRollupRows(env.DB, survey.id, ALL, readFrom, query.to),
    query.groupBy ? readRollupRows(env.DB, survey.id, query.groupBy, query.from, query.to) : null,
    query.compare === "variant" ? readRollupRows(env.DB, survey.id, "variant", query.from, query.to) : null,
    survey.target ? readRollupRows(env.DB, survey.id, ALL, baselineFrom, addDays(baselineFrom, TARGET_BASELINE_DAYS - 1)) : null,
  ]);
  const rows: MetricsRows = {
    all,
    groups,
    variants,
    targetBaseline: baseline ? { from: baselineFrom, rows: baseline } : null,
  };
  return buildMetrics(survey, query, rows);
}
