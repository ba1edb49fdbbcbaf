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
    // p = 0.10247. Mee's score interval (SciPy: brentq on the score statistic, the restricted MLE as the
    // root of the likelihood's derivative, found by brentq too): [−21.874, 2.025] points.
    const c = compareProportions(80, 100, 70, 100);
    expect(c.test).toBe("two_proportion_z");
    expect(c.unit).toBe("percent");
    expect(c.difference).toBeCloseTo(-10, 12);
    expect(c.p_value).toBeCloseTo(0.1024704348597491, 12);
    expect(c.significant).toBe(false);
    expect(c.ci![0]).toBeCloseTo(-21.874401127702473, 9);
    expect(c.ci![1]).toBeCloseTo(2.024606340454913, 9);
  });

  it("finds a large difference significant", () => {
    const c = compareProportions(80, 200, 130, 200);
    expect(c.difference).toBeCloseTo(25, 12);
    expect(c.p_value!).toBeLessThan(0.001);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeGreaterThan(0);
  });

  it("returns null p-values with an empty side", () => {
    expect(compareProportions(0, 0, 5, 10)).toMatchObject({ difference: null, ci: null, p_value: null, significant: false });
    expect(compareProportions(5, 10, 0, 0)).toMatchObject({ difference: null, ci: null, p_value: null, significant: false });
  });

  it("tests sides without spread: everyone satisfied on both sides is p = 1 with an interval of width", () => {
    // The score interval's ends solve √(n·Δ/(1 − Δ)) = 1.96 on each side: Δ = 1.96² / (n + 1.96²),
    // 3.8415 / 13.8415 = 27.753 points above (n_a = 10) and 3.8415 / 23.8415 = 16.113 below (n_b = 20).
    const all = compareProportions(10, 10, 20, 20);
    expect(all).toMatchObject({ difference: 0, p_value: 1, significant: false });
    expect(all.ci![0]).toBeCloseTo(-16.112515805281934, 8);
    expect(all.ci![1]).toBeCloseTo(27.75327998628892, 8);
  });

  it("keeps the interval within ±100 at the extremes", () => {
    const c = compareProportions(0, 50, 50, 50);
    expect(c.difference).toBe(100);
    expect(c.ci![0]).toBeCloseTo(92.60130035860287, 8);
    expect(c.ci![1]).toBe(100);
    // Pooled p = ½, SE = √(¼ · 2/50) = 0.1, z = 10.
    expect(c.p_value).toBeCloseTo(1.523970604832094e-23, 35);
    expect(c.significant).toBe(true);
  });
});

describe("compareNps", () => {
  it("works a two-group example by hand", () => {
    // Adjusted Wald: A 50.75 P / 20.75 D of 103 → 0.291262, Var 0.00591593; B 30.75 P / 40.75 D of 103 →
    // −0.097087, Var (0.694175 − 0.009426) / 103 = 0.00664804. SE = √0.01256398 = 0.112089;
    // z = −0.388350 / 0.112089 = −3.464648, p = 0.000531; interval −38.835 ± 21.969 points.
    const a = histogramFromCounts(NPS, { 10: 50, 8: 30, 3: 20 });
    const b = histogramFromCounts(NPS, { 9: 30, 7: 30, 0: 40 });
    const c = compareNps(a, b);
    expect(c.unit).toBe("nps");
    expect(c.difference).toBeCloseTo(-40, 12);
    expect(c.p_value).toBeCloseTo(0.0005309253862366105, 12);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeCloseTo(-60.80402316729327, 9);
    expect(c.ci![1]).toBeCloseTo(-16.865879745328083, 9);
  });

  it("is undefined with an empty side; a side compared with itself is p = 1 with an interval of width", () => {
    expect(compareNps(emptyHistogram(NPS), histogramFromCounts(NPS, { 10: 3 }))).toMatchObject({
      difference: null,
      p_value: null,
      significant: false,
    });
    const allPromoters = histogramFromCounts(NPS, { 10: 40 });
    const same = compareNps(allPromoters, allPromoters);
    expect(same).toMatchObject({ difference: 0, p_value: 1, significant: false });
    expect(same.ci![0]).toBeLessThan(0);
    expect(same.ci![1]).toBeGreaterThan(0);
  });
});

describe("compareMeans (Welch)", () => {
  it("matches SciPy's ttest_ind_from_stats(equal_var=False) on the bounded variances", () => {
    // A: 1–5 answered 2, 3, 5, 10, 10 times; B: 5 of each. Each variance is (SS + ½(m − 1)² + ½(5 − m)²) / n.
    // SciPy: df = 47.712, p = 0.045747, CI [−1.518242, −0.015092].
    const a = histogramFromCounts(FIVE, { 1: 2, 2: 3, 3: 5, 4: 10, 5: 10 });
    const b = histogramFromCounts(FIVE, { 1: 5, 2: 5, 3: 5, 4: 5, 5: 5 });
    const c = compareMeans(a, b);
    expect(c.test).toBe("welch_t");
    expect(c.difference).toBeCloseTo(-0.7666666666666666, 12);
    expect(c.p_value).toBeCloseTo(0.04574697873335887, 9);
    expect(c.significant).toBe(true);
    expect(c.ci![0]).toBeCloseTo(-1.5182415348165486, 9);
    expect(c.ci![1]).toBeCloseTo(-0.01509179851678466, 9);
  });

  it("handles one side without spread: its variance is the pseudo-answer's", () => {
    // A: ten 4s, variance (½ · 9 + ½ · 1) / 10 = 0.5; B: 1, 2, 2, 3, 3, 3, 4, 4, 5, 5.
    // SciPy: p = 0.130500, df = 13.304, CI [−1.869897, 0.269897].
    const a = histogramFromCounts(FIVE, { 4: 10 });
    const b = histogramFromCounts(FIVE, { 1: 1, 2: 2, 3: 3, 4: 2, 5: 2 });
    const c = compareMeans(a, b);
    expect(c.difference).toBeCloseTo(-0.8, 12);
    expect(c.p_value).toBeCloseTo(0.13050014797522158, 9);
    expect(c.ci![0]).toBeCloseTo(-1.8698966933826784, 9);
    expect(c.ci![1]).toBeCloseTo(0.26989669338267874, 9);
  });

  it("is undefined for n = 0 or n = 1 and valid without spread on either side", () => {
    expect(compareMeans(emptyHistogram(FIVE), histogramFromCounts(FIVE, { 3: 4 }))).toMatchObject({ difference: null, p_value: null });
    expect(compareMeans(histogramFromCounts(FIVE, { 2: 1 }), histogramFromCounts(FIVE, { 3: 4, 4: 1 }))).toMatchObject({
      difference: expect.closeTo(1.2, 12),
      ci: null,
      p_value: null,
      significant: false,
    });
    // Five 2s: variance (½ · 1 + ½ · 9) / 5 = 1; five 5s: (½ · 16) / 5 = 1.6. SciPy: df = 7.5955,
    // p = 0.003545, CI [1.321576, 4.678424].
    const c = compareMeans(histogramFromCounts(FIVE, { 2: 5 }), histogramFromCounts(FIVE, { 5: 5 }));
    expect(c).toMatchObject({ difference: 3, significant: true });
    expect(c.p_value).toBeCloseTo(0.003545096982355999, 9);
    expect(c.ci![0]).toBeCloseTo(1.3215755701134213, 9);
    expect(c.ci![1]).toBeCloseTo(4.6784244298865785, 9);
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
