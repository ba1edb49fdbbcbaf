import * as v from "valibot";
import type { ValidatedRequest } from "../http/route";
import { badRequest } from "../http/errors";
import { previousRange, TARGET_BASELINE_DAYS, buildMetrics, sendCohortView, variantChoiceOf, type Metrics, type MetricsRows } from "../metrics/report";
import { parseMetricsQuery, type MetricsQueryParams } from "../metrics/query";
import { ALL } from "../rollups/buckets";
import { addDays, dayStart, localDay } from "../rollups/days";
import { staleReads } from "../storage/reads";
import { firstAnswerDay, readRollupRows } from "../storage/rollups";
import { sendCohort } from "../storage/send-cohorts";
import { SurveyParams, requireSurvey } from "./surveys";

/**
 * GET /api/v1/surveys/{id}/metrics — the scores from rollups only, never from raw responses; the send
 * cohort (messages sent in the range, and how many were answered) from the messages.
 */
export async function getMetrics(request: ValidatedRequest<v.InferOutput<typeof SurveyParams>, MetricsQueryParams>, env: Env): Promise<v.InferOutput<typeof Metrics>> {
  const survey = await requireSurvey(env, request.input.params.id);
  const today = localDay(Date.now(), survey.timezone);
  const query = parseMetricsQuery(request.input.query, survey, today);
  const readFrom = query.compare === "previous" ? previousRange(query.from, query.to).from : query.from;
  // The target's line starts from the first counted answer (imported history included), not the survey's creation.
  // Rollups may be read a moment stale, from a replica near the Worker when D1 has one (storage/reads.ts).
  const reads = staleReads(env.DB);
  const baselineFrom = survey.target ? await firstAnswerDay(reads, survey.id) : null;
  const [all, groups, variants, baseline, cohort] = await Promise.all([
    readRollupRows(reads, survey.id, ALL, readFrom, query.to),
    query.groupBy ? readRollupRows(reads, survey.id, query.groupBy, query.from, query.to) : null,
    query.compare === "variant" ? readRollupRows(reads, survey.id, "variant", query.from, query.to) : null,
    baselineFrom ? readRollupRows(reads, survey.id, ALL, baselineFrom, addDays(baselineFrom, TARGET_BASELINE_DAYS - 1)) : null,
    // The range's local days as instants: from the first day's start to the start of the day after the last.
    sendCohort(reads, survey.id, dayStart(query.from, survey.timezone), dayStart(addDays(query.to, 1), survey.timezone)),
  ]);
  const rows: MetricsRows = {
    all,
    groups,
    variants,
    targetBaseline: baseline && baselineFrom ? { from: baselineFrom, rows: baseline } : null,
  };
  const problem = query.compare === "variant" ? variantChoiceOf(survey, query, rows).problem : null;
  if (problem) throw badRequest("invalid_query", `${problem.field}: ${problem.message}`, problem.field);
  return { ...buildMetrics(survey, query, rows), sends: sendCohortView(cohort) };
}
