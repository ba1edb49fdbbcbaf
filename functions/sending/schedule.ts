/**
 * When a survey email may leave: inside a sending window (ISO weekdays and local hours in the person's
 * IANA zone), spread over an interval for a large first batch, every recurrence interval after the
 * last send, and a reminder some days after a message. Pure: Intl only, no I/O.
 *
 * Local hours are found by bisection on the local "date and hour" rather than by subtracting an
 * offset: that key never goes backwards (an autumn repeated hour reads the same hour twice), so the
 * earliest instant of a local hour is well defined, also for an hour that a spring-forward skips
 * (its earliest instant is the first one after the gap).
 */
import { addDays } from "../rollups/days";
import { dayNumber } from "../scoring/target";
import type { SendingWindow } from "../surveys/survey-input";

const HOUR_MS = 3_600_000;
/** Offsets from UTC lie within −12 h and +14 h: a local hour starts within this of the same hour in UTC. */
const MAX_OFFSET_MS = 15 * HOUR_MS;
/** A window has at least one weekday, so its next opening is at most a week and a day away. */
const DAYS_SEARCHED = 8;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

interface LocalTime {
  /** YYYY-MM-DD */
  day: string;
  hour: number;
  /** Milliseconds since the start of the local hour. */
  intoHour: number;
}

function localTime(at: number, timeZone: string): LocalTime {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "0";
  const minute = Number(part("minute"));
  const second = Number(part("second"));
  const millisecond = ((at % 1000) + 1000) % 1000;
  return {
    day: `${part("year").padStart(4, "0")}-${part("month")}-${part("day")}`,
    hour: Number(part("hour")),
    intoHour: minute * 60_000 + second * 1000 + millisecond,
  };
}

const hourKey = (day: string, hour: number) => `${day}T${String(hour).padStart(2, "0")}`;

/** The first instant whose local date and hour are `day` at `hour` or later. */
function localHourStart(day: string, hour: number, timeZone: string): number {
  const target = hourKey(day, hour);
  const utc = dayNumber(day) * 24 * HOUR_MS + hour * HOUR_MS;
  let lo = utc - MAX_OFFSET_MS; // local hour here is before the target
  let hi = utc + MAX_OFFSET_MS; // local hour here is the target or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const local = localTime(mid, timeZone);
    if (hourKey(local.day, local.hour) >= target) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** ISO weekday of a date: 1 Monday … 7 Sunday. */
function isoWeekday(day: string): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((dayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

function inWindow(local: LocalTime, window: SendingWindow): boolean {
  return window.weekdays.includes(isoWeekday(local.day)) && local.hour >= window.from_hour && local.hour < window.to_hour;
}

/** The earliest instant ≥ at inside the window, in the IANA zone (DST-correct); `at` itself without a window. */
export function nextInWindow(at: number, window: SendingWindow | null, timeZone: string): number {
  if (!window) return at;
  const now = localTime(at, timeZone);
  if (inWindow(now, window)) return at;
  for (let offset = 0; offset <= DAYS_SEARCHED; offset += 1) {
    const day = addDays(now.day, offset);
    if (!window.weekdays.includes(isoWeekday(day))) continue;
    // Today only if the window has not opened yet; a later hour of it would have been `at` itself.
    if (offset === 0 && now.hour >= window.from_hour) continue;
    const opening = localHourStart(day, window.from_hour, timeZone);
    // The opening hour may not exist that day (clocks jumped past it): then the window opens at the
    // first hour after the gap, if that is still inside it.
    if (inWindow(localTime(opening, timeZone), window)) return opening;
  }
  throw new RangeError(`nextInWindow: the window ${JSON.stringify(window)} never opens in ${timeZone}`);
}

/**
 * The same local time of day, `days` local days later: a message sent at 10:15 in Amsterdam in March
 * is due at 10:15 in September, summer time or not. A time the clocks skip that day moves on by the gap.
 */
export function addLocalDays(at: number, days: number, timeZone: string): number {
  const local = localTime(at, timeZone);
  return localHourStart(addDays(local.day, days), local.hour, timeZone) + local.intoHour;
}

/**
 * When each of `count` people enrolled at once is first asked, as offsets from now: the i-th at
 * floor(i × interval / count), so a large batch is spread evenly over the first interval instead of
 * leaving in one minute; a single person is asked now.
 */
export function spreadOffsets(count: number, intervalMs: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor((i * intervalMs) / count));
}

/** When a member is next asked after a message at lastSentAt: everyDays local days later, inside the window. */
export function nextRecurrence(lastSentAt: number, everyDays: number, window: SendingWindow | null, timeZone: string): number {
  return nextInWindow(addLocalDays(lastSentAt, everyDays, timeZone), window, timeZone);
}

/** When the reminder of a message sent at sentAt is due: afterDays local days later, inside the window. */
export function reminderAt(sentAt: number, afterDays: number, window: SendingWindow | null, timeZone: string): number {
  return nextInWindow(addLocalDays(sentAt, afterDays, timeZone), window, timeZone);
}
