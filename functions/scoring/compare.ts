/**
 * Is B different from A? Period over period, segment against segment, variant against control.
 * Every difference is B − A in the headline's units (percentage points, NPS points or scale units),
 * with a 95% interval and a two-sided p-value taken from one method, so p < 0.05 exactly when the
 * interval leaves out 0. A side without spread still gives a valid test. Where no test exists (an
 * empty side; a mean with one answer) the p-value is null and the result is not significant, never NaN.
 */
import { countAtLeast, histogramMean, histogramN, histogramSd, type Histogram } from "./histogram";
import { around, boundedVariance, npsInterval, wilsonInterval, type Interval } from "./intervals";
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
 * The maximum-likelihood (pA, pB) under the constraint pB − pA = delta: the closed form of Farrington
 * & Manning (1990) for the cubic the likelihood's derivative gives.
 */
function restrictedMle(xA: number, nA: number, xB: number, nB: number, delta: number): [pA: number, pB: number] {
  // At no difference the answer is the pooled proportion; taken directly, it is exact and symmetric in A and B.
  if (delta === 0) {
    const pooled = (xA + xB) / (nA + nB);
    return [pooled, pooled];
  }
  const p1 = xB / nB;
  const p2 = xA / nA;
  const theta = nA / nB;
  const a = 1 + theta;
  const b = -(1 + theta + p1 + theta * p2 + delta * (theta + 2));
  const c = delta * delta + delta * (2 * p1 + theta + 1) + p1 + theta * p2;
  const d = -p1 * delta * (1 + delta);
  const v = b ** 3 / (27 * a ** 3) - (b * c) / (6 * a * a) + d / (2 * a);
  // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator: u's sign: with u negated, v/u^3 flips sign, acos(-y) = pi - acos(y), and -cos((2pi - acos y)/3) = cos((pi + acos y)/3), so 2u cos(w) is the same root
  const u = (v < 0 ? -1 : 1) * Math.sqrt(Math.max(0, (b * b) / (9 * a * a) - c / (3 * a)));
  const w = u === 0 ? Math.PI / 2 : (Math.PI + Math.acos(Math.max(-1, Math.min(1, v / u ** 3)))) / 3;
  const pB = Math.max(0, Math.min(1, 2 * u * Math.cos(w) - b / (3 * a)));
  return [Math.max(0, Math.min(1, pB - delta)), pB];
}

/**
 * The score statistic for H0: pB − pA = delta, its variance taken at the restricted MLE. At delta = 0
 * that MLE is the pooled proportion, so this is then exactly the pooled two-proportion z.
 */
function scoreZ(xA: number, nA: number, xB: number, nB: number, delta: number): number {
  const gap = xB / nB - xA / nA - delta;
  if (gap === 0) return 0;
  const [pA, pB] = restrictedMle(xA, nA, xB, nB, delta);
  const variance = (pA * (1 - pA)) / nA + (pB * (1 - pB)) / nB;
  return variance > 0 ? gap / Math.sqrt(variance) : gap * Infinity;
}

