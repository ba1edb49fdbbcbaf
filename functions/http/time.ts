import * as v from "valibot";

/** Times leave the API as ISO 8601 strings in UTC. */
export const isoTime = (epochMs: number): string => new Date(epochMs).toISOString();

/**
 * The calendar the API takes, days and date-times alike: 2000-01-01 to 2999-12-31 (instants from
 * 2000-01-01T00:00:00Z to before 3000-01-01T00:00:00Z). No answer predates 2000 (ingestion refused
 * earlier times from the start), and stopping well inside four-digit years leaves room for the day
 * arithmetic every range does (the day after `to`, the period before `from`, a local day's first
 * instant): past year 9999 a day no longer writes as YYYY-MM-DD, and Date.UTC reads years 0–99 as 19xx.
 */
export const FIRST_DAY = "2000-01-01";
export const LAST_DAY = "2999-12-31";
export const FIRST_INSTANT = Date.UTC(2000, 0, 1);
/** Excluded: the first instant after the calendar. */
export const END_INSTANT = Date.UTC(3000, 0, 1);

export const DAY_FORMAT = "must be a calendar date as YYYY-MM-DD";
export const OUTSIDE_CALENDAR = `must lie between ${FIRST_DAY} and ${LAST_DAY}`;

/** A real date written YYYY-MM-DD, whatever its year (2026-02-30 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear, not Date.UTC, which would read 0000–0099 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A calendar date the API takes: real, and within FIRST_DAY … LAST_DAY. */
export const isWithinCalendar = (day: string): boolean => day >= FIRST_DAY && day <= LAST_DAY;

/**
 * A day parameter or field (YYYY-MM-DD within the calendar) as a valibot schema, so query parameters
 * and body fields refuse the same days with the same words; `end` closes the messages (queries add ".").
 */
export const calendarDay = (end = "") =>
  v.pipe(
    v.string(DAY_FORMAT + end),
    v.isoDate(DAY_FORMAT + end),
    v.check(isCalendarDate, DAY_FORMAT + end),
    v.check(isWithinCalendar, OUTSIDE_CALENDAR + end),
  );

/** Why a text is refused (`error` ends without a period); `outside` when it is well written but outside the calendar. */
export interface Refused {
  error: string;
  outside: boolean;
}

/** What a day-or-date-time text is, or why it is refused. */
export type Moment = { day: string } | { at: number } | Refused;

/**
 * A moment as the API takes it: a day (YYYY-MM-DD, which the caller places in the survey's time zone)
 * or an ISO 8601 date-time with a zone, either within the calendar. `formats` says what is accepted,
 * for the message when the text is neither.
 */
export function readMoment(text: string, formats = "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone"): Moment {
  if (isCalendarDate(text)) return isWithinCalendar(text) ? { day: text } : { error: OUTSIDE_CALENDAR, outside: true };
  return readDateTime(text, formats);
}

/** An ISO 8601 date-time with a zone within the calendar, as epoch ms, or why it is refused. */
export function readDateTime(text: string, format = "must be an ISO 8601 date-time with a zone"): { at: number } | Refused {
  const at = parseIsoDateTime(text);
  if (at === null) return { error: format, outside: false };
  return at >= FIRST_INSTANT && at < END_INSTANT ? { at } : { error: `${OUTSIDE_CALENDAR} (UTC)`, outside: true };
}

/** The schema of a time the API answers with (isoTime's output). */
export const IsoTime = v.pipe(v.string(), v.isoTimestamp());
/** A calendar day, YYYY-MM-DD. */
export const IsoDay = v.pipe(v.string(), v.isoDate());

/**
 * An ISO 8601 date-time with a zone (Z or ±HH:MM), e.g. 2026-03-05T14:22:10Z, as epoch ms; null when
 * it is not one or names no real moment. A zone is required: a time without one means a different
 * instant on every machine.
 */
export function parseIsoDateTime(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s = "0", , zone] = match;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(local).getUTCDate() !== day) return null; // 2026-02-30 and the like
  const offsetSign = zone!.toUpperCase() === "Z" ? 0 : zone!.startsWith("-") ? -1 : 1;
  const [oh, om] = offsetSign === 0 ? [0, 0] : zone!.slice(1).split(":").map(Number);
  if (oh! > 23 || om! > 59) return null;
  const fraction = match[7] ? Math.floor(Number(`0.${match[7]}`) * 1000) : 0;
  return local - offsetSign * (oh! * 60 + om!) * 60_000 + fraction;
}
