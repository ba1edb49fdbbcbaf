import { describe, expect, it } from "vitest";
import { addDays, dayRange, dayStart, localDay, weekStart } from "../../functions/rollups/days";
import { periodsOf } from "../../functions/metrics/periods";

const HOUR = 3_600_000;
const hours = (range: { start: number; end: number }) => (range.end - range.start) / HOUR;

describe("local days", () => {
  it("puts an instant on the survey's own calendar day", () => {
    const lateEvening = Date.parse("2026-06-30T22:30:00Z"); // 00:30 on 1 July in Amsterdam, 15:30 on 30 June in LA
    expect(localDay(lateEvening, "UTC")).toBe("2026-06-30");
    expect(localDay(lateEvening, "Europe/Amsterdam")).toBe("2026-07-01");
    expect(localDay(lateEvening, "America/Los_Angeles")).toBe("2026-06-30");
    expect(localDay(lateEvening, "Pacific/Kiritimati")).toBe("2026-07-01");
  });

  it("makes DST days 23 and 25 hours long (Europe/Amsterdam, 2026-03-29 and 2026-10-25)", () => {
    expect(hours(dayRange("2026-03-28", "Europe/Amsterdam"))).toBe(24);
    expect(hours(dayRange("2026-03-29", "Europe/Amsterdam"))).toBe(23);
    expect(hours(dayRange("2026-10-25", "Europe/Amsterdam"))).toBe(25);
    expect(dayStart("2026-03-29", "Europe/Amsterdam")).toBe(Date.parse("2026-03-28T23:00:00Z"));
    expect(dayStart("2026-03-30", "Europe/Amsterdam")).toBe(Date.parse("2026-03-29T22:00:00Z"));
    expect(dayStart("2026-10-26", "Europe/Amsterdam")).toBe(Date.parse("2026-10-25T23:00:00Z"));
  });

  it("does the same for America/Los_Angeles (2026-03-08 and 2026-11-01)", () => {
    expect(hours(dayRange("2026-03-08", "America/Los_Angeles"))).toBe(23);
    expect(hours(dayRange("2026-11-01", "America/Los_Angeles"))).toBe(25);
    expect(dayStart("2026-03-08", "America/Los_Angeles")).toBe(Date.parse("2026-03-08T08:00:00Z"));
    expect(dayStart("2026-03-09", "America/Los_Angeles")).toBe(Date.parse("2026-03-09T07:00:00Z"));
  });

  it("handles a zone whose clocks skip midnight itself (America/Santiago, 2026-09-06)", () => {
    const start = dayStart("2026-09-06", "America/Santiago");
    expect(localDay(start, "America/Santiago")).toBe("2026-09-06");
    expect(localDay(start - 1, "America/Santiago")).toBe("2026-09-05");
    expect(hours(dayRange("2026-09-06", "America/Santiago"))).toBe(23);
  });

  it("agrees with localDay at both edges of every day of a year", () => {
    for (const zone of ["Europe/Amsterdam", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"]) {
      for (let day = "2026-01-01"; day < "2027-01-01"; day = addDays(day, 5)) {
        const { start, end } = dayRange(day, zone);
        expect(localDay(start, zone)).toBe(day);
        expect(localDay(end - 1, zone)).toBe(day);
        expect(localDay(end, zone)).toBe(addDays(day, 1));
      }
    }
  });
});

describe("periods", () => {
  it("starts ISO weeks on Monday and clips periods to the range", () => {
    expect(weekStart("2026-03-29")).toBe("2026-03-23"); // a Sunday
    expect(weekStart("2026-03-30")).toBe("2026-03-30");
    expect(periodsOf("2026-03-27", "2026-04-07", "week")).toEqual([
      { period: "2026-03-23", from: "2026-03-27", to: "2026-03-29" },
      { period: "2026-03-30", from: "2026-03-30", to: "2026-04-05" },
      { period: "2026-04-06", from: "2026-04-06", to: "2026-04-07" },
    ]);
    expect(periodsOf("2025-12-15", "2026-02-10", "month").map((p) => [p.period, p.from, p.to])).toEqual([
      ["2025-12", "2025-12-15", "2025-12-31"],
      ["2026-01", "2026-01-01", "2026-01-31"],
      ["2026-02", "2026-02-01", "2026-02-10"],
    ]);
    expect(periodsOf("2026-02-27", "2026-03-01", "day").map((p) => p.period)).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
  });
});
