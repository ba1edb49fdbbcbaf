/**
 * The metrics answer, assembled from rollup rows by the scoring module: headline with n and interval,
 * distribution, a series per period, groups, a comparison, the target's glide path and the response
 * rate. Pure: the route reads the rows, this only adds them up and asks the scoring engine.
 */
import * as v from "valibot";
import { IsoDay } from "../http/time";
import { UNSET, sumRows, type Totals } from "../rollups/buckets";
import { addDays, daysBetween } from "../rollups/days";
import { compareHistograms, type Comparison } from "../scoring/compare";
import { histogramN, type Histogram } from "../scoring/histogram";
import type { Interval } from "../scoring/intervals";
import { headlineOf, summarize, type HeadlineResult, type ScoringConfig } from "../scoring/summary";
import { TARGET_BASELINE_DAYS, TARGET_VERDICTS, targetStatus } from "../scoring/target";
import { METRICS } from "../scoring/metrics";
import { periodsOf } from "./periods";
import { BASELINE_RULES, GRANULARITIES, chooseVariants, type MetricsQuery, type VariantChoice } from "./query";
import { type StoredCounts, type DayKey } from "../storage/rollups";

export { TARGET_BASELINE_DAYS };

const Count = v.pipe(v.number(), v.integer());
const HeadlineUnit = v.picklist(["percent", "nps", "mean"]);

/** A 95% interval, [low, high], in the units of the value it belongs to. */
export const IntervalView = v.pipe(v.strictTuple([v.number(), v.number()]), v.description("A 95% interval, [low, high], in the units of its value."));

/** A number with what it rests on: the headline of a range, a period, a group or a side of a comparison. */
const estimate = {
  value: v.pipe(v.nullable(v.number()), v.description("In the headline's unit; null without answers.")),
  ci: v.nullable(IntervalView),
  n: v.pipe(Count, v.description("Counted answers.")),
  low_confidence: v.pipe(v.boolean(), v.description("Fewer than 30 answers.")),
};

const Share = v.object({ count: Count, percent: v.nullable(v.number()), ci: v.nullable(IntervalView) });

const comparisonStats = {
  test: v.picklist(["two_proportion_z", "nps_z", "welch_t"]),
  unit: v.picklist(["percent", "nps", "mean", "index"]),
  difference: v.pipe(v.nullable(v.number()), v.description("b − a in the headline's unit; null when a side has no answers.")),
  ci: v.nullable(IntervalView),
  p_value: v.pipe(v.nullable(v.number()), v.description("Two-sided; null where the test is undefined (an empty side, no spread).")),
  significant: v.pipe(v.boolean(), v.description("p_value below 0.05.")),
};

const Side = v.object({ label: v.string(), ...estimate });
const PeriodSide = v.object({ label: v.string(), from: IsoDay, to: IsoDay, ...estimate });

/**
 * The metrics of a survey over a range of its local days, from its rollups. Percentages and NPS are
 * in points, unrounded; every value carries n and a 95% interval.
 */
