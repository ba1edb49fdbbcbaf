import { describe, expect, it } from "vitest";
import { weeklyHistograms, weeksUpTo } from "../../functions/alerts/drop-window";
import { detectDrop, DROP_HISTORY_WEEKS } from "../../functions/scoring/drop";
import type { ScoringConfig } from "../../functions/scoring/summary";
import { mulberry32 } from "../../scripts/lib/seeded-random";

/**
 * The drop CUSUM measured by seeded simulation at the level of the pure functions: daily histograms
 * in, the week's alert out, exactly as the cron's check sees them (the last DROP_HISTORY_WEEKS
 * weeks, re-tested every week). The figures printed here are the ones in docs/rollups-and-metrics.md.
 */

const CSAT: ScoringConfig = { metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent" };
const NPS: ScoringConfig = { metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9, headline: "percent" };

/** Shares of each score, lowest first. CSAT 85% satisfied, and the same 10 points lower. */
const CSAT_85 = [0.04, 0.04, 0.07, 0.3, 0.55];
const CSAT_75 = [0.07, 0.07, 0.11, 0.27, 0.48];
/** NPS +50 (60% promoters, 10% detractors), and 15 points lower (+35: 50%, 15%). */
const NPS_50 = [0.02, 0.01, 0.01, 0.01, 0.01, 0.02, 0.02, 0.1, 0.2, 0.25, 0.35];
const NPS_35 = [0.03, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.15, 0.2, 0.2, 0.3];

const FIRST_MONDAY = "2024-01-01";
const WEEKS_PER_YEAR = 52;

function sampler(random: () => number, shares: readonly number[]): () => number {
  const cumulative = shares.map(((sum) => (share: number) => (sum += share))(0));
  return () => {
    const u = random() * cumulative.at(-1)!;
    const index = cumulative.findIndex((c) => u < c);
    return index === -1 ? shares.length - 1 : index;
  };
}

/** Daily rows from the first Monday: `perDay` answers a day, drawn from `sharesOf(week)`. */
function dailyRows(random: () => number, weeks: number, perDay: number, sharesOf: (week: number) => readonly number[]) {
  const rows: { day: string; counts: number[] }[] = [];
  for (let week = 0; week < weeks; week += 1) {
    const shares = sharesOf(week);
    const draw = sampler(random, shares);
    for (let weekday = 0; weekday < 7; weekday += 1) {
      const counts = new Array<number>(shares.length).fill(0);
      for (let i = 0; i < perDay; i += 1) counts[draw()]! += 1;
      rows.push({ day: new Date(Date.parse(`${FIRST_MONDAY}T00:00:00Z`) + (week * 7 + weekday) * 86_400_000).toISOString().slice(0, 10), counts });
    }
  }
  return rows;
}

/** Alerts raised by testing each of weeks [firstTested, lastTested] as the cron does. */
function alertsOver(config: ScoringConfig, rows: ReturnType<typeof dailyRows>, totalWeeks: number, firstTested: number, lastTested: number): number[] {
  const last = weeksUpTo({ from: rows.at(-1)!.day, to: rows.at(-1)!.day }, 1)[0]!;
  const lastMonday = new Date(Date.parse(`${FIRST_MONDAY}T00:00:00Z`) + (totalWeeks - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
  const all = weeklyHistograms(config.scale, weeksUpTo({ from: lastMonday, to: last.to }, totalWeeks), rows);
  const alerted: number[] = [];
  for (let tested = firstTested; tested <= lastTested; tested += 1) {
    const history = all.slice(Math.max(0, tested + 1 - DROP_HISTORY_WEEKS), tested + 1);
    if (detectDrop(config, history).alert) alerted.push(tested);
  }
  return alerted;
}

/** Mean alerts per survey-year on a process that never changes. */
function falseAlarmsPerYear(config: ScoringConfig, shares: readonly number[], perDay: number, years: number, seed: number): number {
  const random = mulberry32(seed);
  const warmUp = DROP_HISTORY_WEEKS - 1;
  let alerts = 0;
  for (let year = 0; year < years; year += 1) {
    const weeks = warmUp + WEEKS_PER_YEAR;
    alerts += alertsOver(config, dailyRows(random, weeks, perDay, () => shares), weeks, warmUp, weeks - 1).length;
  }
  return alerts / years;
}

/** Share of runs where a lasting drop starting on a Monday is alerted by the end of its second week. */
function detectedWithinTwoWeeks(config: ScoringConfig, before: readonly number[], after: readonly number[], perDay: number, runs: number, seed: number): number {
  const random = mulberry32(seed);
  const dropWeek = DROP_HISTORY_WEEKS - 1;
  const weeks = dropWeek + 2;
  let detected = 0;
  for (let run = 0; run < runs; run += 1) {
    const rows = dailyRows(random, weeks, perDay, (week) => (week >= dropWeek ? after : before));
    if (alertsOver(config, rows, weeks, dropWeek, weeks - 1).length > 0) detected += 1;
  }
  return detected / runs;
}

describe("the drop CUSUM on a stable process", () => {
  for (const perDay of [5, 20, 100]) {
    it(`raises at most one alert per survey-year at ${perDay} answers a day (CSAT 85%, NPS +50)`, () => {
      const csat = falseAlarmsPerYear(CSAT, CSAT_85, perDay, 100, 11 + perDay);
      const nps = falseAlarmsPerYear(NPS, NPS_50, perDay, 100, 17 + perDay);
      console.log(`false alarms per year at ${perDay}/day: CSAT ${csat.toFixed(2)}, NPS ${nps.toFixed(2)}`);
      expect(csat).toBeLessThanOrEqual(1);
      expect(nps).toBeLessThanOrEqual(1);
    });
  }
});

describe("the drop CUSUM on a lasting drop at 20 answers a day", () => {
  // Below the 90% asked for (docs/rollups-and-metrics.md says why): these bars guard what is reached.
  it("alerts a 10-point CSAT drop (85% → 75%) within two completed weeks in ≥ 85% of runs", () => {
    const rate = detectedWithinTwoWeeks(CSAT, CSAT_85, CSAT_75, 20, 400, 101);
    console.log(`CSAT 85→75 detected within two weeks: ${rate}`);
    expect(rate).toBeGreaterThanOrEqual(0.85);
  });

  it("alerts a 15-point NPS drop (+50 → +35) within two completed weeks in ≥ 78% of runs", () => {
    const rate = detectedWithinTwoWeeks(NPS, NPS_50, NPS_35, 20, 400, 202);
    console.log(`NPS +50→+35 detected within two weeks: ${rate}`);
    expect(rate).toBeGreaterThanOrEqual(0.78);
  });
});
