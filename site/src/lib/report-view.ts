/**
 * What a report page shows about one survey, computed from its rollup rows by the same code the
 * metrics API uses (functions/metrics/report.ts on top of the scoring engine): the headline over a
 * range (the last 30, 90 or 365 days, or since the first answer; 90 by default) with n and 95%
 * interval, the trend per day, week or month over that range, the distribution, the target's glide
 * path, segment breakdowns, the A/B comparison and the latest comments. Pure: no I/O.
 *
 * Public reports suppress every cell (headline, trend period, distribution) with fewer answers than
 * the survey's `min_public_n`; internal reports show everything and flag n < 30 as low confidence.
 */
import { completedWeek, weeklyHistograms, weeksUpTo, type WeekRange } from "../../../functions/alerts/drop-window";
import { buildMetrics, TARGET_BASELINE_DAYS, type DayRow, type MetricsBody } from "../../../functions/metrics/report";
import type { Granularity } from "../../../functions/metrics/query";
import type { Audience, ReportComment, ReportExport, ReportSurvey, RollupRow, SendDay } from "../../../functions/reports/report-data";
import { ALL, UNSET } from "../../../functions/rollups/buckets";
import { addDays, daysBetween, isDayKey, localDay, monthStart, weekStart } from "../../../functions/rollups/days";
import { detectDrop, dropSize, DROP_HISTORY_WEEKS, type DropAlert } from "../../../functions/scoring/drop";
import type { Interval } from "../../../functions/scoring/intervals";
import type { Metric, Scale } from "../../../functions/scoring/metrics";
import { goodMin, type DistributionBin, type GoodShare, type HeadlineUnit, type IndexValue, type NpsSplit } from "../../../functions/scoring/summary";
import { BUILT_IN_DIMENSIONS, headlineRange } from "../../../functions/surveys/survey-input";
import type { UnitContext } from "./format";

/** The default page's time window: the last 90 days, today included. */
export const WINDOW_DAYS = 90;
/** A trend over up to a month is daily, up to half a year weekly, beyond that monthly. */
export const DAILY_TREND_MAX_DAYS = 31;
export const WEEKLY_TREND_MAX_DAYS = 182;

import { DEFAULT_RANGE, RANGES, type RangeKey } from "../../../functions/reports/ranges";

export { DEFAULT_RANGE, RANGES, RANGE_PATHS, type RangeKey } from "../../../functions/reports/ranges";

/** A survey page's address for a range: "/s/support/", "/internal/s/support/30/". */
export function rangeHref(base: string, range: RangeKey): string {
  const path = RANGES.find((r) => r.key === range)?.path ?? null;
  return path === null ? base : `${base}${path}/`;
}

/** How much of a run of days lies on or after the first day with an answer. */
export interface Coverage {
  /** The first day with a counted answer, or null when there is none at all. */
  first: string | null;
  /** Days of the run from that first day on (0 when it lies after the run). */
  covered: number;
  days: number;
}

export function coverage(from: string, to: string, first: string | null): Coverage {
  const days = daysBetween(from, to) + 1;
  if (first === null || first > to) return { first, covered: 0, days };
  return { first, covered: first <= from ? days : daysBetween(first, to) + 1, days };
}

export interface Cell {
  value: number | null;
  ci: Interval | null;
  n: number;
  low_confidence: boolean;
  /** Public pages only: fewer answers than min_public_n, so value and ci are withheld. */
  suppressed: boolean;
}

export interface TrendPoint extends Cell {
  /** The period's name: the Monday of its week or YYYY-MM. */
  period: string;
  from: string;
  to: string;
}

export interface BreakdownGroup extends Cell {
  /** The segment value; null when the property was not set. */
  group: string | null;
}

export interface Breakdown {
  dimension: string;
  groups: BreakdownGroup[];
}

export interface VariantComparison {
  a: { label: string; cell: Cell };
  b: { label: string; cell: Cell };
  others: string[];
  difference: number | null;
  ci: Interval | null;
  p_value: number | null;
  significant: boolean;
  test: string;
}

export interface PeriodComparison {
  /** The previous period: as many days as the window, just before it. */
  from: string;
  to: string;
  /** How much of the previous period the survey's answers reach: a survey that began inside it covers it only in part. */
  coverage: Coverage;
  difference: number | null;
  ci: Interval | null;
  p_value: number | null;
  significant: boolean;
  previous: Cell;
}

