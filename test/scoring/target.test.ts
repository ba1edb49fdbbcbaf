import { describe, expect, it } from "vitest";
import { dayNumber, expectedOnGlidePath, glidePath } from "../../functions/scoring/target";

const start = { value: 75, date: "2026-01-01" };
const target = { value: 85, date: "2026-12-31" };

describe("glidePath", () => {
  it("draws a straight line from start to target (CSAT 75% → 85%)", () => {
    // 2026-07-02 is day 182 of 364: exactly half way, so 80 is expected.
    const status = glidePath(start, target, { value: 81, date: "2026-07-02" });
    expect(status.elapsed).toBeCloseTo(0.5, 12);
    expect(status.expected).toBeCloseTo(80, 12);
    expect(status.gap).toBeCloseTo(1, 12);
    expect(status.on_track).toBe(true);
  });

  it("is off track below the line and on track exactly on it", () => {
    expect(glidePath(start, target, { value: 79.9, date: "2026-07-02" }).on_track).toBe(false);
    expect(glidePath(start, target, { value: 75, date: "2026-01-01" }).on_track).toBe(true);
  });

  it("holds the start value before the start and the target after the deadline", () => {
    expect(expectedOnGlidePath(start, target, "2025-06-01")).toEqual({ expected: 75, elapsed: 0 });
    expect(expectedOnGlidePath(start, target, "2027-03-01")).toEqual({ expected: 85, elapsed: 1 });
    expect(glidePath(start, target, { value: 84, date: "2027-03-01" }).on_track).toBe(false);
  });

  it("works for falling targets and NPS below zero", () => {
    const status = glidePath({ value: -20, date: "2026-01-01" }, { value: 10, date: "2026-01-31" }, { value: -5, date: "2026-01-16" });
    expect(status.expected).toBeCloseTo(-5, 12);
    expect(status.on_track).toBe(true);
  });

  it("treats a target dated on or before the start as due now", () => {
    expect(expectedOnGlidePath(start, { value: 90, date: "2026-01-01" }, "2026-01-01").expected).toBe(90);
  });

  it("has no verdict without a current value", () => {
    expect(glidePath(start, target, { value: null, date: "2026-07-02" })).toMatchObject({ gap: null, on_track: null });
  });

  it("validates dates and values", () => {
    expect(dayNumber("1970-01-02")).toBe(1);
    expect(() => dayNumber("2026-02-30")).toThrow(RangeError);
    expect(() => dayNumber("2026-1-5")).toThrow(RangeError);
    expect(() => dayNumber("yesterday")).toThrow(RangeError);
    expect(() => glidePath(start, target, { value: Number.NaN, date: "2026-07-02" })).toThrow(RangeError);
    expect(() => expectedOnGlidePath({ value: Infinity, date: "2026-01-01" }, target, "2026-07-02")).toThrow(RangeError);
  });
});
