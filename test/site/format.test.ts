import { describe, expect, it } from "vitest";
import {
  formatChange,
  formatCount,
  formatDay,
  formatDays,
  formatDifferenceInterval,
  formatInstant,
  formatInterval,
  formatMonth,
  formatNumber,
  formatP,
  formatPercent,
  formatTick,
  formatValue,
} from "../../site/src/lib/format";

const percent = { unit: "percent" } as const;
const nps = { unit: "nps" } as const;
const mean = { unit: "mean" } as const;

describe("numbers on report pages", () => {
  it("writes CSAT and other percentages as whole numbers", () => {
    expect(formatValue(71.43, percent)).toBe("71%");
    expect(formatValue(71.4, percent)).toBe("71%");
    expect(formatValue(89.2136, percent)).toBe("89%");
    expect(formatPercent(99.6)).toBe("100%");
    expect(formatPercent(0)).toBe("0%");
  });

  it("rounds half away from zero, as a person does", () => {
    expect(formatValue(70.5, percent)).toBe("71%");
    expect(formatValue(33.5, nps)).toBe("34");
    expect(formatValue(-33.5, nps)).toBe("−34");
    expect(formatValue(-0.5, nps)).toBe("−1");
    expect(formatValue(4.25, mean)).toBe("4.3");
    expect(formatValue(-4.25, mean)).toBe("−4.3");
    // The number as written, not its binary double (4.3499999…): 4.35 → 4.4.
    expect(formatValue(4.35, mean)).toBe("4.4");
  });

  it("never writes −0: a value that rounds to zero is 0", () => {
    expect(formatValue(-0.4, nps)).toBe("0");
    expect(formatValue(-0.04, mean)).toBe("0.0");
    expect(formatValue(0.4, nps)).toBe("0");
  });

  it("writes NPS as a whole number with a true minus sign and no plus", () => {
    expect(formatValue(19.36, nps)).toBe("19");
    expect(formatValue(-12.2, nps)).toBe("−12");
    expect(formatValue(100, nps)).toBe("100");
  });

  it("writes every mean (CES, rating) to one decimal", () => {
    expect(formatValue(5.4321, mean)).toBe("5.4");
    expect(formatValue(4, mean)).toBe("4.0");
    expect(formatValue(9.96, mean)).toBe("10.0");
  });

  it("groups thousands the en-US way", () => {
    expect(formatCount(1311)).toBe("1,311");
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(999)).toBe("999");
    expect(formatNumber(1311.25, 1)).toBe("1,311.3");
  });

  it("rounds intervals like their value", () => {
    expect(formatInterval([67.5, 74.4], percent)).toBe("68–74%");
    expect(formatInterval([4.05, 4.449], mean)).toBe("4.1–4.4");
    // NPS can be negative: "to", not a dash that reads like a minus.
    expect(formatInterval([-5.5, 12.49], nps)).toBe("−6 to 12");
  });

  it("writes differences signed, in points, and in words", () => {
    expect(formatDifferenceInterval([-1.2, 7.6], percent)).toBe("−1 to +8 points");
    expect(formatDifferenceInterval([-2.5, 0.25], mean)).toBe("−2.5 to +0.3");
    expect(formatDifferenceInterval([-0.4, 12.5], nps)).toBe("0 to +13 points");
    expect(formatChange(7.4132, percent)).toBe("up 7 points");
    expect(formatChange(-0.26, mean)).toBe("down 0.3");
    expect(formatChange(-0.4, nps)).toBe("no change");
    expect(formatChange(0.04, mean)).toBe("no change");
    expect(formatChange(-1311.6, nps)).toBe("down 1,312 points");
  });

  it("labels a mean's axis with whole ticks and a percentage's with %", () => {
    expect(formatTick(3, mean)).toBe("3");
    expect(formatTick(3.5, mean)).toBe("3.5");
    expect(formatTick(40, percent)).toBe("40%");
    expect(formatTick(-50, nps)).toBe("−50");
  });

  it("writes p-values with two significant digits", () => {
    expect(formatP(0.0004)).toBe("p < 0.001");
    expect(formatP(0.03449)).toBe("p = 0.034");
    expect(formatP(0.5)).toBe("p = 0.5");
  });
});

describe("dates on report pages", () => {
  it("are en-US", () => {
    expect(formatDay("2026-11-20")).toBe("Nov 20, 2026");
    expect(formatMonth("2026-11")).toBe("Nov 2026");
  });

  it("write a range without repeating its year", () => {
    expect(formatDays("2026-08-23", "2026-11-20")).toBe("Aug 23 – Nov 20, 2026");
    expect(formatDays("2025-12-29", "2026-01-04")).toBe("Dec 29, 2025 – Jan 4, 2026");
    expect(formatDays("2026-11-20", "2026-11-20")).toBe("Nov 20, 2026");
  });

  it("write an instant in the survey's time zone, in en-US", () => {
    // 06:00 UTC is 07:00 in Amsterdam in November (CET).
    expect(formatInstant("2026-11-20T06:00:00.000Z", "Europe/Amsterdam")).toMatch(/^Nov 20, 2026, 7:00\sAM$/);
  });
});
