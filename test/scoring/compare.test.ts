import { describe, expect, it } from "vitest";
import {
  compareHistograms,
  compareIndex,
  compareMeans,
  compareNps,
  compareProportions,
} from "../../functions/scoring/compare";
import { emptyHistogram, histogramFromCounts } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";

const FIVE = { min: 1, max: 5 };
const NPS = { min: 0, max: 10 };

describe("compareProportions", () => {
  it("tests 80/100 against 70/100", () => {
    // Pooled p = 0.75, SE = √(0.75 · 0.25 · (1/100 + 1/100)) = 0.061237, z = −0.10 / 0.061237 = −1.63299,
    // p = 0.10247. Newcombe interval from the two Wilson intervals: [−21.673, 2.025] points.
    const c = compareProportions(80, 100, 70, 100);
    expect(c.test).toBe("two_proportion_z");
    expect(c.unit).toBe("percent");
    expect(c.difference).toBeCloseTo(-10, 12);
    expect(c.p_value).toBeCloseTo(0.1024704348597491, 12);
    expect(c.significant).toBe(false);
    expect(c.ci![0]).toBeCloseTo(-21.673435401778607, 9);
    expect(c.ci![1]).toBeCloseTo(2.024936215301329, 9);
  });

  it("finds a large difference significant", () => {
    const c = compareProportions(80, 200, 130, 200);
    expect(c.difference).toBeCloseTo(25, 12);
    expect(c.p_value!).toBeLessThan(0.001);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeGreaterThan(0);
  });

  it("returns null p-values where the test is undefined", () => {
    expect(compareProportions(0, 0, 5, 10)).toMatchObject({ difference: null, ci: null, p_value: null, significant: false });
    expect(compareProportions(5, 10, 0, 0)).toMatchObject({ difference: null, ci: null, p_value: null, significant: false });
    // Everyone satisfied on both sides: no variance to test against, but the interval still has width.
    const all = compareProportions(10, 10, 20, 20);
    expect(all).toMatchObject({ difference: 0, p_value: null, significant: false });
    expect(all.ci![0]).toBeLessThan(0);
    expect(all.ci![1]).toBeGreaterThan(0);
  });

  it("keeps the interval within ±100 at the extremes", () => {
    const c = compareProportions(0, 50, 50, 50);
    expect(c.difference).toBe(100);
    expect(c.ci![1]).toBe(100);
    expect(c.significant).toBe(true);
  });
});

describe("compareNps", () => {
  it("works a two-group example by hand", () => {
    // A: 50 P / 30 / 20 D → NPS 30, Var 0.0061. B: 30 P / 30 / 40 D → NPS −10, Var (0.7 − 0.01)/100 = 0.0069.
    // SE = √0.013 = 0.114018; z = −0.40 / 0.114018 = −3.50823; p = 0.000451; CI −40 ± 22.347 points.
    const a = histogramFromCounts(NPS, { 10: 50, 8: 30, 3: 20 });
    const b = histogramFromCounts(NPS, { 9: 30, 7: 30, 0: 40 });
    const c = compareNps(a, b);
    expect(c.unit).toBe("nps");
    expect(c.difference).toBeCloseTo(-40, 12);
    expect(c.p_value).toBeCloseTo(0.00045109534761430517, 12);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeCloseTo(-62.34702769251956, 9);
    expect(c.ci![1]).toBeCloseTo(-17.652972307480436, 9);
  });

  it("is undefined with an empty side or no variance", () => {
    expect(compareNps(emptyHistogram(NPS), histogramFromCounts(NPS, { 10: 3 }))).toMatchObject({
      difference: null,
      p_value: null,
      significant: false,
    });
    const allPromoters = histogramFromCounts(NPS, { 10: 40 });
    expect(compareNps(allPromoters, allPromoters)).toMatchObject({ difference: 0, ci: null, p_value: null, significant: false });
  });
});