/** Bisection for the delta in (from, to) where the score statistic crosses target; it falls as delta grows. */
function scoreBound(xA: number, nA: number, xB: number, nB: number, from: number, to: number, target: number): number {
  let lo = from;
  let hi = to;
  // Stryker disable next-line LogicalOperator,UpdateOperator: iterations after the bracket has shrunk to adjacent doubles, or without the 200 cap (it always shrinks below 1e-15 within [-1, 1]), leave the same midpoint
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (scoreZ(xA, nA, xB, nB, mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Two proportions, in percentage points: the score test of Farrington & Manning with the interval that
 * inverts it (Mee 1984: every delta the test at 5% does not reject). At a difference of 0 the test is
 * the pooled two-proportion z-test, so the p-value is that test's and p < 0.05 exactly when the
 * interval leaves out 0. It needs no spread within a side: 0% against 100% is a valid, significant
 * test, and 100% against 100% gives p = 1 with an interval of honest width.
 */
export function compareProportions(xA: number, nA: number, xB: number, nB: number, alpha = SIGNIFICANCE_ALPHA): Comparison {
  const counts = { n_a: nA, n_b: nB };
  // wilsonInterval refuses impossible counts and is null for an empty side.
  if (wilsonInterval(xA, nA) === null || wilsonInterval(xB, nB) === null) return result("two_proportion_z", "percent", counts, null, null, null, alpha);
  const d = xB / nB - xA / nA;
  const lo = d <= -1 ? -1 : scoreBound(xA, nA, xB, nB, -1, d, Z95);
  const hi = d >= 1 ? 1 : scoreBound(xA, nA, xB, nB, d, 1, -Z95);
  const p = normalTwoSidedP(scoreZ(xA, nA, xB, nB, 0));
  return result("two_proportion_z", "percent", counts, d * 100, around(d * 100, lo * 100, hi * 100), p, alpha);
}

/**
 * NPS B − NPS A in points: a z-test on the adjusted-Wald estimates of both sides, SE = √(Var_A + Var_B)
 * from their adjusted variances (Rocks 2016), so it holds its 5% false-positive rate at 10 answers a
 * side and stays valid when a side has no spread. The interval is the adjusted difference ± 1.96·SE,
 * widened to hold the observed difference; the p-value is that same interval's: the level at which it
 * would just reach 0, and 1 when the observed and adjusted differences point different ways (the
 * widened interval then always holds 0).
 */
export function compareNps(a: Histogram, b: Histogram, alpha = SIGNIFICANCE_ALPHA): Comparison {
  const npsA = npsOf(a);
  const npsB = npsOf(b);
  const counts = { n_a: npsA.n, n_b: npsB.n };
  const estA = npsInterval(npsA.promoters, npsA.detractors, npsA.n);
  const estB = npsInterval(npsB.promoters, npsB.detractors, npsB.n);
  if (estA === null || estB === null) return result("nps_z", "nps", counts, null, null, null, alpha);
  const d = estB.nps - estA.nps;
  const adjusted = estB.adjusted - estA.adjusted;
  const se = Math.sqrt(estA.variance + estB.variance);
  const sameWay = Math.sign(d) === Math.sign(adjusted) && adjusted !== 0;
  const p = sameWay ? normalTwoSidedP(adjusted / se) : 1;
  const ci = around(d * 100, Math.max(-200, (adjusted - Z95 * se) * 100), Math.min(200, (adjusted + Z95 * se) * 100));
  return result("nps_z", "nps", counts, d * 100, ci, p, alpha);
}

interface MeanSample {
  n: number;
  mean: number | null;
  variance: number | null;
}

/** The side's mean and its bounded variance (intervals.ts), rescaled to the unit compared. */
function meanSample(histogram: Histogram, rescale = (x: number) => x, spread = 1): MeanSample {
  const mean = histogramMean(histogram);
  const sd = histogramSd(histogram);
  const variance = mean === null || sd === null ? null : boundedVariance(mean, sd, histogramN(histogram), histogram.scale);
  return {
    n: histogramN(histogram),
    mean: mean === null ? null : rescale(mean),
    variance: variance === null ? null : variance * spread * spread,
  };
}

/**
 * Welch's t-test on two means, each side's variance the bounded one of its mean interval: no
 * equal-variance assumption, Welch–Satterthwaite df, and a side whose answers are all equal still
 * has a variance. The interval d ± t·SE and the p-value come from the same t and df.
 */
function welch(a: MeanSample, b: MeanSample, unit: Comparison["unit"], alpha: number): Comparison {
  const counts = { n_a: a.n, n_b: b.n };
  if (a.mean === null || b.mean === null) return result("welch_t", unit, counts, null, null, null, alpha);
  const d = b.mean - a.mean;
  if (a.variance === null || b.variance === null) return result("welch_t", unit, counts, d, null, null, alpha);
  const vA = a.variance / a.n;
  const vB = b.variance / b.n;
  const se = Math.sqrt(vA + vB);
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
