/**
 * Is B different from A? Period over period, segment against segment, variant against control.
 * Every difference is B − A in the headline's units (percentage points, NPS points or scale units),
 * with a 95% interval and a two-sided p-value. Where a test is undefined (an empty side, no spread
 * at all) the p-value is null and the result is not significant, never NaN.
 */
import { countAtLeast, histogramMean, histogramN, histogramVariance, type Histogram } from "./histogram";
import { npsInterval, wilsonInterval, type Interval } from "./intervals";
import type { Scale } from "./metrics";
import { Z95, normalTwoSidedP, studentTTwoSidedP, tCritical95 } from "./probability";
import { goodMin, headlineUnit, npsOf, toIndex, type HeadlineUnit, type ScoringConfig } from "./summary";

export const SIGNIFICANCE_ALPHA = 0.05;

export type ComparisonTest = "two_proportion_z" | "nps_z" | "welch_t";

export interface Comparison {
  test: ComparisonTest;
  unit: HeadlineUnit | "index";
  /** B − A; null when either side has no answers. */
  difference: number | null;
  ci: Interval | null;
  p_value: number | null;
  significant: boolean;
  n_a: number;
  n_b: number;
}

function result(
  test: ComparisonTest,
  unit: Comparison["unit"],
  counts: { n_a: number; n_b: number },
  difference: number | null,
  ci: Interval | null,
  p_value: number | null,
  alpha: number,
): Comparison {
  return { test, unit, difference, ci, p_value, significant: p_value !== null && p_value < alpha, ...counts };
}

/**
 * Two proportions, in percentage points. The p-value is the pooled two-proportion z-test; the interval
 * is Newcombe's hybrid score interval (built from the two Wilson intervals), which, unlike the Wald
 * interval, keeps its width at 0% and 100% and stays within ±100.
 */
export function compareProportions(xA: number, nA: number, xB: number, nB: number, alpha = SIGNIFICANCE_ALPHA): Comparison {
  const counts = { n_a: nA, n_b: nB };
  const ciA = wilsonInterval(xA, nA);
  const ciB = wilsonInterval(xB, nB);
  if (ciA === null || ciB === null) return result("two_proportion_z", "percent", counts, null, null, null, alpha);
  const pA = xA / nA;
  const pB = xB / nB;
  const d = pB - pA;
  const lo = d - Math.sqrt((pB - ciB[0]) ** 2 + (ciA[1] - pA) ** 2);
  const hi = d + Math.sqrt((ciB[1] - pB) ** 2 + (pA - ciA[0]) ** 2);
  const pooled = (xA + xB) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  const p = se > 0 ? normalTwoSidedP(d / se) : null;
  return result("two_proportion_z", "percent", counts, d * 100, [Math.max(-100, lo * 100), Math.min(100, hi * 100)], p, alpha);
}

/** NPS B − NPS A in points, SE = √(Var_A/n_A + Var_B/n_B) from the multinomial variances. */
export function compareNps(a: Histogram, b: Histogram, alpha = SIGNIFICANCE_ALPHA): Comparison {
  const npsA = npsOf(a);
  const npsB = npsOf(b);
  const counts = { n_a: npsA.n, n_b: npsB.n };
  const estA = npsInterval(npsA.promoters, npsA.detractors, npsA.n);
  const estB = npsInterval(npsB.promoters, npsB.detractors, npsB.n);
  if (estA === null || estB === null) return result("nps_z", "nps", counts, null, null, null, alpha);
  const d = estB.nps - estA.nps;
  const se = Math.sqrt(estA.variance + estB.variance);
  if (!(se > 0)) return result("nps_z", "nps", counts, d * 100, null, null, alpha);
  const ci: Interval = [Math.max(-200, (d - Z95 * se) * 100), Math.min(200, (d + Z95 * se) * 100)];
  return result("nps_z", "nps", counts, d * 100, ci, normalTwoSidedP(d / se), alpha);
}

interface MeanSample {
  n: number;
  mean: number | null;
  variance: number | null;
}

function meanSample(histogram: Histogram, rescale = (x: number) => x, spread = 1): MeanSample {
  const mean = histogramMean(histogram);
  const variance = histogramVariance(histogram);
  return {
    n: histogramN(histogram),
    mean: mean === null ? null : rescale(mean),
    variance: variance === null ? null : variance * spread * spread,
  };
}

/** Welch's t-test on two means: no equal-variance assumption, Welch–Satterthwaite df. */
function welch(a: MeanSample, b: MeanSample, unit: Comparison["unit"], alpha: number): Comparison {
  const counts = { n_a: a.n, n_b: b.n };
  if (a.mean === null || b.mean === null) return result("welch_t", unit, counts, null, null, null, alpha);
  const d = b.mean - a.mean;
  if (a.variance === null || b.variance === null) return result("welch_t", unit, counts, d, null, null, alpha);
  const vA = a.variance / a.n;
  const vB = b.variance / b.n;
  const se = Math.sqrt(vA + vB);
  if (!(se > 0)) return result("welch_t", unit, counts, d, null, null, alpha);
  const df = (vA + vB) ** 2 / (vA ** 2 / (a.n - 1) + vB ** 2 / (b.n - 1));
  const half = tCritical95(df) * se;
  return result("welch_t", unit, counts, d, [d - half, d + half], studentTTwoSidedP(d / se, df), alpha);
}

export function compareMeans(a: Histogram, b: Histogram, alpha = SIGNIFICANCE_ALPHA): Comparison {
  return welch(meanSample(a), meanSample(b), "mean", alpha);
}

/** Means on the 0–100 index, so surveys on different scales (a British 1–5, a Dutch 1–10) can be compared. */
export function compareIndex(a: Histogram, b: Histogram, alpha = SIGNIFICANCE_ALPHA): Comparison {
  const onIndex = (scale: Scale) => [(x: number) => toIndex(scale, x), 100 / (scale.max - scale.min)] as const;
  return welch(meanSample(a, ...onIndex(a.scale)), meanSample(b, ...onIndex(b.scale)), "index", alpha);
}

/** Compares two histograms of one survey on its headline: % good, NPS or mean. */
export function compareHistograms(config: ScoringConfig, a: Histogram, b: Histogram, alpha = SIGNIFICANCE_ALPHA): Comparison {
  for (const h of [a, b]) {
    if (h.scale.min !== config.scale.min || h.scale.max !== config.scale.max) {
      throw new RangeError("compare: both histograms must be on the survey's scale");
    }
  }
  const unit = headlineUnit(config);
  if (unit === "nps") return compareNps(a, b, alpha);
  if (unit === "mean") return compareMeans(a, b, alpha);
  const min = goodMin(config);
  return compareProportions(countAtLeast(a, min), histogramN(a), countAtLeast(b, min), histogramN(b), alpha);
}
