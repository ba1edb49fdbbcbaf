/**
 * Targets with a glide path: a straight line from where the team started to where it wants to be by
 * a date, and a verdict that compares like with like — the headline over a range of days against the
 * line averaged over the same days, each day weighted by its answers. Every headline here is
 * higher-is-better (CES included: on this product a higher score means less effort), so "off track"
 * always means below the line.
 */
import { histogramN, mergeHistograms, type Histogram } from "./histogram";
import type { Interval } from "./intervals";
import { headlineBounds, headlineMoments } from "./moments";
import { headlineUnit, LOW_CONFIDENCE_N, type HeadlineUnit, type ScoringConfig } from "./summary";

export interface GlidePoint {
  value: number;
  /** A calendar day, YYYY-MM-DD. */
  date: string;
}

/** Days from the survey's first counted answer whose answers set where the line starts. */
export const TARGET_BASELINE_DAYS = 30;
/**
 * The line starts on the middle day of the baseline window (the 15th of 30; the exact middle is
 * half a day later, which moves the line by half a day's progress).
 */
export const TARGET_START_OFFSET_DAYS = Math.floor((TARGET_BASELINE_DAYS - 1) / 2);
/** Two-sided 95%. */
const Z95 = 1.959963984540054;

export const TARGET_VERDICTS = ["on_track", "off_track", "too_early"] as const;
export type TargetVerdict = (typeof TARGET_VERDICTS)[number];

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01; rejects malformed or impossible dates such as 2026-02-30. */
export function dayNumber(date: string): number {
  const match = DAY_PATTERN.exec(date);
  if (!match) throw new RangeError(`target: "${date}" is not a date as YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`target: "${date}" is not a calendar date`);
  }
  return time / MS_PER_DAY;
}

const dayOfNumber = (n: number): string => new Date(n * MS_PER_DAY).toISOString().slice(0, 10);

/** The day the line starts: the middle of the baseline window that opens on the first counted answer. */
export function lineStartDay(firstAnswerDay: string): string {
  return dayOfNumber(dayNumber(firstAnswerDay) + TARGET_START_OFFSET_DAYS);
}

/** Before the start the line is the start value; after the target date, the target value. */
export function expectedOnGlidePath(start: GlidePoint, target: GlidePoint, date: string): { expected: number; elapsed: number } {
  for (const value of [start.value, target.value]) {
    if (!Number.isFinite(value)) throw new RangeError("target: values must be finite numbers");
  }
  const from = dayNumber(start.date);
  const to = dayNumber(target.date);
  const now = dayNumber(date);
  const elapsed = to <= from ? 1 : Math.min(1, Math.max(0, (now - from) / (to - from)));
  return { expected: start.value + (target.value - start.value) * elapsed, elapsed };
}

export interface DayHistogram {
  day: string;
  histogram: Histogram;
}

export interface TargetQuestion {
  target: { value: number; by: string };
  /** The baseline window's answers, from the survey's first counted answer; null without any. */
  baseline: { firstDay: string; histogram: Histogram } | null;
  /** The range asked about, both ends included, and its days that have answers. */
  range: { from: string; to: string };
  days: readonly DayHistogram[];
}

export interface TargetStatus {
  /** Where the line starts: the baseline's headline on the middle day of its window. */
  start: GlidePoint | null;
  /** The line averaged over the range's days, each weighted by its answers (equally without any). */
  expected: number | null;
  /** The range's headline. */
  observed: number | null;
  n: number;
  /** observed − expected. */
  gap: number | null;
  /**
   * A 95% interval around the observed headline that also carries the line's own uncertainty (its
   * start is an estimate): the verdict is "off track" exactly when it lies wholly below `expected`.
   */
  interval: Interval | null;
  /** Share of the way from start to target, averaged like `expected`. */
  elapsed: number | null;
  verdict: TargetVerdict;
  /** The verdict in words. */
  reason: string;
}

export const METRIC_NAMES: Record<ScoringConfig["metric"], string> = { csat: "CSAT", nps: "NPS", ces: "CES", rating: "Rating", intent: "Intent" };

/** A whole number with a true minus sign, halves away from zero as the report pages round: how % and NPS points are read. */
export function formatWhole(value: number): string {
  const rounded = Math.sign(value) * Math.round(Math.abs(value));
  return rounded === 0 ? "0" : rounded.toLocaleString("en-US").replace("-", "−");
}

/** As a person reads it: CSAT and NPS in whole numbers, means to one decimal. */
export function formatHeadline(unit: HeadlineUnit, value: number): string {
  if (unit === "mean") return value.toFixed(1).replace("-", "−");
  return unit === "percent" ? `${formatWhole(value)}%` : formatWhole(value);
}

export function formatInterval(unit: HeadlineUnit, [lo, hi]: Interval): string {
  if (unit === "mean") return `${formatHeadline(unit, lo)}–${formatHeadline(unit, hi)}`;
  if (unit === "percent") return `${formatWhole(lo)}–${formatWhole(hi)}%`;
  return `${formatWhole(lo)} to ${formatWhole(hi)}`;
}

export const formatCount = (n: number): string => n.toLocaleString("en-US");

/** The verdict for one range: is its headline below the line over the same days? */
export function targetStatus(config: ScoringConfig, question: TargetQuestion): TargetStatus {
  const { target, baseline, range } = question;
  if (!Number.isFinite(target.value)) throw new RangeError("target: the target value must be a finite number");
  if (dayNumber(range.from) > dayNumber(range.to)) throw new RangeError("target: the range ends before it starts");
  const unit = headlineUnit(config);
  const name = METRIC_NAMES[config.metric];
  const over = `over ${range.from} – ${range.to}`;
  const base = baseline && headlineMoments(config, baseline.histogram);
  if (!baseline || !base) {
    return { start: null, expected: null, observed: null, n: 0, gap: null, interval: null, elapsed: null, verdict: "too_early", reason: "No answers yet to set where the line starts." };
  }
  const start = { value: base.value, date: lineStartDay(baseline.firstDay) };
  const end = { value: target.value, date: target.by };
  const days = question.days.filter((d) => d.day >= range.from && d.day <= range.to);
  const observed = headlineMoments(config, mergeHistograms(config.scale, days.map((d) => d.histogram)));
  const weights = observed ? days.map((d) => ({ day: d.day, weight: histogramN(d.histogram) })) : everyDay(range.from, range.to).map((day) => ({ day, weight: 1 }));
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  let expected = 0;
  let elapsed = 0;
  for (const { day, weight } of weights) {
    const point = expectedOnGlidePath(start, end, day);
    expected += (point.expected * weight) / total;
    elapsed += (point.elapsed * weight) / total;
  }
  const line = `the line is at ${formatHeadline(unit, expected)} for those days`;
  if (!observed) {
    return { start, expected, observed: null, n: 0, gap: null, interval: null, elapsed, verdict: "too_early", reason: `No answers ${over}; ${line}.` };
  }
  const gap = observed.value - expected;
  // The line's start is the baseline's estimate; the further along the line, the less it matters.
  const half = Z95 * Math.sqrt(observed.variance / observed.n + ((1 - elapsed) ** 2 * base.variance) / base.n);
  const { lo, hi } = headlineBounds(config);
  const interval: Interval = [Math.max(lo, observed.value - half), Math.min(hi, observed.value + half)];
  const stated = `${name} ${formatHeadline(unit, observed.value)} ${over} (${formatCount(observed.n)} answers); ${line}`;
  const status = { start, expected, observed: observed.value, n: observed.n, gap, interval, elapsed };
  if (observed.n < LOW_CONFIDENCE_N) {
    return { ...status, verdict: "too_early", reason: `${stated}; ${formatCount(observed.n)} answers are too few to tell.` };
  }
  const shown = formatInterval(unit, interval);
  if (observed.value + half < expected) return { ...status, verdict: "off_track", reason: `${stated}; the interval ${shown} lies below it.` };
  if (gap >= 0) return { ...status, verdict: "on_track", reason: `${stated}; the headline is at or above it (interval ${shown}).` };
  return { ...status, verdict: "too_early", reason: `${stated}; the headline is below it but the interval ${shown} reaches it: too early to tell.` };
}

function everyDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let n = dayNumber(from); n <= dayNumber(to); n += 1) days.push(dayOfNumber(n));
  return days;
}