export interface TargetView {
  value: number;
  by: string;
  start: { value: number; date: string } | null;
  expected: number | null;
  gap: number | null;
  /** The window's headline and its answers: what is set against the line. */
  observed: number | null;
  n: number;
  /** The interval the verdict rests on (it also carries the line's own uncertainty). */
  interval: Interval | null;
  verdict: "on_track" | "off_track" | "too_early";
  /** The metrics API's verdict in words (ISO days, its own rounding); pages say it with verdicts.ts. */
  reason: string;
}

/** The weekly drop check of the last completed ISO week, as the cron runs it (functions/alerts/drop-check.ts). */
export interface DropCheck {
  week: WeekRange;
  /** The fall the check is tuned to, in headline units. */
  size: number;
  alert: DropAlert | null;
}

export interface SurveyReport {
  audience: Audience;
  id: string;
  /** Whether the survey has a public page. */
  isPublic: boolean;
  name: string;
  question: string | null;
  metric: Metric;
  scale: Scale;
  /** The survey's own locale (its respondent pages); report pages are English whatever it is. */
  locale: string;
  timezone: string;
  unit: HeadlineUnit;
  ctx: UnitContext;
  goodMin: number;
  /** The range the headline can take: 0–100, −100–100 or the scale. */
  range: [number, number];
  min_public_n: number;
  /** The range the page shows: its days, and how much of them the survey's answers reach. */
  window: { range: RangeKey; from: string; to: string; days: number; coverage: Coverage };
  headline: Cell;
  mean: number | null;
  mean_ci: Interval | null;
  good: GoodShare;
  /** Null when suppressed on a public page. */
  distribution: DistributionBin[] | null;
  nps_split: NpsSplit | null;
  index: IndexValue;
  /** Over the window, from the start of the period holding its first day (never before the first answer). */
  trend: { granularity: Granularity; from: string; to: string; points: TrendPoint[] };
  /** Weekly over the window: the overview's sparkline. */
  recent: TrendPoint[];
  responses: number;
  /** Invitations created in the window, and how many of them have a counted answer: the response rate's cohort. */
  invitations: number;
  answered: number;
  response_rate: number | null;
  /** Internal only: the survey emails sent in the window and how many were answered; null when none was sent. */
  emails: EmailCohort | null;
  comment_count: number;
  /** Clicks kept out of the numbers (suspected email-scanner clicks and other exclusions). */
  excluded: number;
  previous: PeriodComparison | null;
  target: TargetView | null;
  /** Internal only. */
  drop: DropCheck | null;
  benchmark: { value: number; label: string } | null;
  annotations: { day: string; label: string }[];
  breakdowns: Breakdown[];
  variants: VariantComparison | null;
  comments: ReportComment[];
}

function cell(point: { value: number | null; ci: Interval | null; n: number; low_confidence: boolean }, minN: number | null): Cell {
  const suppressed = minN !== null && point.n < minN;
  return {
    value: suppressed ? null : point.value,
    ci: suppressed ? null : point.ci,
    n: point.n,
    low_confidence: point.low_confidence,
    suppressed,
  };
}

const dayRows = (rows: readonly RollupRow[], dimension: string): DayRow[] =>
  rows.filter((row) => row.dimension === dimension).map(({ day, value, counts, invitations, comments, excluded, answered }) => ({ day, value, counts, invitations, comments, excluded, answered }));

const between = (rows: readonly DayRow[], from: string, to: string) => rows.filter((row) => row.day >= from && row.day <= to);

/** The day an ISO instant (or a plain YYYY-MM-DD) falls on in the survey's zone. */
function dayOf(at: string, timeZone: string): string | null {
  if (isDayKey(at)) return at;
  const time = Date.parse(at);
  return Number.isFinite(time) ? localDay(time, timeZone) : null;
}

/** "Today" for a survey: the export's moment in the survey's zone, or the export's last day. */
export function reportDay(data: Pick<ReportExport, "generated_at" | "through">, timeZone: string): string {
  return dayOf(data.generated_at, timeZone) ?? data.through;
}

/** The granularity of a trend over this many days. */
export function trendGranularity(days: number): Granularity {
  if (days <= DAILY_TREND_MAX_DAYS) return "day";
  return days <= WEEKLY_TREND_MAX_DAYS ? "week" : "month";
}

