/**
 * 95% intervals for the three kinds of headline: a proportion (Wilson), NPS (adjusted Wald, Rocks
 * 2016) and a mean (Student t on a variance with one pseudo-answer split between the scale's ends).
 * Proportions here are fractions 0–1 and NPS is −1..1; summary.ts presents both in percentage points.
 * docs/rollups-and-metrics.md ("Methods") gives each method's simulated coverage.
 */
import { Z95, tCritical95 } from "./probability";

export type Interval = [lo: number, hi: number];

function checkCounts(n: number, ...parts: number[]): void {
  const valid = (x: number) => Number.isFinite(x) && x >= 0;
  if (!valid(n) || !parts.every(valid) || parts.reduce((a, b) => a + b, 0) > n) {
    throw new RangeError(`interval: counts ${parts.join(", ")} do not fit n = ${n}`);
  }
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** The observed estimate always lies inside its own interval, even where a method centres elsewhere. */
export function around(estimate: number, lo: number, hi: number): Interval {
  return [Math.min(lo, estimate), Math.max(hi, estimate)];
}

/**
 * Wilson score interval: unlike the Wald p ± z·√(p(1−p)/n) it stays inside [0, 1] and does not
 * collapse to zero width at 0% or 100%. Null when n = 0.
 */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval | null {
  checkCounts(n, successes);
  if (n === 0) return null;
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const lo = successes === 0 ? 0 : clamp(centre - half, 0, 1);
  const hi = successes === n ? 1 : clamp(centre + half, 0, 1);
  return around(p, lo, hi);
}

/** Rocks (2016): add this many answers in all, a quarter of them promoters and a quarter detractors. */
export const NPS_ADDED_ANSWERS = 3;
export const NPS_ADDED_EACH = 0.75;

export interface NpsEstimate {
  /** p_promoters − p_detractors, −1..1: the reported NPS. */
  nps: number;
  /** (promoters + ¾ − detractors − ¾) / (n + 3): the adjusted estimate the interval is centred on. */
  adjusted: number;
  /** (p̃_P + p̃_D − adjusted²) / (n + 3): the multinomial variance of the adjusted proportions; never 0. */
  variance: number;
  ci: Interval;
}

/**
 * NPS with the adjusted-Wald 95% interval of Rocks (2016): ¾ promoter and ¾ detractor (and 1½
 * passive) are added before the multinomial variance is taken, so one promoter, or a thousand, no
 * longer gives a zero-width [1, 1]. Clamped to [−1, 1] and widened to hold the observed NPS; null
 * when n = 0.
 */
export function npsInterval(promoters: number, detractors: number, n: number, z = Z95): NpsEstimate | null {
  checkCounts(n, promoters, detractors);
  if (n === 0) return null;
  const nps = (promoters - detractors) / n;
  const total = n + NPS_ADDED_ANSWERS;
  const pP = (promoters + NPS_ADDED_EACH) / total;
  const pD = (detractors + NPS_ADDED_EACH) / total;
  const adjusted = pP - pD;
  const variance = (pP + pD - adjusted * adjusted) / total;
  const half = z * Math.sqrt(variance);
  return { nps, adjusted, variance, ci: around(nps, clamp(adjusted - half, -1, 1), clamp(adjusted + half, -1, 1)) };
}

/**
 * The variance a mean's interval and test use: the sample's sum of squares about its mean plus one
 * pseudo-answer split between the scale's two ends (half at min, half at max), over n. Answers that
 * are all equal then still leave the uncertainty a bounded scale allows; with spread in the data the
 * pseudo-answer matters less and less as n grows. Null below two answers.
 */
export function boundedVariance(mean: number, sd: number, n: number, bounds: { min: number; max: number }): number | null {
  if (!Number.isFinite(mean) || !Number.isFinite(sd) || sd < 0 || !Number.isInteger(n) || n < 0) {
    throw new RangeError("boundedVariance: mean and sd must be finite, sd ≥ 0 and n a count");
  }
  if (!(bounds.max > bounds.min)) throw new RangeError("boundedVariance: the scale must have max > min");
  if (n < 2) return null;
  const pseudo = 0.5 * (mean - bounds.min) ** 2 + 0.5 * (bounds.max - mean) ** 2;
  return (sd * sd * (n - 1) + pseudo) / n;
}

/**
 * mean ± t(0.975, n − 1) · √(boundedVariance / n), clamped to the scale. Null below two answers,
 * where the spread is unknown.
 */
export function meanInterval(mean: number, sd: number, n: number, bounds: { min: number; max: number }): Interval | null {
  const variance = boundedVariance(mean, sd, n, bounds);
  if (variance === null) return null;
  const half = tCritical95(n - 1) * Math.sqrt(variance / n);
  return around(mean, clamp(mean - half, bounds.min, bounds.max), clamp(mean + half, bounds.min, bounds.max));
}
