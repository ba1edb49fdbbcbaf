import { addDays } from "../rollups/days";
import { histogramFromCounts, mergeHistograms, type Histogram } from "../scoring/histogram";
import type { Scale } from "../scoring/metrics";
import { type DayKey } from "../storage/rollups";

/** The last full week is tested against the four weeks before it. */
export const DROP_WEEKS_BASELINE = 4;
const WEEK = 7;

export interface DropWindow {
  /** The week under test: the seven local days before today. */
  from: DayKey;
  to: DayKey;
  /** First day of the baseline. */
  baselineFrom: DayKey;
}

export function dropWindow(today: DayKey): DropWindow {
  const to = addDays(today, -1);
  const from = addDays(to, -(WEEK - 1));
  return { from, to, baselineFrom: addDays(from, -WEEK * DROP_WEEKS_BASELINE) };
}

/** Weekly histograms, oldest first, from the survey's daily "all" rows; the last one is under test. */
export function weeklyHistograms(scale: Scale, window: DropWindow, rows: readonly { day: DayKey; counts: readonly number[] }[]): Histogram[] {
  return Array.from({ length: DROP_WEEKS_BASELINE + 1 }, (_, week) => {
    const start = addDays(window.baselineFrom, week * WEEK);
    const end = addDays(start, WEEK - 1);
    const days = rows.filter((row) => row.day >= start && row.day <= end);
    return mergeHistograms(
      scale,
      days.map((row) => histogramFromCounts(scale, Object.fromEntries(row.counts.map((count, i) => [scale.min + i, count])))),
    );
  });
}
