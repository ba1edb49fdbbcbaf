import { describe, expect, it } from "vitest";
import { histogramFromCounts } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";
import { dayNumber, expectedOnGlidePath, lineStartDay, targetStatus } from "../../functions/scoring/target";

const FIVE = { min: 1, max: 5 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
const answers = (good: number, n: number) => histogramFromCounts(FIVE, { 5: good, 2: n - good });

const start = { value: 75, date: "2026-01-01" };
const end = { value: 85, date: "2026-12-31" };

describe("expectedOnGlidePath", () => {
  it("draws a straight line, holding the start before it and the target after the date", () => {
    // 2026-07-02 is day 182 of 364: half way.
    expect(expectedOnGlidePath(start, end, "2026-07-02").expected).toBeCloseTo(80, 12);
    expect(expectedOnGlidePath(start, end, "2025-06-01")).toEqual({ expected: 75, elapsed: 0 });
    expect(expectedOnGlidePath(start, end, "2027-03-01")).toEqual({ expected: 85, elapsed: 1 });
    expect(expectedOnGlidePath(start, { value: 90, date: "2026-01-01" }, "2026-01-01").expected).toBe(90);
  });

  it("validates dates and values", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(() => dayNumber("2026-02-30")).toThrow(RangeError);
    expect(() => dayNumber("yesterday")).toThrow(RangeError);
    expect(() => expectedOnGlidePath({ value: Infinity, date: "2026-01-01" }, end, "2026-07-02")).toThrow(RangeError);
  });
});

describe("targetStatus", () => {
  // First answer 2026-01-01: the line starts on the 15th day, 2026-01-15, at the baseline's 70%, and
  // reaches 80% by 2026-04-25, 100 days later; 2026-03-06 is half way, where the line is at 75%.
  const baseline = { firstDay: "2026-01-01", histogram: answers(70, 100) };
  const target = { value: 80, by: "2026-04-25" };

  it("starts the line on the middle day of the baseline window", () => {
    expect(lineStartDay("2026-01-01")).toBe("2026-01-15");
  });

  it("is off track when the interval, the line's own uncertainty included, lies below the line", () => {
    const status = targetStatus(csat, { target, baseline, range: { from: "2026-03-06", to: "2026-03-06" }, days: [{ day: "2026-03-06", histogram: answers(60, 100) }] });
    expect(status).toMatchObject({ start: { value: 70, date: "2026-01-15" }, observed: 60, n: 100, verdict: "off_track" });
    expect(status.expected).toBeCloseTo(75, 12);
    expect(status.gap).toBeCloseTo(-15, 12);
    // Smoothed variances 2403.88 (60 of 100) and 2115.53 (70 of 100); the line's weighs (1 − 0.5)²:
    // 1.96 × √(2403.88 / 100 + 0.25 × 2115.53 / 100) = 10.6142.
    expect(status.interval![0]).toBeCloseTo(49.3858, 3);
    expect(status.interval![1]).toBeCloseTo(70.6142, 3);
    expect(status.reason).toBe("CSAT 60% over 2026-03-06 – 2026-03-06 (100 answers); the line is at 75% for those days; the interval 49–71% lies below it.");
  });

  it("weighs the line by the answers of each day", () => {
    // 300 answers on 2026-01-15 (line 70%) and 100 on 2026-04-25 (line 80%): 72.5%.
    const status = targetStatus(csat, {
      target,
      baseline,
      range: { from: "2026-01-15", to: "2026-04-25" },
      days: [
        { day: "2026-01-15", histogram: answers(219, 300) },
        { day: "2026-04-25", histogram: answers(80, 100) },
      ],
    });
    expect(status.expected).toBeCloseTo(72.5, 12);
    expect(status.elapsed).toBeCloseTo(0.25, 12);
    expect(status.observed).toBeCloseTo(74.75, 12);
    expect(status.verdict).toBe("on_track");
    expect(status.reason).toMatch(/^CSAT 75% over 2026-01-15 – 2026-04-25 \(400 answers\); the line is at 73% for those days; the headline is at or above it \(interval \d+–\d+%\)\.$/);
  });

  it("is too early below the line within the interval, with too few answers, or without answers", () => {
    const day = (good: number, n: number) => [{ day: "2026-03-06", histogram: answers(good, n) }];
    const range = { from: "2026-03-06", to: "2026-03-06" };
    expect(targetStatus(csat, { target, baseline, range, days: day(70, 100) })).toMatchObject({ verdict: "too_early" });
    expect(targetStatus(csat, { target, baseline, range, days: day(70, 100) }).reason).toMatch(/below it but the interval \d+–\d+% reaches it: too early to tell\.$/);
    expect(targetStatus(csat, { target, baseline, range, days: day(0, 29) })).toMatchObject({ verdict: "too_early", reason: expect.stringMatching(/29 answers are too few to tell\.$/) });
    expect(targetStatus(csat, { target, baseline, range, days: [] })).toMatchObject({ verdict: "too_early", observed: null, expected: 75 });
    expect(targetStatus(csat, { target, baseline: null, range, days: day(70, 100) })).toMatchObject({ verdict: "too_early", start: null, reason: "No answers yet to set where the line starts." });
  });

  it("writes NPS in whole points and means to one decimal", () => {
    const nps: ScoringConfig = { metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9, headline: "percent" };
    const npsDay = histogramFromCounts(nps.scale, { 10: 20, 0: 80 });
    const status = targetStatus(nps, { target: { value: 50, by: "2026-04-25" }, baseline: { firstDay: "2026-01-01", histogram: histogramFromCounts(nps.scale, { 10: 60, 8: 40 }) }, range: { from: "2026-03-06", to: "2026-03-06" }, days: [{ day: "2026-03-06", histogram: npsDay }] });
    expect(status.reason).toMatch(/^NPS −60 over .*; the line is at 55 for those days; the interval −\d+ to −\d+ lies below it\.$/);
    const ces: ScoringConfig = { metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean" };
    const cesStatus = targetStatus(ces, { target: { value: 6, by: "2026-04-25" }, baseline: { firstDay: "2026-01-01", histogram: histogramFromCounts(ces.scale, { 5: 100 }) }, range: { from: "2026-03-06", to: "2026-03-06" }, days: [{ day: "2026-03-06", histogram: histogramFromCounts(ces.scale, { 6: 50 }) }] });
    expect(cesStatus.reason).toMatch(/^CES 6\.0 over .*; the line is at 5\.5 for those days; the headline is at or above it \(interval \d\.\d–\d\.\d\)\.$/);
  });
});