describe("compareMeans (Welch)", () => {
  it("matches SciPy's ttest_ind(equal_var=False)", () => {
    // A: 1–5 answered 2, 3, 5, 10, 10 times; B: 5 of each. SciPy: t = −2.10081, df = 47.2946,
    // p = 0.041014, CI [−1.50071, −0.03263].
    const a = histogramFromCounts(FIVE, { 1: 2, 2: 3, 3: 5, 4: 10, 5: 10 });
    const b = histogramFromCounts(FIVE, { 1: 5, 2: 5, 3: 5, 4: 5, 5: 5 });
    const c = compareMeans(a, b);
    expect(c.test).toBe("welch_t");
    expect(c.difference).toBeCloseTo(-0.7666666666666666, 12);
    expect(c.p_value).toBeCloseTo(0.041014389342849754, 9);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeCloseTo(-1.5007074581841329, 9);
    expect(c.ci![1]).toBeCloseTo(-0.032625875149200345, 9);
  });

  it("handles one side without spread (df from the other side)", () => {
    // A: ten 4s; B: 1, 2, 2, 3, 3, 3, 4, 4, 5, 5. SciPy: p = 0.086842, df = 9, CI [−1.74181, 0.14181].
    const a = histogramFromCounts(FIVE, { 4: 10 });
    const b = histogramFromCounts(FIVE, { 1: 1, 2: 2, 3: 3, 4: 2, 5: 2 });
    const c = compareMeans(a, b);
    expect(c.difference).toBeCloseTo(-0.8, 12);
    expect(c.p_value).toBeCloseTo(0.086842290545351, 9);
    expect(c.ci![0]).toBeCloseTo(-1.741811130249159, 9);
    expect(c.ci![1]).toBeCloseTo(0.14181113024915937, 9);
  });

  it("is undefined for n = 0, n = 1, or no spread on either side", () => {
    expect(compareMeans(emptyHistogram(FIVE), histogramFromCounts(FIVE, { 3: 4 }))).toMatchObject({ difference: null, p_value: null });
    expect(compareMeans(histogramFromCounts(FIVE, { 2: 1 }), histogramFromCounts(FIVE, { 3: 4, 4: 1 }))).toMatchObject({
      difference: expect.closeTo(1.2, 12),
      ci: null,
      p_value: null,
      significant: false,
    });
    expect(compareMeans(histogramFromCounts(FIVE, { 2: 5 }), histogramFromCounts(FIVE, { 5: 5 }))).toMatchObject({
      difference: 3,
      ci: null,
      p_value: null,
      significant: false,
    });
  });
});

describe("compareIndex", () => {
  it("compares a 1–5 survey with a 1–10 survey on the 0–100 index", () => {
    // 4 on 1–5 is 75; 8 on 1–10 is 77.8: close, and each side has spread.
    const british = histogramFromCounts(FIVE, { 3: 10, 4: 20, 5: 10 });
    const dutch = histogramFromCounts({ min: 1, max: 10 }, { 7: 10, 8: 20, 9: 10 });
    const c = compareIndex(british, dutch);
    expect(c.unit).toBe("index");
    expect(c.difference).toBeCloseTo(700 / 9 - 75, 10);
    expect(c.significant).toBe(false);
    expect(c.ci![0]).toBeLessThan(c.difference!);
    expect(c.ci![1]).toBeGreaterThan(c.difference!);
  });
});

describe("compareHistograms", () => {
  const a = histogramFromCounts(FIVE, { 1: 10, 4: 45, 5: 45 });
  const b = histogramFromCounts(FIVE, { 1: 30, 4: 35, 5: 35 });

  it("uses the survey's headline", () => {
    const base: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
    expect(compareHistograms(base, a, b)).toMatchObject({ test: "two_proportion_z", difference: expect.closeTo(-20, 10) });
    expect(compareHistograms({ ...base, headline: "mean" }, a, b)).toMatchObject({ test: "welch_t", unit: "mean" });
    const nps: ScoringConfig = { metric: "nps", scale: NPS, satisfied_min: 9, headline: "percent" };
    expect(compareHistograms(nps, histogramFromCounts(NPS, { 10: 5 }), histogramFromCounts(NPS, { 0: 5 }))).toMatchObject({
      test: "nps_z",
      difference: -200,
    });
  });

  it("honours alpha", () => {
    const base: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
    const c = compareHistograms(base, a, b);
    expect(c.p_value!).toBeLessThan(0.01);
    expect(compareHistograms(base, a, b, c.p_value! / 2).significant).toBe(false);
  });

  it("refuses histograms on another scale", () => {
    const base: ScoringConfig = { metric: "csat", scale: { min: 1, max: 7 }, satisfied_min: 6, headline: "percent" };
    expect(() => compareHistograms(base, a, b)).toThrow(RangeError);
  });
});
