import * as v from "valibot";
import { FIRST_DAY } from "../http/time";
import type { ValidatedRequest } from "../http/route";
import { buildMetrics, type MetricsBody } from "../metrics/report";
import { ALL } from "../rollups/buckets";
import { addDays, localDay } from "../rollups/days";
import type { Metric } from "../scoring/metrics";
import { staleReads } from "../storage/reads";
import { readRollupRows, type DayKey } from "../storage/rollups";
import type { DelightedRequest } from "./auth";
import { unprocessable } from "./errors";
import { unixSeconds } from "./pagination";

/**
 * Delighted's metrics of the key's survey over whole local days of the survey's time zone, made by
 * the same rollups and the same code as GET /api/v1/surveys/{id}/metrics, so the numbers are equal:
 * counted answers only, percentages and NPS in points and not rounded (Delighted rounded them).
 * An NPS survey answers Delighted's NPS fields; the other metrics answer the same idea in their words.
 */

/** Delighted's default range: the last 30 days. */
export const DEFAULT_DAYS = 30;

export const DelightedMetricsQuery = v.looseObject({
  since: unixSeconds("From the local day of this moment (Unix seconds), the whole day; default: 29 days before until's day."),
  until: unixSeconds("To the local day of this moment (Unix seconds), the whole day included; default: today."),
});
type DelightedMetricsQuery = v.InferOutput<typeof DelightedMetricsQuery>;

const Count = v.pipe(v.number(), v.integer());
const Percent = v.pipe(v.nullable(v.number()), v.description("In percent of response_count, unrounded; null without responses."));
const Average = v.pipe(v.nullable(v.number()), v.description("The mean score; null without responses."));

const NpsMetrics = v.object({
  nps: v.pipe(v.nullable(v.number()), v.description("% promoters − % detractors, unrounded; null without responses.")),
  promoter_count: Count,
  promoter_percent: Percent,
  passive_count: Count,
  passive_percent: Percent,
  detractor_count: Count,
  detractor_percent: Percent,
  response_count: Count,
});

/** The words of the other metrics: the share of good answers (Tapscore's `good`) and the rest. */
const WORDS = {
  csat: { good: "satisfied", rest: "dissatisfied" },
  rating: { good: "satisfied", rest: "dissatisfied" },
  ces: { good: "low_effort", rest: "high_effort" },
  intent: { good: "likely", rest: "unlikely" },
} as const satisfies Record<Exclude<Metric, "nps">, { good: string; rest: string }>;
type ScoreMetric = keyof typeof WORDS;

function scoreMetrics(metric: ScoreMetric) {
  const entries: Record<string, v.GenericSchema> = {
    [metric]: v.pipe(v.nullable(v.number()), v.description(`The % of ${WORDS[metric].good} answers (at or above the survey's satisfied_min), unrounded.`)),
    [`${WORDS[metric].good}_count`]: Count,
    [`${WORDS[metric].good}_percent`]: Percent,
    [`${WORDS[metric].rest}_count`]: Count,
    [`${WORDS[metric].rest}_percent`]: Percent,
    response_count: Count,
    average_score: Average,
  };
  return v.object(entries);
}

export const DelightedMetrics = v.pipe(
  v.union([NpsMetrics, scoreMetrics("csat"), scoreMetrics("rating"), scoreMetrics("ces"), scoreMetrics("intent")]),
  v.description(
    "NPS surveys: Delighted's NPS fields. CSAT and rating surveys: csat or rating, satisfied_*, dissatisfied_*; CES: ces, low_effort_*, " +
      "high_effort_*; intent: intent, likely_*, unlikely_*; each with response_count and average_score.",
  ),
);
type DelightedMetrics = Record<string, number | null>;

const percentOf = (count: number, n: number): number | null => (n === 0 ? null : (count / n) * 100);

/** Delighted's fields from Tapscore's metrics body: the same numbers, renamed. */
export function presentMetrics(body: MetricsBody): DelightedMetrics {
  const n = body.headline.n;
  if (body.metric === "nps" && body.nps_split) {
    const { promoters, passives, detractors } = body.nps_split;
    return {
      nps: body.headline.value,
      promoter_count: promoters.count,
      promoter_percent: promoters.percent,
      passive_count: passives.count,
      passive_percent: passives.percent,
      detractor_count: detractors.count,
      detractor_percent: detractors.percent,
      response_count: n,
    };
  }
  const words = WORDS[body.metric === "nps" ? "csat" : body.metric];
  const rest = n - body.good.count;
  return {
    [body.metric]: body.good.percent,
    [`${words.good}_count`]: body.good.count,
    [`${words.good}_percent`]: body.good.percent,
    [`${words.rest}_count`]: rest,
    [`${words.rest}_percent`]: percentOf(rest, n),
    response_count: n,
    average_score: body.mean,
  };
}

/** The local days since and until fall on; nothing is answered before 2000 or after tomorrow, so the range is kept within them. */
export function metricsRange(query: DelightedMetricsQuery, timezone: string, now: number): { from: DayKey; to: DayKey } {
  const today = localDay(now, timezone);
  const to = query.until === undefined ? today : localDay(query.until * 1000, timezone);
  const from = query.since === undefined ? addDays(to, -(DEFAULT_DAYS - 1)) : localDay(query.since * 1000, timezone);
  if (from > to) throw unprocessable("since", "must not be after until");
  const tomorrow = addDays(today, 1);
  const clamp = (day: DayKey): DayKey => (day < FIRST_DAY ? FIRST_DAY : day > tomorrow ? tomorrow : day);
  return { from: clamp(from), to: clamp(to) };
}

/** GET /v1/metrics */
export async function getDelightedMetrics(request: ValidatedRequest<Record<string, string>, DelightedMetricsQuery, undefined> & DelightedRequest, env: Env): Promise<DelightedMetrics> {
  const survey = request.delighted.survey;
  const { from, to } = metricsRange(request.input.query, survey.timezone, Date.now());
  const all = await readRollupRows(staleReads(env.DB), survey.id, ALL, from, to);
  // Months keep the series short over long ranges; the totals read here do not depend on it.
  const body = buildMetrics(survey, { from, to, granularity: "month", groupBy: null, compare: null }, { all, groups: null, variants: null, targetBaseline: null });
  return presentMetrics(body);
}
