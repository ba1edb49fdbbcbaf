/**
 * The metrics answer, assembled from rollup rows by the scoring module: headline with n and interval,
 * distribution, a series per period, groups, a comparison, the target's glide path and the response
 * rate. Pure: the route reads the rows, this only adds them up and asks the scoring engine.
 */
import { UNSET, sumRows, type Totals } from "../rollups/buckets";
import { addDays, daysBetween } from "../rollups/days";
import { compareHistograms, type Comparison } from "../scoring/compare";
import { histogramN, type Histogram } from "../scoring/histogram";
import type { Interval } from "../scoring/intervals";
import { headlineOf, summarize, type HeadlineResult, type ScoringConfig } from "../scoring/summary";
import { glidePath, type GlidePathStatus } from "../scoring/target";
import { periodsOf } from "./periods";
import type { MetricsQuery } from "./query";
import { type StoredCounts, type DayKey } from "../storage/rollups";

/** Days after the survey's first day whose answers set the glide path's starting value. */
export const TARGET_BASELINE_DAYS = 30;

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

function side(label: string, histogram: Histogram, config: ScoringConfig, range?: { from: DayKey; to: DayKey }) {
  return { label, ...range, ...point(headlineOf(config, histogram)) };
}

function comparisonOf(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows) {
  if (query.compare === "previous") {
    const previous = previousRange(query.from, query.to);
    const a = totalsOf(survey, rows.all, previous.from, previous.to).histogram;
    const b = totalsOf(survey, rows.all, query.from, query.to).histogram;
    return {
      against: "previous" as const,
      a: side("previous", a, survey, previous),
      b: side("current", b, survey, { from: query.from, to: query.to }),
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

export function buildMetrics(survey: MetricsSurvey, query: MetricsQuery, rows: MetricsRows) {
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

  const groups =
    query.groupBy === null
      ? undefined
      : [...byValue(rows.groups ?? [])]
          .map(([value, groupRows]) => {
            const t = sumRows(survey.scale, groupRows);
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
    ...(groups ? { group_by: query.groupBy, groups } : {}),
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

export type MetricsBody = ReturnType<typeof buildMetrics>;
