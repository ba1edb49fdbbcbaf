import { queryParam } from "../http/query";
import { previousRange, TARGET_BASELINE_DAYS, buildMetrics, type MetricsRows } from "../metrics/report";
import { parseMetricsQuery } from "../metrics/query";
import { ALL } from "../rollups/buckets";
import { addDays, localDay } from "../rollups/days";
import { readRollupRows } from "../storage/rollups";
import type { AuthedRequest } from "./auth";
import { requireSurvey } from "./surveys";

/** GET /api/v1/surveys/{id}/metrics — answers from rollups only, never from raw responses. */
export async function getMetrics(request: AuthedRequest, env: Env) {
  const survey = await requireSurvey(env, request.params.id);
  const today = localDay(Date.now(), survey.timezone);
  const query = parseMetricsQuery(
    {
      from: queryParam(request, "from"),
      to: queryParam(request, "to"),
      granularity: queryParam(request, "granularity"),
      group_by: queryParam(request, "group_by"),
      compare: queryParam(request, "compare"),
    },
    survey,
    today,
  );
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
