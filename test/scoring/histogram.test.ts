import { describe, expect, it } from "vitest";
import {
  addHistograms,
  countAtLeast,
  countBetween,
  countOf,
  countsByScore,
  emptyHistogram,
  histogramFromCounts,
  histogramFromScores,
  histogramMean,
  histogramN,
  histogramSd,
  histogramSum,
  histogramVariance,
  isScore,
  mergeHistograms,
  scaleScores,
  subtractHistograms,
} from "../../functions/scoring/histogram";

const FIVE = { min: 1, max: 5 };
const NPS = { min: 0, max: 10 };

describe("building histograms", () => {
  it("counts raw scores per score", () => {
    const h = histogramFromScores(FIVE, [1, 5, 5, 4, 3, 5]);
    expect(h.counts).toEqual([1, 0, 1, 1, 3]);
    expect(countOf(h, 5)).toBe(3);
    expect(countOf(h, 6)).toBe(0);
    expect(countsByScore(h)).toEqual({ 1: 1, 2: 0, 3: 1, 4: 1, 5: 3 });
  });

  it("round-trips through a score → count map", () => {
    const h = histogramFromCounts(NPS, { 0: 2, 9: 5, 10: 1 });
    expect(h.counts).toEqual([2, 0, 0, 0, 0, 0, 0, 0, 0, 5, 1]);
    expect(histogramFromCounts(NPS, countsByScore(h))).toEqual(h);
  });

  it("starts empty", () => {
    const h = emptyHistogram(NPS);
    expect(h.counts).toHaveLength(11);
    expect(histogramN(h)).toBe(0);
    expect(histogramMean(h)).toBeNull();
    expect(histogramVariance(h)).toBeNull();
    expect(histogramSd(h)).toBeNull();
  });

  it("rejects scores off the scale, fractions and bad counts", () => {
    expect(() => histogramFromScores(FIVE, [0])).toThrow(RangeError);
    expect(() => histogramFromScores(FIVE, [6])).toThrow(RangeError);
    expect(() => histogramFromScores(FIVE, [2.5])).toThrow(RangeError);
    expect(() => histogramFromScores(FIVE, [Number.NaN])).toThrow(RangeError);
    expect(() => histogramFromCounts(FIVE, { 7: 1 })).toThrow(RangeError);
    expect(() => histogramFromCounts(FIVE, { 3: -1 })).toThrow(RangeError);
    expect(() => histogramFromCounts(FIVE, { 3: 1.5 })).toThrow(RangeError);
    expect(() => emptyHistogram({ min: 5, max: 1 })).toThrow(RangeError);
    expect(() => emptyHistogram({ min: 1, max: 1 })).toThrow(RangeError);
  });

  it("lists the scores of a scale", () => {
    expect(scaleScores(FIVE)).toEqual([1, 2, 3, 4, 5]);
    expect(scaleScores(NPS)).toHaveLength(11);
    expect(isScore(FIVE, 5)).toBe(true);
    expect(isScore(FIVE, 0)).toBe(false);
  });
});

describe("histogram arithmetic", () => {
  const a = histogramFromScores(FIVE, [1, 2, 2, 5]);
  const b = histogramFromScores(FIVE, [2, 3, 4, 4, 5]);

  it("adds and merges", () => {
    expect(addHistograms(a, b).counts).toEqual([1, 3, 1, 2, 2]);
    expect(mergeHistograms(FIVE, [a, b, a]).counts).toEqual([2, 5, 1, 2, 3]);
    expect(mergeHistograms(FIVE, [])).toEqual(emptyHistogram(FIVE));
  });

  it("subtracts, refusing to go below zero", () => {
    expect(subtractHistograms(addHistograms(a, b), b)).toEqual(a);
    expect(() => subtractHistograms(a, b)).toThrow(RangeError);
  });

  it("refuses to mix scales", () => {
    expect(() => addHistograms(a, emptyHistogram({ min: 1, max: 7 }))).toThrow(RangeError);
    expect(() => mergeHistograms({ min: 1, max: 7 }, [a])).toThrow(RangeError);
  });

  it("counts ranges", () => {
    expect(countAtLeast(b, 4)).toBe(3);
    expect(countBetween(b, 2, 3)).toBe(2);
    expect(countBetween(b, -10, 10)).toBe(5);
    expect(countBetween(b, 4, 3)).toBe(0);
  });

  it("does not mutate its inputs", () => {
    const before = [...a.counts];
    addHistograms(a, b);
    subtractHistograms(addHistograms(a, b), a);
    expect(a.counts).toEqual(before);
  });
});

describe("moments", () => {
  it("computes n, sum, mean, sample variance and sd by hand", () => {
    // Scores 2, 4, 4, 4, 5, 5, 7, 9 on 1–10: mean 5, Σ(x − 5)² = 32, sample variance 32/7.
    const h = histogramFromScores({ min: 1, max: 10 }, [2, 4, 4, 4, 5, 5, 7, 9]);
    expect(histogramN(h)).toBe(8);
    expect(histogramSum(h)).toBe(40);
    expect(histogramMean(h)).toBe(5);
    expect(histogramVariance(h)).toBeCloseTo(32 / 7, 14);
    expect(histogramSd(h)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  });

  it("has zero spread when everyone gives one score, none for a single answer", () => {
    const same = histogramFromScores(FIVE, [4, 4, 4]);
    expect(histogramMean(same)).toBe(4);
    expect(histogramVariance(same)).toBe(0);
    expect(histogramSd(same)).toBe(0);
    const one = histogramFromScores(FIVE, [3]);
    expect(histogramMean(one)).toBe(3);
    expect(histogramVariance(one)).toBeNull();
  });

  it("stays exact at the scale ends and for large counts", () => {
    const ends = histogramFromCounts(NPS, { 0: 1_000_000, 10: 1_000_000 });
    expect(histogramMean(ends)).toBe(5);
    // Σ(x − 5)² = 2e6 · 25 over n − 1.
    expect(histogramVariance(ends)).toBeCloseTo((2_000_000 * 25) / 1_999_999, 9);
  });
});
