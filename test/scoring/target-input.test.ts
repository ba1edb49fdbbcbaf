import { describe, expect, it } from "vitest";
import { histogramFromCounts } from "../../functions/scoring/histogram";
import { defaultSatisfiedMin, isAllowedScale, isMetric } from "../../functions/scoring/metrics";
import type { ScoringConfig } from "../../functions/scoring/summary";
import { dayNumber, expectedOnGlidePath, formatCount, formatHeadline, formatWhole, targetStatus } from "../../functions/scoring/target";

// The inputs targets refuse (each with its message), the range's own days, the verdict at its exact
// edges (30 answers, a headline exactly on the line) and the numbers as a person reads them. Expected
// values are worked out by hand in the comments.

const FIVE = { min: 1, max: 5 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
const answers = (good: number, n: number) => histogramFromCounts(FIVE, { 5: good, 2: n - good });
// First answer 2026-01-01: the line starts on 2026-01-15 at the baseline's 70% and reaches 80% on
// 2026-04-25, 100 days later; on 2026-01-15 itself it is exactly 70%, on 2026-03-06 (day 50) 75%.
const baseline = { firstDay: "2026-01-01", histogram: answers(70, 100) };
const target = { value: 80, by: "2026-04-25" };

describe("dayNumber", () => {
  it.each(["x2026-01-01", "2026-01-01x", "2026-1-01", "20260101", "2026-01-01T00:00:00Z", ""])("refuses %j as not a date", (text) => {
    expect(() => dayNumber(text)).toThrow(`target: "${text}" is not a date as YYYY-MM-DD`);
  });

  it.each(["2026-02-29", "2026-02-30", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32"])("refuses %s as not a calendar date", (text) => {
    expect(() => dayNumber(text)).toThrow(`target: "${text}" is not a calendar date`);
  });

  it("refuses years 0000–0099, which Date.UTC would read as 1900–1999", () => {
    expect(() => dayNumber("0050-01-01")).toThrow('target: "0050-01-01" is not a calendar date');
  });

  it("counts days from 1970-01-01, leap days included", () => {
    // 2024-02-29 is day 19782: 54 years of 365 days plus 13 leap days (1972 … 2020) to 2024-01-01 (19723), plus 59.
    expect(dayNumber("2024-02-29")).toBe(19782);
    expect(dayNumber("1969-12-31")).toBe(-1);
  });
});

describe("expectedOnGlidePath refuses non-finite values", () => {
  it.each([Number.NaN, Infinity, -Infinity])("start or target value %d", (value) => {
    const message = "target: values must be finite numbers";
    expect(() => expectedOnGlidePath({ value, date: "2026-01-01" }, { value: 80, date: "2026-04-25" }, "2026-02-01")).toThrow(message);
    expect(() => expectedOnGlidePath({ value: 70, date: "2026-01-01" }, { value, date: "2026-04-25" }, "2026-02-01")).toThrow(message);
  });
});

describe("targetStatus inputs", () => {
  const range = { from: "2026-03-06", to: "2026-03-06" };

  it("refuses a target value that is not a finite number, with or without a baseline", () => {
    for (const value of [Number.NaN, Infinity]) {
      for (const base of [baseline, null]) {
        expect(() => targetStatus(csat, { target: { value, by: "2026-04-25" }, baseline: base, range, days: [] })).toThrow("target: the target value must be a finite number");
      }
    }
  });

  it("refuses a range that ends before it starts, and accepts a one-day range", () => {
    expect(() => targetStatus(csat, { target, baseline, range: { from: "2026-03-07", to: "2026-03-06" }, days: [] })).toThrow("target: the range ends before it starts");
    expect(targetStatus(csat, { target, baseline, range, days: [] }).verdict).toBe("too_early");
  });

  it("uses only the range's days: days just before and just after it are left out", () => {
    const status = targetStatus(csat, {
      target,
      baseline,
      range: { from: "2026-03-05", to: "2026-03-06" },
      days: [
        { day: "2026-03-04", histogram: answers(0, 500) },
        { day: "2026-03-05", histogram: answers(40, 50) },
        { day: "2026-03-06", histogram: answers(40, 50) },
        { day: "2026-03-07", histogram: answers(0, 500) },
      ],
    });
    // 80 good of 100 inside; with the outside days it would be 80 of 1,100.
    expect(status.n).toBe(100);
    expect(status.observed).toBe(80);
    // Line at 74.9% on 03-05 (day 49 of 100) and 75% on 03-06, equally weighted: 74.95.
    expect(status.expected).toBeCloseTo(74.95, 12);
  });

  it("says so when the range has no answers, the line averaged over every day of it", () => {
    // 03-05 and 03-06: (74.9 + 75) / 2 = 74.95, shown as 75%.
    const status = targetStatus(csat, { target, baseline, range: { from: "2026-03-05", to: "2026-03-06" }, days: [{ day: "2026-03-07", histogram: answers(50, 50) }] });
    expect(status).toMatchObject({ observed: null, n: 0, verdict: "too_early", reason: "No answers over 2026-03-05 – 2026-03-06; the line is at 75% for those days." });
    expect(status.expected).toBeCloseTo(74.95, 12);
  });
});

describe("targetStatus verdict edges", () => {
  const startDay = { from: "2026-01-15", to: "2026-01-15" };

  it("tells with 30 answers, not with 29", () => {
    const thirty = targetStatus(csat, { target, baseline, range: startDay, days: [{ day: "2026-01-15", histogram: answers(30, 30) }] });
    expect(thirty.verdict).toBe("on_track");
    const twentyNine = targetStatus(csat, { target, baseline, range: startDay, days: [{ day: "2026-01-15", histogram: answers(29, 29) }] });
    expect(twentyNine).toMatchObject({ verdict: "too_early", reason: "CSAT 100% over 2026-01-15 – 2026-01-15 (29 answers); the line is at 70% for those days; 29 answers are too few to tell." });
  });

  it("is on track with the headline exactly on the line", () => {
    // On 2026-01-15 the line is the start itself, 70%; 70 of 100 is exactly 70%: gap 0.
    const status = targetStatus(csat, { target, baseline, range: startDay, days: [{ day: "2026-01-15", histogram: answers(70, 100) }] });
    expect(status.gap).toBe(0);
    expect(status.verdict).toBe("on_track");
    expect(status.reason).toMatch(/; the headline is at or above it \(interval \d+–\d+%\)\.$/);
  });

  it("names each metric in its reason", () => {
    const day = [{ day: "2026-01-15", histogram: answers(29, 29) }];
    for (const [metric, name] of [
      ["csat", "CSAT"],
      ["rating", "Rating"],
      ["intent", "Intent"],
    ] as const) {
      const config: ScoringConfig = { metric, scale: FIVE, satisfied_min: 4, headline: "percent" };
      expect(targetStatus(config, { target, baseline, range: startDay, days: day }).reason).toMatch(new RegExp(`^${name} 100% over `));
    }
  });
});

describe("numbers as a person reads them", () => {
  it("writes whole numbers with thousands separators and a true minus sign (U+2212)", () => {
    expect(formatWhole(0)).toBe("0");
    expect(formatWhole(0.4)).toBe("0");
    // Math.round(−0.4) is −0, which toLocaleString writes as "-0".
    expect(formatWhole(-0.4)).toBe("0");
    expect(formatWhole(-0.6)).toBe("\u22121");
    expect(formatWhole(42.5)).toBe("43");
    // Halves away from zero, as the report pages round (site/src/lib/format.ts): −33.5 is −34, not −33.
    expect(formatWhole(-33.5)).toBe("\u221234");
    expect(formatWhole(-0.5)).toBe("\u22121");
    expect(formatWhole(-12)).toBe("\u221212");
    expect(formatWhole(12345.6)).toBe("12,346");
    expect(formatWhole(-1234)).toBe("\u22121,234");
  });

  it("writes means to one decimal, percentages with %, NPS as whole points", () => {
    expect(formatHeadline("mean", 3)).toBe("3.0");
    expect(formatHeadline("mean", 2.46)).toBe("2.5");
    expect(formatHeadline("mean", -1.24)).toBe("\u22121.2");
    expect(formatHeadline("percent", 72.5)).toBe("73%");
    expect(formatHeadline("percent", 0)).toBe("0%");
    expect(formatHeadline("nps", -60)).toBe("\u221260");
  });

  it("writes counts with thousands separators", () => {
    expect(formatCount(999)).toBe("999");
    expect(formatCount(1000)).toBe("1,000");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});

describe("metric definitions", () => {
  it("knows the five metrics and nothing else", () => {
    for (const metric of ["csat", "nps", "ces", "rating", "intent"]) expect(isMetric(metric)).toBe(true);
    for (const value of ["CSAT", "", "star", "nps ", 1, null, undefined, ["csat"]]) expect(isMetric(value)).toBe(false);
  });

  it("allows a scale only when both its ends match an allowed one", () => {
    expect(isAllowedScale("csat", { min: 1, max: 5 })).toBe(true);
    expect(isAllowedScale("csat", { min: 1, max: 10 })).toBe(true);
    expect(isAllowedScale("nps", { min: 0, max: 10 })).toBe(true);
    // Same max, other min; same min, other max.
    expect(isAllowedScale("nps", { min: 1, max: 10 })).toBe(false);
    expect(isAllowedScale("csat", { min: 0, max: 5 })).toBe(false);
    expect(isAllowedScale("csat", { min: 1, max: 6 })).toBe(false);
    expect(isAllowedScale("intent", { min: 1, max: 7 })).toBe(false);
    expect(isAllowedScale("ces", { min: 1, max: 10 })).toBe(false);
  });

  it("defaults the good answers: promoters 9–10, top-3-box for CES 1–7, top-2-box otherwise", () => {
    expect(defaultSatisfiedMin("nps", { min: 0, max: 10 })).toBe(9);
    expect(defaultSatisfiedMin("ces", { min: 1, max: 7 })).toBe(5);
    expect(defaultSatisfiedMin("ces", { min: 1, max: 5 })).toBe(4);
    expect(defaultSatisfiedMin("csat", { min: 1, max: 10 })).toBe(9);
    expect(defaultSatisfiedMin("rating", { min: 1, max: 7 })).toBe(6);
    expect(defaultSatisfiedMin("intent", { min: 1, max: 5 })).toBe(4);
  });
});
