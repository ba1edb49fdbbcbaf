/**
 * Local calendar days of a survey's time zone, as "YYYY-MM-DD" keys. Rollup buckets are local days,
 * so a response at 23:30 in Amsterdam belongs to that Amsterdam day, whatever UTC says; a day is 23
 * or 25 hours long when the clocks change. Pure: Intl only, no I/O.
 */
import { dayNumber } from "../scoring/target";

import type { DayKey } from "../storage/rollups";

const MS_PER_DAY = 86_400_000;
/** Offsets from UTC lie within −12 h and +14 h, so local midnight is within this of UTC midnight. */
const MAX_OFFSET_MS = 15 * 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local day, in timeZone, of an instant. */
export function localDay(epochMs: number, timeZone: string): DayKey {
  const parts = formatterFor(timeZone).formatToParts(new Date(epochMs));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`;
}

/** The day key of a day number (days since 1970-01-01). */
export function dayKeyOf(days: number): DayKey {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(day: DayKey, count: number): DayKey {
  return dayKeyOf(dayNumber(day) + count);
}

/** Whole days from `from` to `to` (0 when equal). */
export function daysBetween(from: DayKey, to: DayKey): number {
  return dayNumber(to) - dayNumber(from);
}

/** True for a real calendar date written as YYYY-MM-DD. */
export function isDayKey(value: string): boolean {
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The first instant of a local day: the smallest epoch ms whose local day is `day` or later. Found by
 * bisection rather than by subtracting an offset, so days that start at 01:00 (a DST jump at midnight,
 * as in some zones) are right too.
 */
export function dayStart(day: DayKey, timeZone: string): number {
  const utcMidnight = dayNumber(day) * MS_PER_DAY;
  let lo = utcMidnight - MAX_OFFSET_MS; // local day here is before `day`
  let hi = utcMidnight + MAX_OFFSET_MS; // local day here is `day` or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (localDay(mid, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The half-open interval [start, end) of epoch ms that make up a local day. */
export function dayRange(day: DayKey, timeZone: string): { start: number; end: number } {
  return { start: dayStart(day, timeZone), end: dayStart(addDays(day, 1), timeZone) };
}

/** Monday of the ISO week containing `day`. */
export function weekStart(day: DayKey): DayKey {
  const n = dayNumber(day);
  // 1970-01-01 was a Thursday: (n + 3) mod 7 is 0 on Mondays.
  return dayKeyOf(n - ((((n + 3) % 7) + 7) % 7));
}

export function monthStart(day: DayKey): DayKey {
  return `${day.slice(0, 7)}-01`;
}