export const RollupMetrics = v.object({
  survey: v.string(),
  metric: v.picklist(METRICS),
  scale: v.object({ min: Count, max: Count }),
  timezone: v.pipe(v.string(), v.description("The survey's IANA time zone: days are local days of it.")),
  from: IsoDay,
  to: IsoDay,
  granularity: v.picklist(GRANULARITIES),
  headline: v.object({ metric: v.picklist(METRICS), unit: HeadlineUnit, ...estimate }),
  mean: v.pipe(v.nullable(v.number()), v.description("The mean score; null without answers.")),
  mean_ci: v.nullable(IntervalView),
  sd: v.pipe(v.nullable(v.number()), v.description("Sample standard deviation; null below two answers.")),
  good: v.pipe(
    v.object({
      label: v.picklist(["satisfied", "promoters", "low_effort", "likely"]),
      min: v.pipe(Count, v.description("The lowest score counted as good.")),
      ...Share.entries,
    }),
    v.description("The share of good answers: % satisfied, % promoters, % low effort or % likely."),
  ),
  nps_split: v.pipe(
    v.nullable(v.object({ promoters: Share, passives: Share, detractors: Share })),
    v.description("Promoters, passives and detractors; NPS surveys only, else null."),
  ),
  index: v.pipe(
    v.object({ value: v.nullable(v.number()), ci: v.nullable(IntervalView) }),
    v.description("(mean − min) / (max − min) × 100: comparable across scales."),
  ),
  distribution: v.array(v.object({ score: Count, count: Count, percent: v.nullable(v.number()) })),
  series: v.array(
    v.object({
      period: v.pipe(v.string(), v.description("The day, the Monday of the ISO week, or the month as YYYY-MM.")),
      from: v.pipe(IsoDay, v.description("The period's first day inside the range.")),
      to: v.pipe(IsoDay, v.description("The period's last day inside the range.")),
      ...estimate,
    }),
  ),
  group_by: v.pipe(v.optional(v.string()), v.description("With group_by: the dimension.")),
  groups: v.pipe(
    v.optional(
      v.array(
        v.object({
          group: v.pipe(v.nullable(v.string()), v.description("The dimension's value; null for answers without one.")),
          ...estimate,
          invitations: Count,
          excluded: Count,
        }),
      ),
    ),
    v.description("With group_by: one entry per value, most answers first."),
  ),
  comparison: v.pipe(
    v.optional(
      v.variant("against", [
        v.object({ against: v.literal("previous"), a: PeriodSide, b: PeriodSide, ...comparisonStats }),
        v.object({
          against: v.literal("variant"),
          baseline: v.pipe(v.nullable(v.string()), v.description("The baseline variant (a); null when fewer than two variants have answers and none is named.")),
          baseline_from: v.pipe(
            v.nullable(v.picklist(BASELINE_RULES)),
            v.description('What chose the baseline: the query\'s baseline, the survey\'s control_variant, or its name ("control", else "A").'),
          ),
          variant: v.pipe(v.nullable(v.string()), v.description("The variant compared with the baseline (b).")),
          a: v.pipe(v.nullable(Side), v.description("The baseline; null when there is none.")),
          b: v.pipe(v.nullable(Side), v.description("The compared variant; null when there is none.")),
          others: v.pipe(v.array(v.string()), v.description("Further variants with answers, not compared.")),
          ...comparisonStats,
        }),
      ]),
    ),
    v.description("With compare: is b different from a?"),
  ),
  target: v.pipe(
    v.optional(
      v.object({
        value: v.number(),
        by: IsoDay,
        start: v.pipe(
          v.nullable(v.object({ value: v.number(), date: IsoDay })),
          v.description(
            `Where the line starts: the headline over the ${TARGET_BASELINE_DAYS} days from the survey's first counted answer, on the middle day of them; null (and the rest with it) without answers.`,
          ),
        ),
        expected: v.pipe(v.nullable(v.number()), v.description("The line averaged over the range's days, each weighted by its answers.")),
        gap: v.pipe(v.nullable(v.number()), v.description("headline − expected; null without a headline.")),
        interval: v.pipe(
          v.nullable(IntervalView),
          v.description("A 95% interval of the headline that also carries the line's own uncertainty: off track when it lies wholly below expected."),
        ),
        verdict: v.pipe(v.picklist(TARGET_VERDICTS), v.description("on_track: at or above the line; off_track: the interval lies below it; too_early: too few answers, or below the line within the interval.")),
        reason: v.pipe(v.string(), v.description("The verdict in words.")),
        elapsed: v.pipe(v.nullable(v.number()), v.description("Share of the way from start to by, 0–1, averaged like expected.")),
      }),
    ),
    v.description("When the survey has a target: its glide path."),
  ),
  response_rate: v.pipe(
    v.object({
      percent: v.pipe(v.nullable(v.number()), v.description("answered / invitations × 100; null without invitations in the range.")),
      responses: v.pipe(Count, v.description("Counted answers on the range's days, those that came without an invitation (ingestion, import) included.")),
      invitations: v.pipe(Count, v.description("Invitations created on the range's days; answers that came without one made none.")),
      answered: v.pipe(Count, v.description("Of those invitations, the ones with a counted answer, whenever it came.")),
    }),
    v.description("The response rate of the invitations created in the range (a cohort), not answers over invitations of the same days."),
  ),
  comments: Count,
  excluded: v.pipe(Count, v.description("Suspected scanner clicks and excluded responses in the range.")),
});
/** What buildMetrics makes from rollups; the report site builds its pages from it too. */
export type MetricsBody = v.InferOutput<typeof RollupMetrics>;

