/** Splitting a range of local days into the periods of a series. Pure. */
import { addDays, monthStart, weekStart } from "../rollups/days";
import type { Granularity } from "./query";
import { type DayKey } from "../storage/rollups";

export interface Period {
  /** The period's name: the day, the Monday of the ISO week, or the month as YYYY-MM. */
  period: string;
  /** The days of the period inside the range, both ends included. */
  from: DayKey;
  to: DayKey;
}

function nextStart(start: DayKey, granularity: Granularity): DayKey {
  if (granularity === "day") return addDays(start, 1);
  if (granularity === "week") return addDays(start, 7);
  const [year, month] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
  return month === 12 ? `${String(year + 1).padStart(4, "0")}-01-01` : `${start.slice(0, 4)}-${String(month + 1).padStart(2, "0")}-01`;
}

function startOf(day: DayKey, granularity: Granularity): DayKey {
  if (granularity === "week") return weekStart(day);
  if (granularity === "month") return monthStart(day);
  return day;
}

/** Every period touching [from, to], oldest first; the first and last are clipped to the range. */
export function periodsOf(from: DayKey, to: DayKey, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  for (let start = startOf(from, granularity); start <= to; start = nextStart(start, granularity)) {
    const end = addDays(nextStart(start, granularity), -1);
    periods.push({
      period: granularity === "month" ? start.slice(0, 7) : start,
      from: start < from ? from : start,
      to: end > to ? to : end,
    });
  }
  return periods;
}
