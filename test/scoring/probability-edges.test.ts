import { describe, expect, it } from "vitest";
import {
  erf,
  erfc,
  logGamma,
  normalPdf,
  normalQuantile,
  regularizedBeta,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedP,
} from "../../functions/scoring/probability";

// The edges of probability.ts: its input checks (each with its own message, since a missing check
// often still ends in some other RangeError further down), the branch points of its series, and the
// densities, which the quantile solver would otherwise forgive. Expected values are closed forms worked
// out by hand, or Python 3's standard library (math, statistics.NormalDist, decimal), as noted.

function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
}

const P_RANGE = "quantile: p must lie strictly between 0 and 1";
const DF_RANGE = "Student t: df must be positive";

describe("input checks, each with its message", () => {
  it("erf and erfc refuse NaN", () => {
    expect(() => erfc(Number.NaN)).toThrow("erfc: x is NaN");
    expect(() => erf(Number.NaN)).toThrow("erf: x is NaN");
  });

  it("quantiles refuse p outside (0, 1), at 0 and 1 themselves, and accept p just inside", () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN, -Infinity, Infinity]) {
      expect(() => normalQuantile(p)).toThrow(P_RANGE);
      expect(() => studentTQuantile(p, 5)).toThrow(P_RANGE);
    }
    // Python: statistics.NormalDist().inv_cdf(1e-200) = -30.205594179579634, .inv_cdf(1 - 2**-53) = 8.209536151601386.
    expect(normalQuantile(1e-200)).toBeCloseTo(-30.205594179579634, 11);
    expect(normalQuantile(1 - 2 ** -53)).toBeCloseTo(8.209536151601386, 11);
    expect(Number.isFinite(studentTQuantile(1e-200, 5))).toBe(true);
  });

  it("checks p before df", () => {
    expect(() => studentTQuantile(0, 0)).toThrow(P_RANGE);
    expect(() => studentTQuantile(0.5, 0)).toThrow(DF_RANGE);
  });

  it("Student t refuses df ≤ 0 or NaN, and t = NaN", () => {
    for (const df of [0, -1, -0.5, Number.NaN]) {
      expect(() => studentTTwoSidedP(1, df)).toThrow(DF_RANGE);
      expect(() => studentTPdf(1, df)).toThrow(DF_RANGE);
      expect(() => studentTQuantile(0.3, df)).toThrow(DF_RANGE);
    }
    expect(() => studentTTwoSidedP(Number.NaN, 5)).toThrow("Student t: t is NaN");
  });

  it("logGamma refuses x ≤ 0 and NaN", () => {
    for (const x of [0, -1, -0.5, Number.NaN]) expect(() => logGamma(x)).toThrow("logGamma: x must be positive");
  });

  it("regularizedBeta refuses a or b ≤ 0 and x outside [0, 1]", () => {
    for (const [a, b] of [
      [0, 1],
      [1, 0],
      [-1, 2],
      [2, -1],
      [0, 0],
      [Number.NaN, 1],
      [1, Number.NaN],
    ] as const) {
      expect(() => regularizedBeta(0.5, a, b)).toThrow("regularizedBeta: a and b must be positive");
    }
    for (const x of [-0.1, -1e-300, 1.1, 1 + 2 ** -52, Number.NaN]) {
      expect(() => regularizedBeta(x, 2, 3)).toThrow("regularizedBeta: x must lie in [0, 1]");
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });
});

describe("erf near zero", () => {
  it("is 0 at 0 and keeps its relative precision for tiny x", () => {
    expect(erf(0)).toBe(0);
    // Python: math.erf(1e-10) = 1.1283791670955126e-10 (= 2x/√π to double precision).
    expectRelative(erf(1e-10), 1.1283791670955126e-10, 1e-15);
    expectRelative(erf(-1e-10), -1.1283791670955126e-10, 1e-15);
    // Python: math.erf(2.4) = 0.999311486103355, math.erf(2.6) = 0.9997639655834707: both sides of the series' 2.5.
    expectRelative(erf(2.4), 0.999311486103355, 1e-15);
    expectRelative(erf(2.6), 0.9997639655834707, 1e-15);
  });
});

