/**
 * 95% intervals for the three kinds of headline: a proportion (Wilson), NPS (multinomial variance)
 * and a mean (Student t). Proportions here are fractions 0–1 and NPS is −1..1; summary.ts presents
 * both in percentage points.
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

/** Rounding must never leave the estimate outside its own interval. */
function around(estimate: number, lo: number, hi: number): Interval {
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

export interface NpsEstimate {
  /** p_promoters − p_detractors, −1..1. */
  nps: number;
  /** Var = (p_P + p_D − (p_P − p_D)²) / n, the multinomial variance of the estimate. */
  variance: number;
  ci: Interval;
}

/** NPS with its 95% interval, clamped to [−1, 1]; null when n = 0. */
export function npsInterval(promoters: number, detractors: number, n: number, z = Z95): NpsEstimate | null {
  checkCounts(n, promoters, detractors);
  if (n === 0) return null;
  const pP = promoters / n;
  const pD = detractors / n;
  const nps = pP - pD;
  const variance = Math.max(0, pP + pD - nps * nps) / n;
  const half = z * Math.sqrt(variance);
  return { nps, variance, ci: around(nps, clamp(nps - half, -1, 1), clamp(nps + half, -1, 1)) };
}

/**
 * mean ± t(0.975, n − 1) · sd/√n, clamped to the bounds the scores can take. Null below two answers,
 * where the spread is unknown.
 */
export function meanInterval(mean: number, sd: number, n: number, bounds?: { min: number; max: number }): Interval | null {
  if (!Number.isFinite(mean) || !Number.isFinite(sd) || sd < 0 || !Number.isInteger(n) || n < 0) {
    throw new RangeError("meanInterval: mean and sd must be finite, sd ≥ 0 and n a count");
  }
  if (n < 2) return null;
  const half = tCritical95(n - 1) * (sd / Math.sqrt(n));
  const lo = bounds ? clamp(mean - half, bounds.min, bounds.max) : mean - half;
  const hi = bounds ? clamp(mean + half, bounds.min, bounds.max) : mean + half;
  return around(mean, lo, hi);
}
