/**
 * The metrics query string, validated: every parameter is checked and a bad one gets a 400 naming it.
 * The router checks each parameter on its own (MetricsQueryParams); parseMetricsQuery adds the rules
 * that need the survey or both ends of the range. Pure apart from the error type.
 */
import * as v from "valibot";
import { badRequest } from "../http/errors";
import { queryChoice, queryText } from "../http/query";
import { FIRST_DAY, LAST_DAY, calendarDay } from "../http/time";
import { addDays, daysBetween } from "../rollups/days";
import { BUILT_IN_DIMENSIONS } from "../surveys/survey-input";
import { type DayKey } from "../storage/rollups";

export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const COMPARISONS = ["previous", "variant"] as const;
export type ComparisonKind = (typeof COMPARISONS)[number];

/** Without from and to: the last 90 days, ending today in the survey's zone. */
export const DEFAULT_RANGE_DAYS = 90;
/** Three years, leap day included: long enough for year-over-year, short enough to answer fast. */
export const MAX_RANGE_DAYS = 1_096;

export interface MetricsQuery {
  from: DayKey;
  to: DayKey;
  granularity: Granularity;
  groupBy: string | null;
  compare: ComparisonKind | null;
}

const day = (description: string) => v.optional(v.pipe(calendarDay("."), v.description(`${description} ${FIRST_DAY} to ${LAST_DAY}.`)));

/** The query string as the router checks it; the rules that need the survey or both ends are parseMetricsQuery's. */
export const MetricsQueryParams = v.object({
  from: day(`First local day of the range; default: ${DEFAULT_RANGE_DAYS - 1} days before to.`),
  to: day(`Last local day, included; default: today in the survey's time zone. The range spans at most ${MAX_RANGE_DAYS} days.`),
  granularity: queryChoice(GRANULARITIES, "Periods of the series; weeks start on Monday. Default day."),
  group_by: queryText(`Break down by one of ${BUILT_IN_DIMENSIONS.join(", ")} or a segment key of the survey.`, 64),
  compare: queryChoice(COMPARISONS, "previous: the range of equal length before; variant: the first two variant values in name order."),
});
export type MetricsQueryParams = v.InferOutput<typeof MetricsQueryParams>;

const invalid = (name: string, message: string) => badRequest("invalid_query", `${name}: ${message}`, name);

/** group_by may name a built-in dimension or one of the survey's own segment keys. */
export function groupableDimensions(segments: readonly string[]): string[] {
  return [...BUILT_IN_DIMENSIONS, ...segments];
}

export function parseMetricsQuery(raw: MetricsQueryParams, survey: { segments: readonly string[] }, today: DayKey): MetricsQuery {
  const to = raw.to ?? (raw.from ? maxDay(raw.from, today) : today);
  const from = raw.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw invalid(raw.from ? "from" : "to", `must not be after to (${to}).`);
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw invalid("from", `the range may span at most ${MAX_RANGE_DAYS} days.`);
  const dimensions = groupableDimensions(survey.segments);
  if (raw.group_by !== undefined && !dimensions.includes(raw.group_by)) throw invalid("group_by", `must be one of ${dimensions.join(", ")}.`);
  return { from, to, granularity: raw.granularity ?? "day", groupBy: raw.group_by ?? null, compare: raw.compare ?? null };
}

const maxDay = (a: DayKey, b: DayKey): DayKey => (a > b ? a : b);