/** Where a trend over [from, to] starts: the start of the period holding `from` (whole periods), but not before the first answer. */
export function trendStart(from: string, granularity: Granularity, first: string | null): string {
  const start = granularity === "week" ? weekStart(from) : granularity === "month" ? monthStart(from) : from;
  return first !== null && first > start ? first : start;
}

export function surveyReport(data: Pick<ReportExport, "generated_at" | "through" | "audience">, report: ReportSurvey, range: RangeKey = DEFAULT_RANGE): SurveyReport {
  const { survey } = report;
  const audience = data.audience;
  const minN = audience === "public" ? survey.min_public_n : null;
  const to = reportDay(data, survey.timezone);
  const all = dayRows(report.rollups, ALL).filter((row) => row.day <= to);
  // The target's line starts from the first counted answer, as in the metrics API; "since the start" starts there too.
  const baselineFrom = all.reduce<string | null>((first, row) => (row.counts.some((c) => c > 0) && (first === null || row.day < first) ? row.day : first), null);
  const rangeDays = RANGES.find((r) => r.key === range)?.days ?? null;
  const from = rangeDays === null ? (baselineFrom ?? to) : addDays(to, -(rangeDays - 1));
  const rows = {
    all,
    groups: null,
    variants: null,
    targetBaseline: survey.target && baselineFrom ? { from: baselineFrom, rows: between(all, baselineFrom, addDays(baselineFrom, TARGET_BASELINE_DAYS - 1)) } : null,
  };
  // "Since the start" has no period before it to compare with.
  const windowQuery = { from, to, granularity: "week" as const, groupBy: null, compare: rangeDays === null ? null : ("previous" as const) };
  const windowMetrics = buildMetrics(survey, windowQuery, rows);

  const days = daysBetween(from, to) + 1;
  const granularity = trendGranularity(days);
  const trendFrom = trendStart(from, granularity, baselineFrom);
  const trendMetrics = buildMetrics(survey, { from: trendFrom, to, granularity, groupBy: null, compare: null }, rows);

  const headline = cell(windowMetrics.headline, minN);
  const ctx: UnitContext = { metric: survey.metric, unit: windowMetrics.headline.unit, scale: survey.scale };
  const internal = audience === "internal";
  const previous = windowMetrics.comparison?.against === "previous" ? windowMetrics.comparison : null;

  return {
    audience,
    id: survey.id,
    isPublic: survey.public && !survey.archived,
    name: survey.name,
    question: survey.question[survey.locale] ?? Object.values(survey.question)[0] ?? null,
    metric: survey.metric,
    scale: survey.scale,
    locale: survey.locale,
    timezone: survey.timezone,
    unit: windowMetrics.headline.unit,
    ctx,
    goodMin: goodMin(survey),
    range: headlineRange(survey),
    min_public_n: survey.min_public_n,
    window: { range, from, to, days, coverage: coverage(from, to, baselineFrom) },
    headline,
    mean: headline.suppressed ? null : windowMetrics.mean,
    mean_ci: headline.suppressed ? null : windowMetrics.mean_ci,
    good: windowMetrics.good,
    distribution: headline.suppressed ? null : windowMetrics.distribution,
    nps_split: headline.suppressed ? null : windowMetrics.nps_split,
    index: headline.suppressed ? { value: null, ci: null } : windowMetrics.index,
    trend: {
      granularity,
      from: trendFrom,
      to,
      points: trendMetrics.series.map((p) => ({ period: p.period, from: p.from, to: p.to, ...cell(p, minN) })),
    },
    recent: windowMetrics.series.map((p) => ({ period: p.period, from: p.from, to: p.to, ...cell(p, minN) })),
    responses: windowMetrics.response_rate.responses,
    answered: windowMetrics.response_rate.answered,
    invitations: windowMetrics.response_rate.invitations,
    response_rate: windowMetrics.response_rate.percent,
    emails: internal ? emailCohort(report.sends, from, to) : null,
    comment_count: windowMetrics.comments,
    excluded: windowMetrics.excluded,
    previous:
      internal && previous
        ? {
            from: previous.a.from,
            to: previous.a.to,
            coverage: coverage(previous.a.from, previous.a.to, baselineFrom),
            difference: previous.difference,
            ci: previous.ci,
            p_value: previous.p_value,
            significant: previous.significant,
            previous: cell(previous.a, null),
          }
        : null,
    target: targetView(windowMetrics),
    drop: internal ? dropCheck(survey, all, to) : null,
    benchmark: survey.benchmark,
    annotations: report.annotations
      .map(({ at, label }) => ({ day: dayOf(at, survey.timezone), label }))
      .filter((a): a is { day: string; label: string } => a.day !== null)
      .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)),
    breakdowns: internal ? breakdowns(report, windowQuery, all) : [],
    variants: internal ? variantComparison(report, windowQuery, all) : null,
    comments: internal ? report.comments.filter((c) => inWindow(dayOf(c.created_at, survey.timezone), from, to)) : [],
  };
}

