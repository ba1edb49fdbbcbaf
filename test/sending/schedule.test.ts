import { describe, expect, it } from "vitest";
import { addLocalDays, nextInWindow, nextRecurrence, reminderAt, spreadOffsets } from "../../functions/sending/schedule";

/**
 * Every expected instant is written by hand. The clocks of 2026:
 * - Europe/Amsterdam: CET (+01) → CEST (+02) on Sunday 29 March at 02:00 (01:00Z); back on Sunday
 *   25 October at 03:00 CEST → 02:00 CET (01:00Z), so 02:00–03:00 happens twice.
 * - America/New_York: EST (−05) → EDT (−04) on Sunday 8 March at 02:00 (07:00Z); back on Sunday
 *   1 November at 02:00 EDT → 01:00 EST (06:00Z).
 */
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const AMS = "Europe/Amsterdam";
const NYC = "America/New_York";
const OFFICE = { weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 };
const DAY = 86_400_000;

describe("nextInWindow", () => {
  it("answers the instant itself without a window", () => {
    expect(iso(nextInWindow(at("2026-03-29T01:30:00.000Z"), null, AMS))).toBe("2026-03-29T01:30:00.000Z");
  });

  it("answers the instant itself inside the window, to the millisecond", () => {
    // Tuesday 31 March 10:30:12.345 CEST.
    expect(iso(nextInWindow(at("2026-03-31T08:30:12.345Z"), OFFICE, AMS))).toBe("2026-03-31T08:30:12.345Z");
  });

  it("waits for the window to open later the same day", () => {
    // Monday 30 March 07:15 CEST → 09:00 CEST.
    expect(iso(nextInWindow(at("2026-03-30T05:15:00.000Z"), OFFICE, AMS))).toBe("2026-03-30T07:00:00.000Z");
  });

  it("treats the closing hour as outside: 17:00 on a Friday waits for Monday", () => {
    // Friday 27 March 17:00 CET; Monday 30 March 09:00 is summer time already.
    expect(iso(nextInWindow(at("2026-03-27T16:00:00.000Z"), OFFICE, AMS))).toBe("2026-03-30T07:00:00.000Z");
    // 16:59:59.999 CET is still inside.
    expect(iso(nextInWindow(at("2026-03-27T15:59:59.999Z"), OFFICE, AMS))).toBe("2026-03-27T15:59:59.999Z");
  });

  it("skips the weekend", () => {
    // Saturday 13 June 10:00 CEST → Monday 15 June 09:00 CEST.
    expect(iso(nextInWindow(at("2026-06-13T08:00:00.000Z"), OFFICE, AMS))).toBe("2026-06-15T07:00:00.000Z");
    // Sunday 14 June 23:59 CEST → Monday 15 June 09:00 CEST.
    expect(iso(nextInWindow(at("2026-06-14T21:59:00.000Z"), OFFICE, AMS))).toBe("2026-06-15T07:00:00.000Z");
  });

  it("goes past a window hour that does not exist on the spring-forward day (Amsterdam)", () => {
    const sundayTwoToThree = { weekdays: [7], from_hour: 2, to_hour: 3 };
    // Saturday 28 March noon CET: 02:00 on Sunday 29 March is skipped, so the next Sunday, 5 April 02:00 CEST.
    expect(iso(nextInWindow(at("2026-03-28T11:00:00.000Z"), sundayTwoToThree, AMS))).toBe("2026-04-05T00:00:00.000Z");
    // With an hour more, the window opens at the first hour after the gap: 03:00 CEST.
    const sundayTwoToFour = { weekdays: [7], from_hour: 2, to_hour: 4 };
    expect(iso(nextInWindow(at("2026-03-28T11:00:00.000Z"), sundayTwoToFour, AMS))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("opens at the first of the repeated autumn hour, and both of its halves are inside (Amsterdam)", () => {
    const sundayTwoToThree = { weekdays: [7], from_hour: 2, to_hour: 3 };
    // Saturday 24 October noon CEST → Sunday 25 October 02:00 CEST (the first 02:00).
    expect(iso(nextInWindow(at("2026-10-24T10:00:00.000Z"), sundayTwoToThree, AMS))).toBe("2026-10-25T00:00:00.000Z");
    // 02:30 CEST and 02:30 CET are both 02:30 local.
    expect(iso(nextInWindow(at("2026-10-25T00:30:00.000Z"), sundayTwoToThree, AMS))).toBe("2026-10-25T00:30:00.000Z");
    expect(iso(nextInWindow(at("2026-10-25T01:30:00.000Z"), sundayTwoToThree, AMS))).toBe("2026-10-25T01:30:00.000Z");
    // 03:00 CET is after it: next Sunday, 1 November 02:00 CET.
    expect(iso(nextInWindow(at("2026-10-25T02:00:00.000Z"), sundayTwoToThree, AMS))).toBe("2026-11-01T01:00:00.000Z");
  });

  it("crosses both switches in New York", () => {
    // Friday 6 March 17:30 EST → Monday 9 March 09:00 EDT.
    expect(iso(nextInWindow(at("2026-03-06T22:30:00.000Z"), OFFICE, NYC))).toBe("2026-03-09T13:00:00.000Z");
    // Friday 30 October 17:00 EDT → Monday 2 November 09:00 EST.
    expect(iso(nextInWindow(at("2026-10-30T21:00:00.000Z"), OFFICE, NYC))).toBe("2026-11-02T14:00:00.000Z");
    // 02:00 on Sunday 8 March does not exist in New York either: the next Sunday, 15 March 02:00 EDT.
    expect(iso(nextInWindow(at("2026-03-07T17:00:00.000Z"), { weekdays: [7], from_hour: 2, to_hour: 3 }, NYC))).toBe("2026-03-15T06:00:00.000Z");
    // 01:00–02:00 happens twice on 1 November: it opens at the first 01:00 (EDT).
    expect(iso(nextInWindow(at("2026-10-31T16:00:00.000Z"), { weekdays: [7], from_hour: 1, to_hour: 2 }, NYC))).toBe("2026-11-01T05:00:00.000Z");
  });

  it("reads the window in the zone given: the same instant is inside in one zone and outside in another", () => {
    // Monday 2026-06-15T16:00Z is 18:00 in Amsterdam (outside: Tuesday 09:00 CEST) and 12:00 in New York (inside).
    expect(iso(nextInWindow(at("2026-06-15T16:00:00.000Z"), OFFICE, AMS))).toBe("2026-06-16T07:00:00.000Z");
    expect(iso(nextInWindow(at("2026-06-15T16:00:00.000Z"), OFFICE, NYC))).toBe("2026-06-15T16:00:00.000Z");
  });

  it("handles a window to midnight and a half-hour zone", () => {
    const lateEveryDay = { weekdays: [1, 2, 3, 4, 5, 6, 7], from_hour: 22, to_hour: 24 };
    // 23:59:59 CEST is inside; 00:00 CEST waits for 22:00 CEST.
    expect(iso(nextInWindow(at("2026-06-15T21:59:59.000Z"), lateEveryDay, AMS))).toBe("2026-06-15T21:59:59.000Z");
    expect(iso(nextInWindow(at("2026-06-15T22:00:00.000Z"), lateEveryDay, AMS))).toBe("2026-06-16T20:00:00.000Z");
    // Kolkata is +05:30: 07:30 local waits for 09:00 local, 03:30Z.
    expect(iso(nextInWindow(at("2026-06-15T02:00:00.000Z"), OFFICE, "Asia/Kolkata"))).toBe("2026-06-15T03:30:00.000Z");
  });
});

describe("spreadOffsets", () => {
  it("spreads n people evenly over the interval: the i-th at floor(i × interval / n)", () => {
    expect(spreadOffsets(10, 1000)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(spreadOffsets(7, 10)).toEqual([0, 1, 2, 4, 5, 7, 8]);
    expect(spreadOffsets(3, 182 * DAY)).toEqual([0, 5_241_600_000, 10_483_200_000]);
  });

  it("asks one person now, and nobody for an empty batch", () => {
    expect(spreadOffsets(1, 182 * DAY)).toEqual([0]);
    expect(spreadOffsets(0, 182 * DAY)).toEqual([]);
  });
});

describe("addLocalDays", () => {
  it("keeps the local time across a switch, moving a skipped time on by the gap", () => {
    // Saturday 28 March 02:30 CET + 1 day: 02:30 does not exist on the 29th, so 03:30 CEST.
    expect(iso(addLocalDays(at("2026-03-28T01:30:00.000Z"), 1, AMS))).toBe("2026-03-29T01:30:00.000Z");
    // Saturday 24 October 02:30 CEST + 1 day: the first 02:30 of the 25th (CEST).
    expect(iso(addLocalDays(at("2026-10-24T00:30:00.000Z"), 1, AMS))).toBe("2026-10-25T00:30:00.000Z");
    // Saturday 28 March 12:00 CET + 1 day is 12:00 CEST, 23 hours later.
    expect(iso(addLocalDays(at("2026-03-28T11:00:00.000Z"), 1, AMS))).toBe("2026-03-29T10:00:00.000Z");
  });
});

describe("nextRecurrence", () => {
  it("is every_days later at the same local hour, summer time or not (Amsterdam, both ways)", () => {
    // Friday 20 March 2026 10:15 CET + 182 days = Friday 18 September 10:15 CEST.
    expect(iso(nextRecurrence(at("2026-03-20T09:15:00.000Z"), 182, OFFICE, AMS))).toBe("2026-09-18T08:15:00.000Z");
    // Friday 18 September 10:15 CEST + 182 days = Friday 19 March 2027 10:15 CET.
    expect(iso(nextRecurrence(at("2026-09-18T08:15:00.000Z"), 182, OFFICE, AMS))).toBe("2027-03-19T09:15:00.000Z");
  });

  it("is every_days later at the same local hour in New York", () => {
    // Thursday 15 January 14:00 EST + 182 days = Thursday 16 July 14:00 EDT.
    expect(iso(nextRecurrence(at("2026-01-15T19:00:00.000Z"), 182, null, NYC))).toBe("2026-07-16T18:00:00.000Z");
  });

  it("is exactly every_days × 24 hours in UTC", () => {
    expect(iso(nextRecurrence(at("2026-05-01T12:00:00.000Z"), 182, null, "UTC"))).toBe("2026-10-30T12:00:00.000Z");
  });

  it("moves into the window when the date falls outside it", () => {
    // Wednesday 1 April 16:30 CEST + 10 days = Saturday 11 April → Monday 13 April 09:00 CEST.
    expect(iso(nextRecurrence(at("2026-04-01T14:30:00.000Z"), 10, OFFICE, AMS))).toBe("2026-04-13T07:00:00.000Z");
  });
});

describe("reminderAt", () => {
  it("is afterDays later at the same local hour, across the autumn switch (New York)", () => {
    // Friday 30 October 10:00 EDT + 3 days = Monday 2 November 10:00 EST.
    expect(iso(reminderAt(at("2026-10-30T14:00:00.000Z"), 3, OFFICE, NYC))).toBe("2026-11-02T15:00:00.000Z");
  });

  it("waits for the window when the day is a Saturday", () => {
    // Friday 30 October 10:00 EDT + 1 day = Saturday → Monday 2 November 09:00 EST.
    expect(iso(reminderAt(at("2026-10-30T14:00:00.000Z"), 1, OFFICE, NYC))).toBe("2026-11-02T14:00:00.000Z");
  });
});
