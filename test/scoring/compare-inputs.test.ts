import { describe, expect, it } from "vitest";
import { compareHistograms, compareNps } from "../../functions/scoring/compare";
import { histogramFromCounts } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";

// Inputs compare.ts refuses, and the NPS p-value when the reported and the adjusted differences point
// different ways. Expected values worked out by hand in the comments.

const FIVE = { min: 1, max: 5 };
const NPS = { min: 0, max: 10 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };

describe("compareHistograms scale check", () => {
  const onFive = histogramFromCounts(FIVE, { 5: 3, 2: 1 });
  const message = "compare: both histograms must be on the survey's scale";

  it("refuses a histogram whose scale differs only in its lower end, on either side", () => {
    const zeroToFive = histogramFromCounts({ min: 0, max: 5 }, { 5: 3, 2: 1 });
    expect(() => compareHistograms(csat, zeroToFive, onFive)).toThrow(message);
    expect(() => compareHistograms(csat, onFive, zeroToFive)).toThrow(message);
  });

  it("refuses a histogram whose scale differs only in its upper end", () => {
    const oneToSeven = histogramFromCounts({ min: 1, max: 7 }, { 5: 3, 2: 1 });
    expect(() => compareHistograms(csat, oneToSeven, onFive)).toThrow(message);
    expect(() => compareHistograms(csat, onFive, oneToSeven)).toThrow(message);
  });

  it("accepts both on the survey's scale", () => {
    expect(compareHistograms(csat, onFive, onFive).difference).toBe(0);
  });
});

describe("compareNps when the reported and adjusted differences disagree", () => {
  // A: 5 promoters and 5 passives of 10: NPS +50, adjusted (5 + ¾ − ¾)/(10 + 3) = 5/13 = 0.3846.
  // B: 45 promoters and 55 passives of 100: NPS +45, adjusted 45/103 = 0.4369.
  // Reported B − A = −5 points, adjusted B − A = +0.052: they point different ways, so the widened
  // interval always holds 0 and the p-value is 1.
  const a = histogramFromCounts(NPS, { 10: 5, 7: 5 });
  const b = histogramFromCounts(NPS, { 10: 45, 7: 55 });

  it("gives p = 1, not significant, and an interval holding the reported difference", () => {
    const c = compareNps(a, b);
    expect(c.difference).toBeCloseTo(-5, 12);
    expect(c.p_value).toBe(1);
    expect(c.significant).toBe(false);
    expect(c.ci![0]).toBeLessThanOrEqual(-5);
    expect(c.ci![1]).toBeGreaterThan(0);
  });

  it("gives 0 < p < 1 when they agree", () => {
    // B with 30 promoters and 70 passives of 100: reported 30 − 50 = −20 points, adjusted
    // 30/103 − 5/13 = 0.2913 − 0.3846 = −0.093, the same way.
    const c = compareNps(a, histogramFromCounts(NPS, { 10: 30, 7: 70 }));
    expect(c.difference).toBeCloseTo(-20, 12);
    expect(c.p_value!).toBeLessThan(1);
    expect(c.p_value!).toBeGreaterThan(0);
  });
});
