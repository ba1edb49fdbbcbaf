import { describe, expect, it } from "vitest";
import {
  Z95,
  erf,
  erfc,
  logGamma,
  normalCdf,
  normalQuantile,
  normalTwoSidedP,
  regularizedBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
  tCritical95,
} from "../../functions/scoring/probability";

/** |actual − expected| ≤ rel · |expected|: the check that matters for tiny tail probabilities. */
function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe("erfc", () => {
  // Reference values: scipy.special.erfc (double precision).
  const reference: [number, number][] = [
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028516],
    [2, 0.004677734981047266],
    [2.49, 0.00042928786773391303],
    [2.5, 0.00040695201744495886],
    [3, 2.2090496998585445e-5],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280347e-12],
    [8, 1.1224297172982928e-29],
    [10, 2.0884875837625446e-45],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856145e-296],
  ];
  it.each(reference)("erfc(%d) matches SciPy to 1e-13 relative", (x, expected) => {
    expectRelative(erfc(x), expected, 1e-13);
  });

  it("is symmetric: erfc(−x) = 2 − erfc(x), erf = 1 − erfc", () => {
    for (const x of [0.3, 1.7, 2.5, 4]) {
      expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
      expect(erf(x)).toBeCloseTo(1 - erfc(x), 15);
      expect(erf(-x)).toBe(-erf(x));
    }
  });

  it("underflows to 0 instead of NaN far out and rejects NaN", () => {
    expect(erfc(30)).toBe(0);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(() => erfc(Number.NaN)).toThrow(RangeError);
  });
});

describe("normal distribution", () => {
  it.each([
    [1.96, 0.04999579029644087],
    [3, 0.0026997960632601866],
    [1.644853626951472, 0.1],
    [2.5758293035489004, 0.01],
    [5, 5.733031437583866e-7],
    [8, 1.244192114854348e-15],
  ])("two-sided p at z = %d", (z, expected) => {
    expectRelative(normalTwoSidedP(z), expected, 1e-12);
    expectRelative(normalTwoSidedP(-z), expected, 1e-12);
  });

  it("gives the textbook values z = 1.96 → 0.05 and z = 3 → 0.0027", () => {
    expect(normalTwoSidedP(1.96)).toBeCloseTo(0.05, 4);
    expect(normalTwoSidedP(3)).toBeCloseTo(0.0027, 4);
    expect(normalTwoSidedP(0)).toBe(1);
  });

  it("has CDF ½ at 0 and the right tails", () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 14);
    expectRelative(normalCdf(-5), 2.866515718791939e-7, 1e-12);
  });

  it.each([
    [1e-12, -7.034483825301131],
    [1e-6, -4.753424308822899],
    [0.01, -2.3263478740408408],
    [0.025, -1.9599639845400545],
    [0.3, -0.5244005127080409],
    [0.5, 0],
  ])("quantile(%d)", (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
    // 1 − p itself is rounded, which costs the upper quantile digits in the far tail.
    expect(normalQuantile(1 - p)).toBeCloseTo(-expected, 4);
  });

  it("has Z95 equal to the 97.5% quantile", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(Z95, 13);
  });

  it("rejects probabilities outside (0, 1)", () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN]) expect(() => normalQuantile(p)).toThrow(RangeError);
  });
});