describe("densities", () => {
  it("normal density", () => {
    // 1/√(2π) and e^(−½)/√(2π), e^(−2)/√(2π); Python: statistics.NormalDist().pdf(0), .pdf(1), .pdf(-2).
    expectRelative(normalPdf(0), 0.3989422804014327, 1e-15);
    expectRelative(normalPdf(1), 0.24197072451914337, 1e-15);
    expectRelative(normalPdf(-2), 0.05399096651318806, 1e-15);
  });

  it("Student t density in closed form for df = 1, 2, 3", () => {
    // df = 1 (Cauchy): 1 / (π (1 + t²)).
    expectRelative(studentTPdf(0, 1), 1 / Math.PI, 1e-14);
    expectRelative(studentTPdf(1, 1), 1 / (2 * Math.PI), 1e-14);
    expectRelative(studentTPdf(-3, 1), 1 / (10 * Math.PI), 1e-14);
    // df = 2: (2 + t²)^(−3/2): 2^(−3/2) = 0.3535533905932738, 3^(−3/2) = 0.19245008972987526.
    expectRelative(studentTPdf(0, 2), 0.3535533905932738, 1e-14);
    expectRelative(studentTPdf(1, 2), 0.19245008972987526, 1e-14);
    // df = 3: 6√3 / (π (3 + t²)²); at t = 1, Python: 6*math.sqrt(3)/(math.pi*16) = 0.20674833578317203.
    expectRelative(studentTPdf(1, 3), 0.20674833578317203, 1e-14);
  });

  it("Student t density at large df (the Γ ratio's asymptotic series) and beyond the normal switch", () => {
    // For even df = 2m, Γ(m + ½) / Γ(m) = √π (2m − 1)!! / (2^m (m − 1)!), so the density is
    // (2m − 1)!! / (2^m (m − 1)!) / √df · (1 + t²/df)^(−(df + 1)/2), exactly in fractions, then with
    // decimal at 50 digits: (1.5, 200) = 0.12944475880976441372770237…, (1.5, 400) = 0.12948167614059469667601873…
    expectRelative(studentTPdf(1.5, 200), 0.1294447588097644137, 2e-12);
    expectRelative(studentTPdf(1.5, 400), 0.1294816761405946967, 2e-12);
    // df = 4 the same way: 0.21466252583997981085528067…
    expectRelative(studentTPdf(1, 4), 0.2146625258399798109, 1e-14);
    // Infinite df is the normal.
    expectRelative(studentTPdf(1, Infinity), 0.24197072451914337, 1e-15);
    expectRelative(studentTPdf(1, 2e9), 0.24197072451914337, 1e-14);
  });
});

describe("quantiles at the median", () => {
  it("are exactly 0", () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(studentTQuantile(0.5, 1)).toBe(0);
    expect(studentTQuantile(0.5, 5)).toBe(0);
    expect(studentTQuantile(0.5, 1e12)).toBe(0);
  });
});

describe("logGamma near zero (the reflection branch)", () => {
  it("matches Python's math.lgamma", () => {
    // Python: math.lgamma(1e-10) = 23.025850929882736, math.lgamma(1e-300) = 690.7755278982137 (= −ln x − γx).
    expect(logGamma(1e-10)).toBeCloseTo(23.025850929882736, 12);
    expect(logGamma(1e-300)).toBeCloseTo(690.7755278982137, 11);
    // Python: math.lgamma(0.3) = 1.0957979948180752, math.lgamma(0.7) = 0.2608672465316669.
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 13);
    expect(logGamma(0.7)).toBeCloseTo(0.2608672465316669, 13);
  });
});

describe("regularizedBeta on both sides of its switch point (a + 1) / (a + b + 2)", () => {
  // I_x(1, b) = 1 − (1 − x)^b, I_x(a, 1) = x^a, I_x(½, 1) = √x; I_x(2, 3) = 6x²(1 − x)² + 4x³(1 − x) + x⁴.
  const i23 = (x: number) => 6 * x * x * (1 - x) ** 2 + 4 * x ** 3 * (1 - x) + x ** 4;

  it("keeps relative precision far below the switch", () => {
    // 1 − (1 − 10⁻¹⁰)⁴ = 4·10⁻¹⁰ − 6·10⁻²⁰ + …: a form via 1 − … would lose six digits.
    expectRelative(regularizedBeta(1e-10, 1, 4), 3.9999999994e-10, 1e-13);
    expectRelative(regularizedBeta(0.9, 1, 4), 1 - 0.1 ** 4, 1e-14);
    expectRelative(regularizedBeta(0.3, 0.5, 1), Math.sqrt(0.3), 1e-14);
  });

  it("agrees with the closed form just below and just above the switch (3/7 for a = 2, b = 3)", () => {
    for (const x of [0.4, 0.42857, 0.42858, 0.45]) expectRelative(regularizedBeta(x, 2, 3), i23(x), 1e-13);
  });

  it("is exact for a = ½ and huge b, where ln(1 − x) must come from log1p", () => {
    // For whole b, I_x(½, b) = √x · Σ_{k<b} c_k (1 − x)^k with c_0 = 1, c_k = c_{k−1}(2k − 1)/(2k) (the
    // Student t CDF's finite series for df = 2b). Python decimal at 50 digits, x the double 1e-6, b = 10⁶:
    // 0.84270084483819635892…
    expectRelative(regularizedBeta(1e-6, 0.5, 1e6), 0.8427008448381963589, 1e-12);
  });
});
