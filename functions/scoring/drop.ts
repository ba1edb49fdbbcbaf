/**
 * Drop alerts: Page's CUSUM of the log-likelihood ratio for a drop of a set size, one step per
 * completed week. Each week's headline is set against the weeks before the current run (the weeks
 * since the sum last stood at zero); the sum grows while weeks come in low and falls back to zero
 * while they do not, so evidence from two or three middling weeks adds up to an alert that no single
 * week would justify, and a stable process rarely crosses the threshold (the false-alarm and
 * detection rates are in docs/rollups-and-metrics.md).
 */
import { mergeHistograms, type Histogram } from "./histogram";
import type { Interval } from "./intervals";
import { headlineMoments, type HeadlineMoments } from "./moments";
import { headlineUnit, type ScoringConfig } from "./summary";
import { formatCount, formatHeadline, formatWhole, METRIC_NAMES } from "./target";

/** Each week is compared with up to this many weeks before the current run. */
export const DROP_BASELINE_WEEKS = 12;
/** The sum runs over this many weeks up to the week under test. */
export const DROP_CUSUM_WEEKS = 12;
/** Weeks the check reads: the sum's weeks and the baseline of the first of them. */
export const DROP_HISTORY_WEEKS = DROP_BASELINE_WEEKS + DROP_CUSUM_WEEKS;
/** Answers the weeks compared against need before a week counts. */
export const DROP_MIN_BASELINE_N = 30;
/** The log-likelihood ratio that raises an alert (calibrated by test/alerts/drop-simulation.test.ts). */
export const DROP_THRESHOLD = 2.5;
/** Two-sided 95%. */
const Z95 = 1.959963984540054;

/** The drop worth an alert, in headline units: 10 points of a %, 15 NPS points, a tenth of a mean's scale. */
export function dropSize(config: ScoringConfig): number {
  const unit = headlineUnit(config);
  if (unit === "nps") return 15;
  if (unit === "percent") return 10;
  return (config.scale.max - config.scale.min) / 10;
}

export interface WeekHistogram {
  /** Monday and Sunday of the ISO week, local days of the survey. */
  from: string;
  to: string;
  histogram: Histogram;
}

export interface DropSide {
  from: string;
  to: string;
  value: number;
  n: number;
}

export interface DropAlert {
  /** The weeks since the sum last stood at zero: when the drop most likely began. */
  latest: DropSide;
  /** The weeks before them that they are compared with. */
  baseline: DropSide;
  /** latest − baseline, in headline units (negative). */
  delta: number;
  /** A 95% interval of delta. */
  ci: Interval;
  /** The sum at the week under test, and the threshold it crossed. */
  statistic: number;
  threshold: number;
  /** The drop the sum is tuned to, in headline units. */
  size: number;
}

export interface DropResult {
  /** The sum after the week under test (after a reset if an earlier week alerted). */
  statistic: number;
  alert: DropAlert | null;
}

/**
 * weeks: consecutive ISO weeks, oldest first; the last is the completed week under test. Only that
 * week can alert: an earlier crossing was that week's alert, after which the sum restarts and later
 * weeks are compared only with weeks from the drop on, so one lasting drop raises one alert.
 */
export function detectDrop(config: ScoringConfig, weeks: readonly WeekHistogram[]): DropResult {
  const size = dropSize(config);
  const moments = weeks.map((w) => headlineMoments(config, w.histogram));
  const first = Math.max(1, weeks.length - DROP_CUSUM_WEEKS);
  let statistic = 0;
  let runStart = first;
  let floor = Math.max(0, first - DROP_BASELINE_WEEKS);
  for (let i = first; i < weeks.length; i += 1) {
    if (statistic === 0) runStart = i;
    const week = moments[i];
    // Weeks already in the run are left out of the baseline: they are the suspected drop.
    const baseline = headlineMoments(config, mergeHistograms(config.scale, weeks.slice(Math.max(floor, runStart - DROP_BASELINE_WEEKS), runStart).map((w) => w.histogram)));
    if (week && baseline && baseline.n >= DROP_MIN_BASELINE_N) statistic = Math.max(0, statistic + logLikelihoodRatio(size, week, baseline));
    if (statistic <= DROP_THRESHOLD) continue;
    if (i === weeks.length - 1) return { statistic, alert: describe(config, weeks, runStart, floor, statistic, size) };
    statistic = 0;
    floor = runStart;
  }
  return { statistic, alert: null };
}

/**
 * log P(week | a drop of `size`) − log P(week | no drop), the week's headline taken as normal:
 * positive when the week is lower than the baseline by more than size / 2. The spread is the larger
 * of the week's and the baseline's: a low week of few answers (a skewed share near 100%) must not
 * count as more evidence than it is.
 */
function logLikelihoodRatio(size: number, week: HeadlineMoments, baseline: HeadlineMoments): number {
  const variance = Math.max(baseline.variance, week.variance) * (1 / week.n + 1 / baseline.n);
  return (size * (baseline.value - week.value) - (size * size) / 2) / variance;
}

function describe(config: ScoringConfig, weeks: readonly WeekHistogram[], runStart: number, floor: number, statistic: number, size: number): DropAlert {
  const side = (from: number, to: number): { side: DropSide; moments: HeadlineMoments } | null => {
    const part = weeks.slice(from, to);
    const moments = headlineMoments(config, mergeHistograms(config.scale, part.map((w) => w.histogram)));
    const [firstWeek, lastWeek] = [part[0], part.at(-1)];
    if (!moments || !firstWeek || !lastWeek) return null;
    return { side: { from: firstWeek.from, to: lastWeek.to, value: moments.value, n: moments.n }, moments };
  };
  const latest = side(runStart, weeks.length);
  const baseline = side(Math.max(floor, runStart - DROP_BASELINE_WEEKS), runStart);
  // The sum only rises on weeks with answers and a baseline, so both sides have answers.
  if (!latest || !baseline) throw new Error("drop: an alert without answers on both sides");
  const delta = latest.side.value - baseline.side.value;
  const half = Z95 * Math.sqrt(latest.moments.variance / latest.moments.n + baseline.moments.variance / baseline.moments.n);
  return { latest: latest.side, baseline: baseline.side, delta, ci: [delta - half, delta + half], statistic, threshold: DROP_THRESHOLD, size };
}

/** The alert in words: what was compared, by how much it fell, and the interval of the fall. */
export function dropReason(config: ScoringConfig, alert: DropAlert): string {
  const unit = headlineUnit(config);
  const side = (s: DropSide) => `${formatHeadline(unit, s.value)} over ${s.from} – ${s.to} (${formatCount(s.n)} answers)`;
  // The fall and its interval as positive amounts: "down 10 points, interval 4 to 16 points".
  const [lo, hi] = [-alert.ci[1], -alert.ci[0]];
  const fall =
    unit === "mean"
      ? `${formatHeadline(unit, -alert.delta)}, interval ${formatHeadline(unit, lo)} to ${formatHeadline(unit, hi)}`
      : `${formatWhole(-alert.delta)} points, interval ${formatWhole(lo)} to ${formatWhole(hi)} points`;
  return `${METRIC_NAMES[config.metric]} ${side(alert.latest)} against ${side(alert.baseline)}: down ${fall}.`;
}