const inWindow = (day: string | null, from: string, to: string) => day !== null && day >= from && day <= to;

export interface EmailCohort {
  sent: number;
  answered: number;
  /** answered / sent, in points (0–100). */
  percent: number;
}

/** The emails sent from `from` to `to` (local days, both included); null when none was sent. */
export function emailCohort(sends: readonly SendDay[], from: string, to: string): EmailCohort | null {
  const inRange = sends.filter((row) => row.day >= from && row.day <= to);
  const sent = inRange.reduce((total, row) => total + row.sent, 0);
  if (sent === 0) return null;
  const answered = inRange.reduce((total, row) => total + row.answered, 0);
  return { sent, answered, percent: (100 * answered) / sent };
}

function targetView(metrics: MetricsBody): TargetView | null {
  const target = metrics.target;
  if (!target) return null;
  const { headline } = metrics;
  return {
    value: target.value,
    by: target.by,
    start: target.start,
    expected: target.expected,
    gap: target.gap,
    observed: headline.value,
    n: headline.n,
    interval: target.interval,
    verdict: target.verdict,
    reason: target.reason,
  };
}

/** The drop check of the last ISO week completed before `today`, on the survey's overall rows. */
export function dropCheck(survey: ReportSurvey["survey"], all: readonly DayRow[], today: string): DropCheck {
  const week = completedWeek(today);
  const { alert } = detectDrop(survey, weeklyHistograms(survey.scale, weeksUpTo(week, DROP_HISTORY_WEEKS), all));
  return { week, size: dropSize(survey), alert };
}

type WindowQuery = { from: string; to: string; granularity: "week" };

/** Every dimension the survey is rolled up by that has at least one set value in the window. */
function breakdowns(report: ReportSurvey, query: WindowQuery, all: DayRow[]): Breakdown[] {
  const { survey } = report;
  const dimensions = [...BUILT_IN_DIMENSIONS, ...survey.segments];
  const result: Breakdown[] = [];
  for (const dimension of dimensions) {
    const groupRows = between(dayRows(report.rollups, dimension), query.from, query.to);
    if (!groupRows.some((row) => row.value !== UNSET && row.counts.some((count) => count > 0))) continue;
    const metrics = buildMetrics(survey, { ...query, groupBy: dimension, compare: null }, { all, groups: groupRows, variants: null, targetBaseline: null });
    const groups = (metrics.groups ?? []).filter((g) => g.n > 0).map((g) => ({ group: g.group, ...cell(g, null) }));
    result.push({ dimension, groups });
  }
  return result;
}

function variantComparison(report: ReportSurvey, query: WindowQuery, all: DayRow[]): VariantComparison | null {
  const variantRows = between(dayRows(report.rollups, "variant"), query.from, query.to);
  const metrics = buildMetrics(report.survey, { ...query, groupBy: null, compare: "variant" }, { all, groups: null, variants: variantRows, targetBaseline: null });
  const comparison = metrics.comparison;
  if (comparison?.against !== "variant" || !comparison.a || !comparison.b) return null;
  return {
    a: { label: comparison.a.label, cell: cell(comparison.a, null) },
    b: { label: comparison.b.label, cell: cell(comparison.b, null) },
    others: comparison.others,
    difference: comparison.difference,
    ci: comparison.ci,
    p_value: comparison.p_value,
    significant: comparison.significant,
    test: comparison.test,
  };
}

/** Every survey of an export, in the export's order, over one range. */
export function reportsOf(data: ReportExport, range: RangeKey = DEFAULT_RANGE): SurveyReport[] {
  return data.surveys.map((survey) => surveyReport(data, survey, range));
}
