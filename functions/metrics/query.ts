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
  /** compare=variant: the baseline and the variant compared with it, when the caller names them. */
  baseline?: string | null;
  variant?: string | null;
}

const day = (description: string) => v.optional(v.pipe(calendarDay("."), v.description(`${description} ${FIRST_DAY} to ${LAST_DAY}.`)));

/** The query string as the router checks it; the rules that need the survey or both ends are parseMetricsQuery's. */
export const MetricsQueryParams = v.object({
  from: day(`First local day of the range; default: ${DEFAULT_RANGE_DAYS - 1} days before to.`),
  to: day(`Last local day, included; default: today in the survey's time zone. The range spans at most ${MAX_RANGE_DAYS} days.`),
  granularity: queryChoice(GRANULARITIES, "Periods of the series; weeks start on Monday. Default day."),
  group_by: queryText(`Break down by one of ${BUILT_IN_DIMENSIONS.join(", ")} or a segment key of the survey.`, 64),
  compare: queryChoice(
    COMPARISONS,
    "previous: the range of equal length before; variant: a variant against the baseline (see baseline).",
  ),
  baseline: queryText(
    'With compare=variant: the baseline variant. Default: the survey\'s control_variant, else a variant named "control", else one named "A"; ' +
      "with two or more variants and none of these, a 400 asks for it.",
    100,
  ),
  variant: queryText("With compare=variant: the variant compared with the baseline; needed only when more than one other variant has answers.", 100),
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
  for (const name of ["baseline", "variant"] as const) {
    if (raw[name] !== undefined && raw.compare !== "variant") throw invalid(name, "only with compare=variant.");
  }
  return {
    from,
    to,
    granularity: raw.granularity ?? "day",
    groupBy: raw.group_by ?? null,
    compare: raw.compare ?? null,
    baseline: raw.baseline ?? null,
    variant: raw.variant ?? null,
  };
}

/** Variant names taken as the baseline when neither the query nor the survey names one, in this order. */
export const BASELINE_NAMES = ["control", "A"] as const;
export const BASELINE_RULES = ["query", "survey", "name"] as const;
export type BaselineRule = (typeof BASELINE_RULES)[number];

export interface VariantChoice {
  baseline: string | null;
  /** Which rule chose it: the query's baseline=, the survey's control_variant, or a conventional name. */
  chosen_by: BaselineRule | null;
  variant: string | null;
  /** Variants with answers that are neither. */
  others: string[];
  /** Why no comparison can be set up; the API answers it as a 400 naming the parameter. */
  problem: { field: "baseline" | "variant"; message: string } | null;
}

/**
 * Which variant is the baseline and which is compared with it, chosen explicitly and never by name
 * order: the query's baseline, else the survey's control_variant, else a variant named "control", else
 * one named "A". The compared variant is the query's variant, else the only other one with answers.
 */
export function chooseVariants(seen: readonly string[], rule: { baseline: string | null; variant: string | null; controlVariant: string | null }): VariantChoice {
  const listed = seen.length === 0 ? "none" : seen.map((name) => `"${name}"`).join(", ");
  const none = (field: "baseline" | "variant", message: string): VariantChoice => ({
    baseline: null,
    chosen_by: null,
    variant: null,
    others: [...seen],
    problem: { field, message },
  });
  if (rule.baseline !== null && !seen.includes(rule.baseline)) {
    return none("baseline", `no answers from variant "${rule.baseline}" in the range; variants with answers: ${listed}.`);
  }
  const named = BASELINE_NAMES.find((name) => seen.includes(name)) ?? null;
  const [baseline, chosenBy]: [string | null, BaselineRule | null] =
    rule.baseline !== null ? [rule.baseline, "query"] : rule.controlVariant !== null ? [rule.controlVariant, "survey"] : named !== null ? [named, "name"] : [null, null];
  if (baseline === null) {
    if (seen.length < 2) return { baseline: null, chosen_by: null, variant: null, others: [...seen], problem: null };
    return none("baseline", `variants ${listed} have answers and none is the baseline: pass baseline=, or set the survey's control_variant.`);
  }
  const challengers = seen.filter((name) => name !== baseline);
  if (rule.variant !== null && (rule.variant === baseline || !challengers.includes(rule.variant))) {
    return none("variant", `must be a variant other than the baseline "${baseline}" with answers in the range; variants with answers: ${listed}.`);
  }
  if (rule.variant === null && challengers.length > 1) {
    return none("variant", `several variants could be compared with the baseline "${baseline}" (${challengers.map((name) => `"${name}"`).join(", ")}): pass variant=.`);
  }
  const variant = rule.variant ?? challengers[0] ?? null;
  return { baseline, chosen_by: chosenBy, variant, others: challengers.filter((name) => name !== variant), problem: null };
}

const maxDay = (a: DayKey, b: DayKey): DayKey => (a > b ? a : b);
