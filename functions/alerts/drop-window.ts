import { addDays, weekStart } from "../rollups/days";
import type { WeekHistogram } from "../scoring/drop";
import { histogramFromCounts, mergeHistograms } from "../scoring/histogram";
import type { Scale } from "../scoring/metrics";
import { type DayKey } from "../storage/rollups";

const WEEK = 7;

export interface WeekRange {
  /** Monday and Sunday, local days of the survey. */
  from: DayKey;
  to: DayKey;
}

/** The last ISO week (Monday to Sunday) that has ended before `today`, a local day. */
export function completedWeek(today: DayKey): WeekRange {
  const from = addDays(weekStart(today), -WEEK);
  return { from, to: addDays(from, WEEK - 1) };
}

/** `count` consecutive ISO weeks, oldest first, the last being `last`. */
export function weeksUpTo(last: WeekRange, count: number): WeekRange[] {
  return Array.from({ length: count }, (_, i) => {
    const from = addDays(last.from, -WEEK * (count - 1 - i));
    return { from, to: addDays(from, WEEK - 1) };
  });
}

/** Weekly histograms from a survey's daily "all" rows; days outside the weeks are left out. */
export function weeklyHistograms(scale: Scale, weeks: readonly WeekRange[], rows: readonly { day: DayKey; counts: readonly number[] }[]): WeekHistogram[] {
  return weeks.map((week) => ({
    ...week,
    histogram: mergeHistograms(
      scale,
      rows.filter((row) => row.day >= week.from && row.day <= week.to).map((row) => histogramFromCounts(scale, Object.fromEntries(row.counts.map((count, i) => [scale.min + i, count])))),
    ),
  }));
}
