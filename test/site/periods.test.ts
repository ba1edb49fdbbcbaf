import { describe, expect, it } from "vitest";
import { coverageNote, perPeriod, previousCoverageNote, trendCaption, windowPeriod, windowPhrase } from "../../site/src/lib/periods";
import { coverage, rangeHref, RANGE_PATHS, trendGranularity, trendStart } from "../../site/src/lib/report-view";

describe("a range's days and how much of them the answers reach", () => {
  it("counts the days from the first answer on", () => {
    expect(coverage("2026-05-25", "2026-08-22", "2026-07-24")).toEqual({ first: "2026-07-24", covered: 30, days: 90 });
    expect(coverage("2026-08-23", "2026-11-20", "2026-07-24")).toEqual({ first: "2026-07-24", covered: 90, days: 90 });
    expect(coverage("2026-08-23", "2026-11-20", "2026-11-20")).toEqual({ first: "2026-11-20", covered: 1, days: 90 });
    expect(coverage("2026-05-25", "2026-08-22", "2026-08-23")).toEqual({ first: "2026-08-23", covered: 0, days: 90 });
    expect(coverage("2026-05-25", "2026-08-22", null)).toEqual({ first: null, covered: 0, days: 90 });
  });

  it("says nothing when covered in full, and how much when not", () => {
    expect(coverageNote({ first: "2026-07-24", covered: 90, days: 90 })).toBeNull();
    expect(coverageNote({ first: "2026-07-24", covered: 120, days: 365 })).toBe("answers start on Jul 24, 2026, so they cover 120 of these 365 days");
    expect(coverageNote({ first: null, covered: 0, days: 30 })).toBe("no answers fall in these 30 days");
  });

  it("says when the previous period is only partly covered, next to the comparison", () => {
    expect(previousCoverageNote({ from: "2026-05-25", to: "2026-08-22", coverage: { first: "2026-07-24", covered: 30, days: 90 } })).toBe(
      "The previous 90 days (May 25 – Aug 22, 2026) are only partly covered: the survey's first answer came on Jul 24, 2026, so they hold answers from only 30 of those 90 days.",
    );
    expect(previousCoverageNote({ from: "2025-11-21", to: "2026-11-20", coverage: { first: "2026-11-21", covered: 0, days: 365 } })).toBe(
      "The previous 365 days (Nov 21, 2025 – Nov 20, 2026) hold no answers: the survey's first answer came later.",
    );
    expect(previousCoverageNote({ from: "2026-09-22", to: "2026-10-21", coverage: { first: "2026-01-05", covered: 30, days: 30 } })).toBeNull();
  });
});

describe("a range and its trend in words", () => {
  it("names the window", () => {
    expect(windowPhrase({ range: "90", days: 90 })).toBe("the last 90 days");
    expect(windowPhrase({ range: "all", days: 120 })).toBe("the 120 days since the first answer");
    expect(windowPhrase({ range: "all", days: 1 })).toBe("the 1 day since the first answer");
    expect(windowPeriod({ range: "365", days: 365, from: "2025-11-21", to: "2026-11-20" })).toBe("last 365 days (Nov 21, 2025 – Nov 20, 2026)");
    expect(windowPeriod({ range: "all", days: 1_200, from: "2023-08-09", to: "2026-11-20" })).toBe("1,200 days since the first answer (Aug 9, 2023 – Nov 20, 2026)");
  });

  it("names a trend's granularity and span", () => {
    expect(trendCaption({ granularity: "week", from: "2026-08-17", to: "2026-11-20" })).toBe("Weekly, Aug 17 – Nov 20, 2026");
    expect(trendCaption({ granularity: "day", from: "2026-10-22", to: "2026-11-20" })).toBe("Daily, Oct 22 – Nov 20, 2026");
    expect(trendCaption({ granularity: "month", from: "2025-11-01", to: "2026-11-20" })).toBe("Monthly, Nov 1, 2025 – Nov 20, 2026");
    expect(perPeriod("week")).toBe("per week");
  });

  it("picks the granularity by the range's length: daily to a month, weekly to half a year, then monthly", () => {
    expect([1, 31, 32, 90, 182, 183, 365].map(trendGranularity)).toEqual(["day", "day", "week", "week", "week", "month", "month"]);
  });

  it("starts a trend on a whole period, never before the first answer", () => {
    // 2026-08-23 is a Sunday: its week began on Monday 2026-08-17.
    expect(trendStart("2026-08-23", "week", "2026-07-24")).toBe("2026-08-17");
    expect(trendStart("2026-08-23", "week", "2026-08-20")).toBe("2026-08-20");
    expect(trendStart("2025-11-21", "month", "2026-07-24")).toBe("2026-07-24");
    expect(trendStart("2025-11-21", "month", "2024-01-01")).toBe("2025-11-01");
    expect(trendStart("2026-10-22", "day", null)).toBe("2026-10-22");
  });
});

describe("the ranges' addresses", () => {
  it("gives the default range the page's own address and the others a folder of their own", () => {
    expect(RANGE_PATHS).toEqual(["30", "365", "all"]);
    expect(rangeHref("/s/support/", "90")).toBe("/s/support/");
    expect(rangeHref("/s/support/", "30")).toBe("/s/support/30/");
    expect(rangeHref("/internal/s/support/", "all")).toBe("/internal/s/support/all/");
  });
});