/** The response rate of the messages sent in the range. */
export const SendCohortView = v.pipe(
  v.object({
    sent: v.pipe(Count, v.description("Survey emails sent in the range (reminders are messages of their own).")),
    answered: v.pipe(Count, v.description("Of those, the ones whose invitation has a counted response, whenever it came.")),
    rate: v.pipe(v.nullable(v.number()), v.description("answered / sent, from 0 to 1; null when none was sent.")),
  }),
  v.description("Response rate per send cohort: the messages sent within the range, read from the messages themselves, not the rollups."),
);

/** The metrics API's answer: the rollups' metrics and the send cohort of the range. */
export const Metrics = v.object({ ...RollupMetrics.entries, sends: SendCohortView });

export const sendCohortView = (cohort: { sent: number; answered: number }): v.InferOutput<typeof SendCohortView> => ({
  sent: cohort.sent,
  answered: cohort.answered,
  rate: cohort.sent === 0 ? null : cohort.answered / cohort.sent,
});

export interface MetricsSurvey extends ScoringConfig {
  id: string;
  timezone: string;
  target: { value: number; by: string } | null;
  /** The baseline of compare=variant; see chooseVariants. */
  control_variant?: string | null;
}

export interface DayRow extends StoredCounts {
  day: DayKey;
  value: string;
}

export interface MetricsRows {
  /** The `all` dimension over the range, and over the previous range too when comparing with it. */
  all: readonly DayRow[];
  /** The group_by dimension over the range. */
  groups: readonly DayRow[] | null;
  /** The variant dimension over the range. */
  variants: readonly DayRow[] | null;
  /** The `all` dimension over the target's baseline window, which opens on the first counted answer's day. */
  targetBaseline: { from: DayKey; rows: readonly DayRow[] } | null;
}

interface PointValue {
  value: number | null;
  ci: Interval | null;
  n: number;
  low_confidence: boolean;
}

const point = (h: HeadlineResult): PointValue => ({ value: h.value, ci: h.ci, n: h.n, low_confidence: h.low_confidence });

const within = (rows: readonly DayRow[], from: DayKey, to: DayKey) => rows.filter((r) => r.day >= from && r.day <= to);

function totalsOf(survey: MetricsSurvey, rows: readonly DayRow[], from: DayKey, to: DayKey): Totals {
  return sumRows(survey.scale, within(rows, from, to));
}

function byValue(rows: readonly DayRow[]): Map<string, DayRow[]> {
  const grouped = new Map<string, DayRow[]>();
  for (const row of rows) {
    const list = grouped.get(row.value);
    if (list) list.push(row);
    else grouped.set(row.value, [row]);
  }
  return grouped;
}

/** The range of equal length just before [from, to]. */
export function previousRange(from: DayKey, to: DayKey): { from: DayKey; to: DayKey } {
  const length = daysBetween(from, to) + 1;
  return { from: addDays(from, -length), to: addDays(from, -1) };
}

function side(label: string, histogram: Histogram, config: ScoringConfig) {
  return { label, ...point(headlineOf(config, histogram)) };
}

function periodSide(label: string, histogram: Histogram, config: ScoringConfig, range: { from: DayKey; to: DayKey }) {
  return { label, ...range, ...point(headlineOf(config, histogram)) };
}

function comparisonOf(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows) {
  if (query.compare === "previous") {
    const previous = previousRange(query.from, query.to);
    const a = totalsOf(survey, rows.all, previous.from, previous.to).histogram;
    const b = totalsOf(survey, rows.all, query.from, query.to).histogram;
    return {
      against: "previous" as const,
      a: periodSide("previous", a, survey, previous),
      b: periodSide("current", b, survey, { from: query.from, to: query.to }),
      ...comparisonFields(compareHistograms(survey, a, b)),
    };
  }
  if (query.compare === "variant") {
    const variants = variantsOf(rows);
    const choice = variantChoiceOf(survey, query, rows);
    const histogramOf = (name: string | null) => sumRows(survey.scale, (name === null ? undefined : variants.get(name)) ?? []).histogram;
    const a = histogramOf(choice.baseline);
    const b = histogramOf(choice.variant);
    return {
      against: "variant" as const,
      baseline: choice.baseline,
      baseline_from: choice.chosen_by,
      variant: choice.variant,
      a: choice.baseline === null ? null : side(choice.baseline, a, survey),
      b: choice.variant === null ? null : side(choice.variant, b, survey),
      others: choice.others,
      ...comparisonFields(compareHistograms(survey, a, b)),
    };
  }
  return undefined;
}

