/**
 * Significant-drop detection: the latest period against everything before it pooled. Alerts fire on
 * this, so it errs quiet: both sides need a minimum n and the two-sided test must pass alpha.
 */
import { compareHistograms, SIGNIFICANCE_ALPHA } from "./compare";
import { mergeHistograms, type Histogram } from "./histogram";
import type { ScoringConfig } from "./summary";

export const DROP_MIN_N = 30;

export interface DropOptions {
  alpha?: number;
  /** Answers needed on each side before a drop can be flagged. */
  min_n?: number;
}

export interface DropResult {
  dropped: boolean;
  /** Latest − baseline headline, in headline units; null when a side has no answers. */
  delta: number | null;
  p_value: number | null;
  n_latest: number;
  n_baseline: number;
}

/** periods are oldest first; the last one is the period under test. */
export function detectDrop(config: ScoringConfig, periods: readonly Histogram[], options: DropOptions = {}): DropResult {
  const alpha = options.alpha ?? SIGNIFICANCE_ALPHA;
  const minN = options.min_n ?? DROP_MIN_N;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError("drop: alpha must lie strictly between 0 and 1");
  if (!Number.isInteger(minN) || minN < 1) throw new RangeError("drop: min_n must be a positive integer");
  const latest = periods.at(-1);
  if (latest === undefined) return { dropped: false, delta: null, p_value: null, n_latest: 0, n_baseline: 0 };
  const baseline = mergeHistograms(config.scale, periods.slice(0, -1));
  const comparison = compareHistograms(config, baseline, latest, alpha);
  const enough = comparison.n_a >= minN && comparison.n_b >= minN;
  return {
    dropped: enough && comparison.difference !== null && comparison.difference < 0 && comparison.significant,
    delta: comparison.difference,
    p_value: comparison.p_value,
    n_latest: comparison.n_b,
    n_baseline: comparison.n_a,
  };
}
