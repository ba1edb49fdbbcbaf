/**
 * The metrics query string, validated: every parameter is checked and a bad one gets a 400 naming it.
 * Pure apart from the error type; the route passes in the raw values and the survey's "today".
 */
import { badRequest } from "../http/errors";
import { addDays, daysBetween, isDayKey } from "../rollups/days";
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

export interface RawMetricsQuery {
  from?: string | undefined;
  to?: string | undefined;
  granularity?: string | undefined;
  group_by?: string | undefined;
  compare?: string | undefined;
}

const invalid = (name: string, message: string) => badRequest("invalid_query", `${name}: ${message}`, name);

function day(name: string, value: string | undefined): DayKey | undefined {
  if (value === undefined) return undefined;
  if (!isDayKey(value)) throw invalid(name, "must be a calendar date as YYYY-MM-DD.");
  return value;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw invalid(name, `must be one of ${allowed.join(", ")}.`);
  return value as T;
}

/** group_by may name a built-in dimension or one of the survey's own segment keys. */
export function groupableDimensions(segments: readonly string[]): string[] {
  return [...BUILT_IN_DIMENSIONS, ...segments];
}

export function parseMetricsQuery(raw: RawMetricsQuery, survey: { segments: readonly string[] }, today: DayKey): MetricsQuery {
  const givenFrom = day("from", raw.from);
  const givenTo = day("to", raw.to);
  const to = givenTo ?? (givenFrom ? maxDay(givenFrom, today) : today);
  const from = givenFrom ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (from > to) throw invalid(givenFrom ? "from" : "to", `must not be after to (${to}).`);
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) throw invalid("from", `the range may span at most ${MAX_RANGE_DAYS} days.`);
  return {
    from,
    to,
    granularity: oneOf("granularity", raw.granularity, GRANULARITIES) ?? "day",
    groupBy: oneOf("group_by", raw.group_by, groupableDimensions(survey.segments)) ?? null,
    compare: oneOf("compare", raw.compare, COMPARISONS) ?? null,
  };
}

const maxDay = (a: DayKey, b: DayKey): DayKey => (a > b ? a : b);
