import { describe, expect, it } from "vitest";
import { addDays, dayKeyOf, daysBetween, isDayKey, localDay, monthStart, weekStart } from "../../functions/rollups/days";

// Calendar arithmetic on day keys, checked against dates read off a calendar.
describe("day keys", () => {
  it("adds days across month, year and leap-day edges", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-05-10", 0)).toBe("2026-05-10");
    expect(dayKeyOf(0)).toBe("1970-01-01");
    expect(dayKeyOf(-1)).toBe("1969-12-31");
  });

  it("counts whole days between two keys, negative when backwards", () => {
    expect(daysBetween("2026-05-10", "2026-05-10")).toBe(0);
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(daysBetween("2024-02-27", "2024-03-01")).toBe(3);
    expect(daysBetween("2026-03-01", "2026-02-27")).toBe(-2);
    expect(daysBetween("2026-01-01", "2027-01-01")).toBe(365);
  });

  it("accepts only real calendar dates written as YYYY-MM-DD", () => {
    expect(isDayKey("2024-02-29")).toBe(true);
    expect(isDayKey("2026-12-31")).toBe(true);
    expect(isDayKey("2026-02-29")).toBe(false);
    expect(isDayKey("2026-13-01")).toBe(false);
    expect(isDayKey("2026-04-31")).toBe(false);
    expect(isDayKey("2026-4-1")).toBe(false);
    expect(isDayKey("2026-04-01T00:00")).toBe(false);
    expect(isDayKey("")).toBe(false);
  });

  it("starts months on the 1st and ISO weeks on Monday, before 1970 too", () => {
    expect(monthStart("2026-03-29")).toBe("2026-03-01");
    expect(monthStart("2026-03-01")).toBe("2026-03-01");
    // 1970-01-01 was a Thursday; 1969-12-29 a Monday.
    expect(weekStart("1970-01-01")).toBe("1969-12-29");
    expect(weekStart("1969-12-31")).toBe("1969-12-29");
    expect(weekStart("1969-12-28")).toBe("1969-12-22"); // a Sunday
    expect(weekStart("1969-12-29")).toBe("1969-12-29");
    expect(weekStart("2026-01-04")).toBe("2025-12-29"); // a Sunday, across the year
  });

  it("writes the year with four digits", () => {
    expect(localDay(Date.UTC(999, 5, 15, 12), "UTC")).toBe("0999-06-15");
    expect(localDay(Date.UTC(2026, 0, 1, 0, 30), "Europe/Amsterdam")).toBe("2026-01-01");
    expect(localDay(Date.UTC(2026, 0, 1, 0, 30), "America/New_York")).toBe("2025-12-31");
  });
});
