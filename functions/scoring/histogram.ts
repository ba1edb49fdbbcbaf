/**
 * Additive histograms: the count of each integer score on a scale. Rollups store these, and every
 * metric derives from their sums, so merging days, segments or shards is plain addition.
 */
import type { Scale } from "./metrics";

export interface Histogram {
  scale: Scale;
  /** counts[i] is the number of answers with score scale.min + i. */
  counts: readonly number[];
}

function checkScale(scale: Scale): void {
  if (!Number.isInteger(scale.min) || !Number.isInteger(scale.max) || scale.min >= scale.max) {
    throw new RangeError(`histogram: invalid scale ${scale.min}–${scale.max}`);
  }
}

function checkCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`histogram: invalid count ${count}`);
}

function checkSameScale(a: Histogram, b: Histogram): void {
  if (a.scale.min !== b.scale.min || a.scale.max !== b.scale.max) {
    throw new RangeError(`histogram: scales differ (${a.scale.min}–${a.scale.max} vs ${b.scale.min}–${b.scale.max})`);
  }
}

export function scaleScores(scale: Scale): number[] {
  return Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i);
}

export function isScore(scale: Scale, score: number): boolean {
  return Number.isInteger(score) && score >= scale.min && score <= scale.max;
}

export function emptyHistogram(scale: Scale): Histogram {
  checkScale(scale);
  return { scale: { min: scale.min, max: scale.max }, counts: new Array<number>(scale.max - scale.min + 1).fill(0) };
}

export function histogramFromScores(scale: Scale, scores: Iterable<number>): Histogram {
  checkScale(scale);
  const counts = new Array<number>(scale.max - scale.min + 1).fill(0);
  for (const score of scores) {
    if (!isScore(scale, score)) throw new RangeError(`histogram: score ${score} is not on the scale ${scale.min}–${scale.max}`);
    counts[score - scale.min]!++;
  }
  return { scale: { min: scale.min, max: scale.max }, counts };
}

/** From a score → count map, as rollup rows store them; scores not named count zero. */
export function histogramFromCounts(scale: Scale, countsByScore: Readonly<Record<number, number>>): Histogram {
  checkScale(scale);
  const counts = new Array<number>(scale.max - scale.min + 1).fill(0);
  for (const [key, count] of Object.entries(countsByScore)) {
    const score = Number(key);
    if (!isScore(scale, score)) throw new RangeError(`histogram: score ${key} is not on the scale ${scale.min}–${scale.max}`);
    checkCount(count);
    counts[score - scale.min] = count;
  }
  return { scale: { min: scale.min, max: scale.max }, counts };
}

export function countsByScore(histogram: Histogram): Record<number, number> {
  return Object.fromEntries(histogram.counts.map((count, i) => [histogram.scale.min + i, count]));
}

export function countOf(histogram: Histogram, score: number): number {
  return isScore(histogram.scale, score) ? histogram.counts[score - histogram.scale.min]! : 0;
}

/** Answers with lo ≤ score ≤ hi (bounds are clipped to the scale). */
export function countBetween(histogram: Histogram, lo: number, hi: number): number {
  let total = 0;
  histogram.counts.forEach((count, i) => {
    const score = histogram.scale.min + i;
    if (score >= lo && score <= hi) total += count;
  });
  return total;
}

export function countAtLeast(histogram: Histogram, min: number): number {
  return countBetween(histogram, min, histogram.scale.max);
}

export function addHistograms(a: Histogram, b: Histogram): Histogram {
  checkSameScale(a, b);
  return { scale: { ...a.scale }, counts: a.counts.map((count, i) => count + b.counts[i]!) };
}

/** Removes b from a, e.g. when one respondent's answers are erased; a count below zero is a bug. */
export function subtractHistograms(a: Histogram, b: Histogram): Histogram {
  checkSameScale(a, b);
  const counts = a.counts.map((count, i) => count - b.counts[i]!);
  if (counts.some((count) => count < 0)) throw new RangeError("histogram: subtraction would leave a negative count");
  return { scale: { ...a.scale }, counts };
}

/** Sums any number of histograms on one scale; the scale is needed for the empty list. */
export function mergeHistograms(scale: Scale, histograms: Iterable<Histogram>): Histogram {
  let total = emptyHistogram(scale);
  for (const histogram of histograms) total = addHistograms(total, histogram);
  return total;
}

export function histogramN(histogram: Histogram): number {
  return histogram.counts.reduce((total, count) => total + count, 0);
}

export function histogramSum(histogram: Histogram): number {
  return histogram.counts.reduce((total, count, i) => total + count * (histogram.scale.min + i), 0);
}

export function histogramMean(histogram: Histogram): number | null {
  const n = histogramN(histogram);
  return n === 0 ? null : histogramSum(histogram) / n;
}

/** Sample variance (n − 1 denominator); null below two answers, where it is undefined. */
export function histogramVariance(histogram: Histogram): number | null {
  const n = histogramN(histogram);
  const mean = histogramMean(histogram);
  if (mean === null || n < 2) return null;
  // Summing squared deviations from the mean avoids the cancellation of Σx² − n·mean².
  const squares = histogram.counts.reduce((total, count, i) => total + count * (histogram.scale.min + i - mean) ** 2, 0);
  return squares / (n - 1);
}

export function histogramSd(histogram: Histogram): number | null {
  const variance = histogramVariance(histogram);
  return variance === null ? null : Math.sqrt(variance);
}
