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
import { glidePath, type GlidePathStatus } from "../scoring/target";
import { METRICS } from "../scoring/metrics";
import { periodsOf } from "./periods";
import { GRANULARITIES, type MetricsQuery } from "./query";
import { type StoredCounts, type DayKey } from "../storage/rollups";

/** Days after the survey's first day whose answers set the glide path's starting value. */
export const TARGET_BASELINE_DAYS = 30;

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
 * The metrics of a survey over a range of its local days. Percentages and NPS are in points,
 * unrounded; every value carries n and a 95% interval.
 */
export const Metrics = v.object({
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
          a: v.pipe(v.nullable(Side), v.description("The first variant in name order; null when there is none.")),
          b: v.pipe(v.nullable(Side), v.description("The second variant in name order; null when there is none.")),
          others: v.pipe(v.array(v.string()), v.description("Further variants, not compared.")),
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
          v.description(`The headline over the survey's first ${TARGET_BASELINE_DAYS} days; null (and the rest with it) without answers there.`),
        ),
        expected: v.pipe(v.nullable(v.number()), v.description("Where the glide path says the headline should be on to.")),
        gap: v.pipe(v.nullable(v.number()), v.description("headline − expected; null without a headline.")),
        on_track: v.nullable(v.boolean()),
        elapsed: v.pipe(v.nullable(v.number()), v.description("Share of the way from start to by, 0–1.")),
      }),
    ),
    v.description("When the survey has a target: its glide path."),
  ),
  response_rate: v.object({ percent: v.nullable(v.number()), responses: Count, invitations: Count }),
  comments: Count,
  excluded: v.pipe(Count, v.description("Suspected scanner clicks and excluded responses in the range.")),
});
export type MetricsBody = v.InferOutput<typeof Metrics>;

export interface MetricsSurvey extends ScoringConfig {
  id: string;
  timezone: string;
  target: { value: number; by: string } | null;
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
  /** The `all` dimension over the target's baseline window. */
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
    // The first variant in name order is the baseline ("A", "control"…), the second the challenger.
    const variants = [...byValue(rows.variants ?? [])].filter(([value]) => value !== UNSET).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const histogramOf = (entry: [string, DayRow[]] | undefined) => sumRows(survey.scale, entry?.[1] ?? []).histogram;
    const [first, second] = variants;
    const a = histogramOf(first);
    const b = histogramOf(second);
    return {
      against: "variant" as const,
      a: first ? side(first[0], a, survey) : null,
      b: second ? side(second[0], b, survey) : null,
      others: variants.slice(2).map(([value]) => value),
      ...comparisonFields(compareHistograms(survey, a, b)),
    };
  }
  return undefined;
}

function comparisonFields(c: Comparison) {
  return { test: c.test, unit: c.unit, difference: c.difference, ci: c.ci, p_value: c.p_value, significant: c.significant };
}

function targetOf(survey: MetricsSurvey, query: MetricsQuery, current: HeadlineResult, rows: MetricsRows) {
  if (!survey.target) return undefined;
  const baseline = rows.targetBaseline;
  const startValue = baseline ? headlineOf(survey, sumRows(survey.scale, baseline.rows).histogram).value : null;
  const base = { value: survey.target.value, by: survey.target.by };
  if (baseline === null || startValue === null) {
    return { ...base, start: null, expected: null, gap: null, on_track: null, elapsed: null };
  }
  const start = { value: startValue, date: baseline.from };
  const status: GlidePathStatus = glidePath(start, { value: survey.target.value, date: survey.target.by }, { value: current.value, date: query.to });
  return { ...base, start, ...status };
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
  const target = targetOf(survey, query, summary.headline, rows);
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
      percent: totals.invitations === 0 ? null : (responses / totals.invitations) * 100,
      responses,
      invitations: totals.invitations,
    },
    comments: totals.comments,
    excluded: totals.excluded,
  };
}

