import { describe, expect, it } from "vitest";
import { detectDrop } from "../../functions/scoring/drop";
import { emptyHistogram, histogramFromCounts } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";

const FIVE = { min: 1, max: 5 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
const week = (satisfied: number, unhappy: number) => histogramFromCounts(FIVE, { 5: satisfied, 2: unhappy });

describe("detectDrop", () => {
  it("flags a significant drop against the pooled earlier periods", () => {
    // Baseline 3 × (90 of 100) = 90%; latest 60 of 100 = 60%: −30 points, p far below 0.05.
    const result = detectDrop(csat, [week(90, 10), week(90, 10), week(90, 10), week(60, 40)]);
    expect(result.dropped).toBe(true);
    expect(result.delta).toBeCloseTo(-30, 10);
    expect(result.p_value!).toBeLessThan(1e-6);
    expect(result).toMatchObject({ n_latest: 100, n_baseline: 300 });
  });

  it("does not flag a rise, however significant", () => {
    const result = detectDrop(csat, [week(60, 40), week(90, 10)]);
    expect(result.delta).toBeCloseTo(30, 10);
    expect(result.dropped).toBe(false);
  });

  it("does not flag a small, insignificant dip", () => {
    const result = detectDrop(csat, [week(80, 20), week(78, 22)]);
    expect(result.delta).toBeCloseTo(-2, 10);
    expect(result.p_value!).toBeGreaterThan(0.05);
    expect(result.dropped).toBe(false);
  });

  it("needs the minimum n on each side", () => {
    const small = [week(900, 100), week(5, 20)];
    expect(detectDrop(csat, small).dropped).toBe(false);
    expect(detectDrop(csat, small, { min_n: 20 }).dropped).toBe(true);
  });

  it("respects alpha", () => {
    const periods = [week(85, 15), week(72, 28)];
    const { p_value } = detectDrop(csat, periods);
    expect(p_value!).toBeGreaterThan(0.01);
    expect(p_value!).toBeLessThan(0.05);
    expect(detectDrop(csat, periods).dropped).toBe(true);
    expect(detectDrop(csat, periods, { alpha: 0.01 }).dropped).toBe(false);
  });

  it("works for NPS and mean headlines", () => {
    const NPS = { min: 0, max: 10 };
    const nps: ScoringConfig = { metric: "nps", scale: NPS, satisfied_min: 9, headline: "percent" };
    const npsResult = detectDrop(nps, [histogramFromCounts(NPS, { 10: 60, 8: 20, 2: 20 }), histogramFromCounts(NPS, { 10: 30, 8: 20, 2: 50 })]);
    expect(npsResult.delta).toBeCloseTo(-60, 10);
    expect(npsResult.dropped).toBe(true);
    const ces: ScoringConfig = { metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean" };
    const CES = { min: 1, max: 7 };
    const cesResult = detectDrop(ces, [histogramFromCounts(CES, { 6: 40, 7: 40 }), histogramFromCounts(CES, { 3: 20, 4: 20 })]);
    expect(cesResult.delta).toBeCloseTo(-3, 10);
    expect(cesResult.dropped).toBe(true);
  });

  it("has nothing to say without history or answers", () => {
    expect(detectDrop(csat, [])).toEqual({ dropped: false, delta: null, p_value: null, n_latest: 0, n_baseline: 0 });
    expect(detectDrop(csat, [week(50, 50)])).toMatchObject({ dropped: false, delta: null, p_value: null, n_latest: 100 });
    expect(detectDrop(csat, [week(50, 50), emptyHistogram(FIVE)])).toMatchObject({ dropped: false, delta: null });
  });

  it("validates its options", () => {
    expect(() => detectDrop(csat, [], { alpha: 0 })).toThrow(RangeError);
    expect(() => detectDrop(csat, [], { alpha: 1.5 })).toThrow(RangeError);
    expect(() => detectDrop(csat, [], { min_n: 0 })).toThrow(RangeError);
  });
});
