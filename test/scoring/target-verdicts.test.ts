import { describe, expect, it } from "vitest";
import { histogramFromCounts, mergeHistograms, type Histogram } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";
import { expectedOnGlidePath, lineStartDay, TARGET_BASELINE_DAYS, targetStatus, type TargetVerdict } from "../../functions/scoring/target";
import { mulberry32 } from "../../scripts/lib/seeded-random";

/**
 * Target verdicts measured by seeded simulation at the level of the pure function: daily histograms
 * in, the verdict out. A CSAT team whose true share follows its line (70% rising to 85% over a year),
 * and one 10 points below it after the baseline. The figures printed are those of
 * docs/rollups-and-metrics.md.
 */

const CSAT: ScoringConfig = { metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent" };
const FIRST_DAY = "2026-01-01";
const START_VALUE = 70;
const TARGET = { value: 85, by: "2027-01-15" };
const RUNS = 400;

const dayAt = (offset: number) => new Date(Date.parse(`${FIRST_DAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
/** The true line: the one the survey would draw from a baseline without noise. */
const trueLine = (day: string) => expectedOnGlidePath({ value: START_VALUE, date: lineStartDay(FIRST_DAY) }, { value: TARGET.value, date: TARGET.by }, day).expected;

/** A day of `perDay` answers, each satisfied (5) with probability percent / 100, else a 2. */
function dayOf(random: () => number, perDay: number, percent: number): Histogram {
  let good = 0;
  for (let i = 0; i < perDay; i += 1) if (random() * 100 < percent) good += 1;
  return histogramFromCounts(CSAT.scale, { 5: good, 2: perDay - good });
}

/** Verdicts over the last `rangeDays` days up to day `today` (an offset from the first answer). */
function verdicts(seed: number, perDay: number, today: number, rangeDays: readonly number[], below: number): Map<number, TargetVerdict[]> {
  const random = mulberry32(seed);
  const out = new Map<number, TargetVerdict[]>(rangeDays.map((d) => [d, []]));
  for (let run = 0; run < RUNS; run += 1) {
    const days = Array.from({ length: today + 1 }, (_, offset) => {
      const day = dayAt(offset);
      return { day, histogram: dayOf(random, perDay, trueLine(day) - (offset >= TARGET_BASELINE_DAYS ? below : 0)) };
    });
    const baseline = { firstDay: FIRST_DAY, histogram: mergeHistograms(CSAT.scale, days.slice(0, TARGET_BASELINE_DAYS).map((d) => d.histogram)) };
    for (const length of rangeDays) {
      const range = { from: dayAt(today - length + 1), to: dayAt(today) };
      out.get(length)!.push(targetStatus(CSAT, { target: TARGET, baseline, range, days: days.slice(today - length + 1) }).verdict);
    }
  }
  return out;
}

const share = (list: readonly TargetVerdict[], ...wanted: TargetVerdict[]) => list.filter((v) => wanted.includes(v)).length / list.length;

describe("target verdicts by simulation", () => {
  it("calls a team on its line (56 answers a day) on track or too early in ≥ 95% of runs, for 7, 30 and 90 days", () => {
    const result = verdicts(7, 56, 150, [7, 30, 90], 0);
    for (const [length, list] of result) {
      console.log(`on the line, last ${length} days: on_track ${share(list, "on_track")}, too_early ${share(list, "too_early")}, off_track ${share(list, "off_track")}`);
      expect(share(list, "on_track", "too_early")).toBeGreaterThanOrEqual(0.95);
    }
  });

  it("keeps a survey whose answers follow the line exactly on track or too early, whatever the range and day asked", () => {
    const days = Array.from({ length: 400 }, (_, offset) => {
      const day = dayAt(offset);
      const good = Math.round((56 * trueLine(day)) / 100);
      return { day, histogram: histogramFromCounts(CSAT.scale, { 5: good, 2: 56 - good }) };
    });
    const baseline = { firstDay: FIRST_DAY, histogram: mergeHistograms(CSAT.scale, days.slice(0, TARGET_BASELINE_DAYS).map((d) => d.histogram)) };
    for (const today of [45, 120, 250, 399]) {
      for (const length of [7, 30, 90, 180]) {
        const range = { from: dayAt(Math.max(0, today - length + 1)), to: dayAt(today) };
        const { verdict } = targetStatus(CSAT, { target: TARGET, baseline, range, days: days.slice(Math.max(0, today - length + 1), today + 1) });
        expect([today, length, verdict]).toEqual([today, length, expect.stringMatching(/^(on_track|too_early)$/)]);
      }
    }
  });

  it("calls a team 10 points below its line off track over 30 days at 50 answers a day in ≥ 90% of runs", () => {
    const list = verdicts(13, 50, 59, [30], 10).get(30)!;
    console.log(`10 points below, first 30 days after the baseline: off_track ${share(list, "off_track")}`);
    expect(share(list, "off_track")).toBeGreaterThanOrEqual(0.9);
  });
});
