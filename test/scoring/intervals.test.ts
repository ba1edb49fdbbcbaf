import { describe, expect, it } from "vitest";
import { meanInterval, npsInterval, wilsonInterval } from "../../functions/scoring/intervals";

describe("wilsonInterval", () => {
  it.each([
    [8, 10, 0.4902, 0.9433],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [80, 100, 0.7112, 0.8666],
    [50, 100, 0.4038, 0.5962],
    [1, 1, 0.2065, 1],
    [0, 1, 0, 0.7935],
  ])("%d of %d → [%d, %d]", (x, n, lo, hi) => {
    const ci = wilsonInterval(x, n);
    expect(ci).not.toBeNull();
    expect(ci![0]).toBeCloseTo(lo, 4);
    expect(ci![1]).toBeCloseTo(hi, 4);
  });

  it("gives exact ends at 0% and 100%", () => {
    expect(wilsonInterval(0, 10)![0]).toBe(0);
    expect(wilsonInterval(10, 10)![1]).toBe(1);
  });

  it("is null for n = 0 and rejects impossible counts", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, Number.NaN)).toThrow(RangeError);
  });

  it("narrows as n grows", () => {
    const width = (x: number, n: number) => {
      const [lo, hi] = wilsonInterval(x, n)!;
      return hi - lo;
    };
    expect(width(80, 100)).toBeLessThan(width(8, 10));
    expect(width(800, 1000)).toBeLessThan(width(80, 100));
  });
});

describe("npsInterval", () => {
  it("works the 50 / 30 / 20 example by hand", () => {
    // NPS = 0.50 − 0.20 = 0.30. Var = (0.50 + 0.20 − 0.30²) / 100 = 0.61 / 100 = 0.0061.
    // SE = √0.0061 = 0.078102; half width = 1.96 × 0.078102 = 0.153081 → [0.14692, 0.45308].
    const estimate = npsInterval(50, 20, 100)!;
    expect(estimate.nps).toBeCloseTo(0.3, 14);
    expect(estimate.variance).toBeCloseTo(0.0061, 14);
    expect(estimate.ci[0]).toBeCloseTo(0.14692, 4);
    expect(estimate.ci[1]).toBeCloseTo(0.45308, 4);
  });

  it("clamps to [−1, 1]", () => {
    const nearTop = npsInterval(9, 0, 10)!;
    expect(nearTop.ci[1]).toBe(1);
    const nearBottom = npsInterval(0, 9, 10)!;
    expect(nearBottom.ci[0]).toBe(-1);
  });

  it("has zero width when everyone is a promoter, per the multinomial variance", () => {
    expect(npsInterval(10, 0, 10)).toEqual({ nps: 1, variance: 0, ci: [1, 1] });
    expect(npsInterval(0, 10, 10)).toEqual({ nps: -1, variance: 0, ci: [-1, -1] });
    expect(npsInterval(0, 0, 10)).toEqual({ nps: 0, variance: 0, ci: [0, 0] });
  });

  it("is null for n = 0 and rejects impossible counts", () => {
    expect(npsInterval(0, 0, 0)).toBeNull();
    expect(() => npsInterval(6, 6, 10)).toThrow(RangeError);
  });
});

describe("meanInterval", () => {
  it("uses Student t with n − 1 df", () => {
    // 30 answers, mean 3.7667, sd 1.2229: t(0.975, 29) = 2.04523 → [3.3100, 4.2233] (SciPy t.interval).
    const ci = meanInterval(3.7666666666666666, 1.222866427231762, 30)!;
    expect(ci[0]).toBeCloseTo(3.310040838302874, 10);
    expect(ci[1]).toBeCloseTo(4.223292495030459, 10);
  });

  it("uses the wide t for tiny samples", () => {
    // n = 2: t(0.975, 1) = 12.706, sd 1 → half width 12.706 / √2 = 8.9845.
    const [lo, hi] = meanInterval(3, 1, 2)!;
    expect(hi - 3).toBeCloseTo(8.9845, 3);
    expect(3 - lo).toBeCloseTo(8.9845, 3);
  });

  it("clamps to bounds", () => {
    expect(meanInterval(3, 1, 2, { min: 1, max: 5 })).toEqual([1, 5]);
  });

  it("is degenerate at sd = 0 and null below two answers", () => {
    expect(meanInterval(4, 0, 10)).toEqual([4, 4]);
    expect(meanInterval(4, 0, 1)).toBeNull();
    expect(meanInterval(4, 0, 0)).toBeNull();
  });

  it("rejects non-finite input", () => {
    expect(() => meanInterval(Number.NaN, 1, 3)).toThrow(RangeError);
    expect(() => meanInterval(1, -1, 3)).toThrow(RangeError);
    expect(() => meanInterval(1, 1, 2.5)).toThrow(RangeError);
  });
});
