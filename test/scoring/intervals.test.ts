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

describe("npsInterval (adjusted Wald, Rocks 2016)", () => {
  it("works the 50 / 30 / 20 example by hand", () => {
    // n' = 103, p'_P = 50.75 / 103 = 0.492718, p'_D = 20.75 / 103 = 0.201456, adjusted = 0.291262.
    // Var = (0.492718 + 0.201456 − 0.291262²) / 103 = 0.00591593; half = 1.959964 × 0.0769151 = 0.150751
    // → [0.140511, 0.442013]. The reported NPS stays the observed 0.30.
    const estimate = npsInterval(50, 20, 100)!;
    expect(estimate.nps).toBeCloseTo(0.3, 14);
    expect(estimate.adjusted).toBeCloseTo(0.2912621359223301, 14);
    expect(estimate.variance).toBeCloseTo(0.005915933256888501, 14);
    expect(estimate.ci[0]).toBeCloseTo(0.14051130178761606, 10);
    expect(estimate.ci[1]).toBeCloseTo(0.4420129700570441, 10);
  });

  it("gives one promoter an interval, not [1, 1]", () => {
    // n' = 4, p'_P = 1.75 / 4, p'_D = 0.75 / 4, adjusted 0.25, Var = (0.625 − 0.0625) / 4 = 0.140625;
    // 0.25 − 1.959964 × 0.375 = −0.484986; the top widens to hold the observed NPS of 1.
    const one = npsInterval(1, 0, 1)!;
    expect(one.nps).toBe(1);
    expect(one.ci[0]).toBeCloseTo(-0.48498649420252027, 10);
    expect(one.ci[1]).toBe(1);
  });

  it("keeps width when everyone is a promoter, a detractor or a passive", () => {
    // 10 promoters: adjusted 10/13, Var = (11.5/13 − (10/13)²) / 13 = 0.0225307 → low 0.475036.
    expect(npsInterval(10, 0, 10)!.ci[0]).toBeCloseTo(0.475035515447902, 10);
    expect(npsInterval(10, 0, 10)!.ci[1]).toBe(1);
    expect(npsInterval(0, 10, 10)!.ci[0]).toBe(-1);
    expect(npsInterval(0, 10, 10)!.ci[1]).toBeCloseTo(-0.475035515447902, 10);
    // 1,000 promoters: Var = 4.5 × 1001 / 1003³ → low 0.992868.
    expect(npsInterval(1000, 0, 1000)!.ci[0]).toBeCloseTo(0.9928678323739766, 10);
    // 10 passives: Var = (1.5 / 13) / 13 → ±0.184650.
    const passives = npsInterval(0, 0, 10)!;
    expect(passives.ci[0]).toBeCloseTo(-0.18465044909058884, 10);
    expect(passives.ci[1]).toBeCloseTo(0.18465044909058884, 10);
  });

  it("clamps to [−1, 1]", () => {
    expect(npsInterval(9, 0, 10)!.ci[1]).toBe(1);
    expect(npsInterval(9, 0, 10)!.ci[0]).toBeCloseTo(0.3807922686956864, 10);
    expect(npsInterval(0, 9, 10)!.ci[0]).toBe(-1);
  });

  it("is null for n = 0 and rejects impossible counts", () => {
    expect(npsInterval(0, 0, 0)).toBeNull();
    expect(() => npsInterval(6, 6, 10)).toThrow(RangeError);
  });
});

const FIVE = { min: 1, max: 5 };

describe("meanInterval (t on the bounded variance)", () => {
  it("uses Student t with n − 1 df on the variance with one pseudo-answer split between the ends", () => {
    // 30 answers on 1–5, mean 3.766667, sd 1.222866: SS = 29 × 1.222866² = 43.366667; the pseudo-answer
    // adds ½ × 2.766667² + ½ × 1.233333² = 4.587778; Var = 47.954444 / 30 = 1.598481.
    // t(0.975, 29) = 2.045230 × √(1.598481 / 30) = 0.472101 → [3.294565, 4.238768].
    const ci = meanInterval(3.7666666666666666, 1.222866427231762, 30, FIVE)!;
    expect(ci[0]).toBeCloseTo(3.2945653020651653, 10);
    expect(ci[1]).toBeCloseTo(4.238768031268168, 10);
  });

  it("gives answers that are all equal a non-zero interval", () => {
    // Ten 4s on 1–5: Var = (½ × 9 + ½ × 1) / 10 = 0.5; t(0.975, 9) = 2.262157 × √0.05 = 0.505834.
    const [lo, hi] = meanInterval(4, 0, 10, FIVE)!;
    expect(lo).toBeCloseTo(3.4941662808195155, 10);
    expect(hi).toBeCloseTo(4.505833719180485, 10);
    // 1,000 fives: Var = 8 / 1000; t(0.975, 999) × √(0.008 / 1000) = 0.005550 → [4.994450, 5].
    expect(meanInterval(5, 0, 1000, FIVE)![0]).toBeCloseTo(4.994449660183316, 10);
    expect(meanInterval(5, 0, 1000, FIVE)![1]).toBe(5);
    // Two answers of 6 on 0–10: Var = (18 + 8) / 2 = 13, half 12.706 × √6.5 = 32.39: the whole scale.
    expect(meanInterval(6, 0, 2, { min: 0, max: 10 })).toEqual([0, 10]);
  });

  it("clamps to the scale", () => {
    expect(meanInterval(3, 1, 2, FIVE)).toEqual([1, 5]);
  });

  it("is null below two answers", () => {
    expect(meanInterval(4, 0, 1, FIVE)).toBeNull();
    expect(meanInterval(4, 0, 0, FIVE)).toBeNull();
  });

  it("rejects non-finite input and a scale without range", () => {
    expect(() => meanInterval(Number.NaN, 1, 3, FIVE)).toThrow(RangeError);
    expect(() => meanInterval(1, -1, 3, FIVE)).toThrow(RangeError);
    expect(() => meanInterval(1, 1, 2.5, FIVE)).toThrow(RangeError);
    expect(() => meanInterval(1, 1, 3, { min: 1, max: 1 })).toThrow(RangeError);
  });
});
