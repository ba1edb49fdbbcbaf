/**
 * The headline as the mean of one number per answer, which is what targets and drop alerts need to
 * weigh evidence: % good is the mean of 100 (good) and 0, NPS of +100 (promoter), 0 and −100
 * (detractor), a mean headline of the scores themselves.
 */
import { countAtLeast, countBetween, histogramN, scaleScores, type Histogram } from "./histogram";
import { goodMin, headlineUnit, NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, type ScoringConfig } from "./summary";

export interface HeadlineMoments {
  /** The headline, in its unit. */
  value: number;
  /**
   * The variance of one answer's number, with one answer added at each end of the unit's range: an
   * all-equal sample (every answer satisfied, say) still carries honest uncertainty.
   */
  variance: number;
  n: number;
}

/** The unit's lowest and highest possible headline. */
export function headlineBounds(config: ScoringConfig): { lo: number; hi: number } {
  const unit = headlineUnit(config);
  if (unit === "nps") return { lo: -100, hi: 100 };
  if (unit === "percent") return { lo: 0, hi: 100 };
  return { lo: config.scale.min, hi: config.scale.max };
}

/** Null without answers. */
export function headlineMoments(config: ScoringConfig, histogram: Histogram): HeadlineMoments | null {
  const n = histogramN(histogram);
  if (n === 0) return null;
  const unit = headlineUnit(config);
  const values: [number, number][] =
    unit === "nps"
      ? [
          [100, countAtLeast(histogram, NPS_PROMOTER_MIN)],
          [-100, countBetween(histogram, histogram.scale.min, NPS_DETRACTOR_MAX)],
        ]
      : unit === "percent"
        ? [[100, countAtLeast(histogram, goodMin(config))]]
        : scaleScores(histogram.scale).map((score, i) => [score, histogram.counts[i] ?? 0]);
  let sum = 0;
  let squares = 0;
  for (const [value, count] of values) {
    sum += value * count;
    squares += value * value * count;
  }
  const { lo, hi } = headlineBounds(config);
  const total = n + 2;
  const smoothedMean = (sum + lo + hi) / total;
  const variance = (squares + lo * lo + hi * hi) / total - smoothedMean * smoothedMean;
  return { value: sum / n, variance, n };
}