/** The variant dimension's rows by variant, answers without a variant left out. */
function variantsOf(rows: MetricsRows): Map<string, DayRow[]> {
  const variants = byValue(rows.variants ?? []);
  variants.delete(UNSET);
  return variants;
}

/** The baseline and the compared variant of compare=variant (query.ts, chooseVariants); the API answers a problem as a 400. */
export function variantChoiceOf(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows): VariantChoice {
  // Sorted only so lists and messages read the same every time; the choice never depends on the order.
  return chooseVariants([...variantsOf(rows).keys()].sort(), {
    baseline: query.baseline ?? null,
    variant: query.variant ?? null,
    controlVariant: survey.control_variant ?? null,
  });
}

function comparisonFields(c: Comparison) {
  return { test: c.test, unit: c.unit, difference: c.difference, ci: c.ci, p_value: c.p_value, significant: c.significant };
}

function targetOf(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows) {
  if (!survey.target) return undefined;
  const baseline = rows.targetBaseline;
  const days = [...byValue(within(rows.all, query.from, query.to).map((row) => ({ ...row, value: row.day })))].map(([day, dayRows]) => ({
    day,
    histogram: sumRows(survey.scale, dayRows).histogram,
  }));
  const { start, expected, gap, interval, verdict, reason, elapsed } = targetStatus(survey, {
    target: survey.target,
    baseline: baseline ? { firstDay: baseline.from, histogram: sumRows(survey.scale, baseline.rows).histogram } : null,
    range: { from: query.from, to: query.to },
    days,
  });
  return { value: survey.target.value, by: survey.target.by, start, expected, gap, interval, verdict, reason, elapsed };
}

export function buildMetrics(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows): MetricsBody {
  const totals = totalsOf(survey, rows.all, query.from, query.to);
  const summary = summarize(survey, totals.histogram);
  const byDay = new Map<DayKey, DayRow[]>();
  for (const row of within(rows.all, query.from, query.to)) {
    const list = byDay.get(row.day);
    if (list) list.push(row);
    else byDay.set(row.day, [row]);
  }

  const series = periodsOf(query.from, query.to, query.granularity).map((period) => {
    const days: DayRow[] = [];
    for (let d = period.from; d <= period.to; d = addDays(d, 1)) days.push(...(byDay.get(d) ?? []));
    return { ...period, ...point(headlineOf(survey, sumRows(survey.scale, days).histogram)) };
  });

  const groups = (groupRows: readonly DayRow[]) =>
    [...byValue(groupRows)]
      .map(([value, rowsOfValue]) => {
        const t = sumRows(survey.scale, rowsOfValue);
        return { group: value === UNSET ? null : value, ...point(headlineOf(survey, t.histogram)), invitations: t.invitations, excluded: t.excluded };
      })
      .sort((a, b) => b.n - a.n || String(a.group).localeCompare(String(b.group)));

  const responses = histogramN(totals.histogram);
  const comparison = comparisonOf(survey, query, rows);
  const target = targetOf(survey, query, rows);
  return {
    survey: survey.id,
    metric: survey.metric,
    scale: survey.scale,
    timezone: survey.timezone,
    from: query.from,
    to: query.to,
    granularity: query.granularity,
    headline: {
      metric: summary.headline.metric,
      unit: summary.headline.unit,
      value: summary.headline.value,
      ci: summary.headline.ci,
      n: summary.headline.n,
      low_confidence: summary.headline.low_confidence,
    },
    mean: summary.mean,
    mean_ci: summary.mean_ci,
    sd: summary.sd,
    good: summary.good,
    nps_split: summary.nps_split,
    index: summary.index,
    distribution: summary.distribution,
    series,
    ...(query.groupBy === null ? {} : { group_by: query.groupBy, groups: groups(rows.groups ?? []) }),
    ...(comparison ? { comparison } : {}),
    ...(target ? { target } : {}),
    response_rate: {
      percent: totals.invitations === 0 ? null : (totals.answered / totals.invitations) * 100,
      responses,
      invitations: totals.invitations,
      answered: totals.answered,
    },
    comments: totals.comments,
    excluded: totals.excluded,
  };
}