describe("Student t distribution", () => {
  it("has the table critical values", () => {
    expect(tCritical95(1)).toBeCloseTo(12.706, 3);
    expect(tCritical95(2)).toBeCloseTo(4.303, 3);
    expect(tCritical95(9)).toBeCloseTo(2.262, 3);
    expect(tCritical95(29)).toBeCloseTo(2.045, 3);
    expect(tCritical95(120)).toBeCloseTo(1.98, 3);
    expect(tCritical95(1e6)).toBeCloseTo(1.96, 3);
    expect(tCritical95(1e9)).toBeCloseTo(1.96, 3);
    expect(tCritical95(Infinity)).toBe(Z95);
  });

  // Reference values: scipy.stats.t.ppf.
  it.each([
    [1, 12.706204736174694, -318309.8861827435],
    [2, 4.302652729749462, -707.1057205259339],
    [3, 3.1824463052837078, -103.29946778041935],
    [9, 2.262157162798205, -10.7201604099095],
    [29, 2.045229642132703, -5.917105540459563],
    [30, 2.0422724563012378, -5.871117120418882],
    [100, 1.9839715185235518, -5.048830877228346],
    [1000, 1.9623390808264083, -4.781608620458351],
    [1e5, 1.9599877075346095, -4.753704716391288],
    [1e6, 1.959966356814107, -4.75345234827968],
    [1.5, 6.016663104427929, -5219.4693247069445],
    [0.5, 164.55767348048818, -102849115631.63399],
  ])("quantiles at df = %d", (df, q975, q1e6) => {
    expectRelative(studentTQuantile(0.975, df), q975, 1e-9);
    expectRelative(studentTQuantile(1e-6, df), q1e6, 1e-9);
    expectRelative(studentTQuantile(1 - 1e-6, df), -q1e6, 1e-6);
  });

  // Reference values: 2 · scipy.stats.t.sf(t, df).
  it.each([
    [1, 1, 0.5000000000000001],
    [2.5, 1, 0.24223788318168682],
    [100, 1, 0.00636598552981651],
    [2, 3, 0.13932596855884305],
    [1.96, 9, 0.08164440546041664],
    [3, 29, 0.005499192133903412],
    [0.5, 29, 0.6208480841937812],
    [5, 100, 2.450173413503802e-6],
    [2, 1000, 0.04577034649325166],
    [3, 1e5, 0.0027004608840647234],
    [1, 1e6, 0.3173107498335783],
    [4, 1e6, 6.33470340100481e-5],
    [3, 2.5, 0.07257609554903183],
    [10, 7.3, 1.6100255201481012e-5],
    [1e-8, 5, 0.9999999924078662],
    [40, 3, 3.4380680789158506e-5],
  ])("two-sided p at t = %d, df = %d", (t, df, expected) => {
    expectRelative(studentTTwoSidedP(t, df), expected, 1e-9);
    expectRelative(studentTTwoSidedP(-t, df), expected, 1e-9);
  });

  it("has a CDF that is symmetric and inverts its quantile", () => {
    for (const df of [1, 4, 17.5, 250]) {
      expect(studentTCdf(0, df)).toBe(0.5);
      for (const p of [0.001, 0.2, 0.7, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 12);
    }
  });

  it("stays accurate at very large df, then falls back to the normal", () => {
    // Reference values: mpmath.betainc(df/2, 1/2, 0, df/(df + t²)) at 30 digits.
    expectRelative(studentTTwoSidedP(3, 5e6), 0.0026998093587848643, 1e-10);
    expectRelative(studentTTwoSidedP(2, 1e8), 0.045500266560921356, 1e-9);
    expectRelative(studentTTwoSidedP(5, 1e9), 5.733032416575314e-7, 1e-8);
    expectRelative(studentTTwoSidedP(1.96, 1e10), normalTwoSidedP(1.96), 1e-15);
    expect(studentTTwoSidedP(Infinity, 5)).toBe(0);
    expect(studentTTwoSidedP(0, 5)).toBe(1);
  });

  it("rejects a non-positive df", () => {
    expect(() => studentTTwoSidedP(1, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, -1)).toThrow(RangeError);
  });
});

describe("special functions", () => {
  it("logGamma matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
  });

  it("regularizedBeta matches closed forms", () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
    expect(regularizedBeta(0.3, 3, 1)).toBeCloseTo(0.027, 14);
    expect(regularizedBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 14);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
    expect(() => regularizedBeta(1.2, 2, 3)).toThrow(RangeError);
  });
});
