/**
 * Comparisons at the edges and by simulation: sides without spread, one method behind each p-value
 * and interval (so they never disagree about significance), and the false-positive rate of the NPS
 * difference test on samples of 10 a side. Seeded, so every run checks the same draws; the rates
 * measured here are the ones docs/rollups-and-metrics.md ("Methods") publishes.
 */
import { describe, expect, it } from "vitest";
import { compareHistograms, compareIndex, compareMeans, compareNps, compareProportions, type Comparison } from "../../functions/scoring/compare";
import { histogramFromCounts, type Histogram } from "../../functions/scoring/histogram";
import type { Scale } from "../../functions/scoring/metrics";
import type { ScoringConfig } from "../../functions/scoring/summary";
import { mulberry32 } from "../../scripts/lib/seeded-random.ts";
import { NPS_POPULATIONS, drawCounts } from "../helpers/populations";

const NPS_SCALE = { min: 0, max: 10 };
const TEN = { min: 1, max: 10 };
const FIVE = { min: 1, max: 5 };
const NPS: ScoringConfig = { metric: "nps", scale: NPS_SCALE, satisfied_min: 9, headline: "percent" };
const CSAT_PERCENT: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };
const CSAT_MEAN: ScoringConfig = { metric: "csat", scale: TEN, satisfied_min: 8, headline: "mean" };

const all = (scale: Scale, score: number, n: number) => histogramFromCounts(scale, { [score]: n });

const excludesZero = (c: Comparison) => c.ci !== null && (c.ci[0] > 0 || c.ci[1] < 0);

function expectClearDrop(c: Comparison, difference: number) {
  expect(c.difference).toBeCloseTo(difference, 10);
  expect(c.p_value).not.toBeNull();
  expect(c.p_value!).toBeLessThan(1e-10);
  expect(c.significant).toBe(true);
  expect(c.ci![1]).toBeLessThan(0);
}

describe("sides without spread", () => {
  it("finds all-10 (n = 500) against all-0 (n = 500) significant on NPS, the mean and the index", () => {
    const tens = all(NPS_SCALE, 10, 500);
    const zeros = all(NPS_SCALE, 0, 500);
    expectClearDrop(compareNps(tens, zeros), -200);
    expectClearDrop(compareMeans(tens, zeros), -10);
    expectClearDrop(compareIndex(tens, zeros), -100);
  });

  it("finds all-satisfied against all-unsatisfied significant, and all-10 against all-1 on a mean headline", () => {
    expectClearDrop(compareHistograms(CSAT_PERCENT, all(FIVE, 5, 500), all(FIVE, 1, 500)), -100);
    expectClearDrop(compareHistograms(CSAT_MEAN, all(TEN, 10, 500), all(TEN, 1, 500)), -9);
  });

  it("tests one side without spread against a side with spread", () => {
    const steady = all(TEN, 8, 40);
    const mixed = histogramFromCounts(TEN, { 4: 10, 6: 10, 8: 10, 10: 10 });
    const c = compareHistograms(CSAT_MEAN, steady, mixed);
    expect(c.p_value).not.toBeNull();
    expect(c.difference).toBeCloseTo(-1, 12);
  });
});

/** A random histogram: n answers on the scale, from a random mix, sometimes all on one score. */
function randomHistogram(next: () => number, scale: Scale, n: number): Histogram {
  const points = scale.max - scale.min + 1;
  const counts: Record<number, number> = {};
  if (next() < 0.15) {
    counts[scale.min + Math.floor(next() * points)] = n;
    return histogramFromCounts(scale, counts);
  }
  const weights = Array.from({ length: points }, () => next() ** 2);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < n; i++) {
    let u = next() * total;
    let k = 0;
    while (k < points - 1 && u >= weights[k]!) u -= weights[k++]!;
    counts[scale.min + k] = (counts[scale.min + k] ?? 0) + 1;
  }
  return histogramFromCounts(scale, counts);
}

describe("p-value and interval agree", () => {
  it.each([
    ["% satisfied", CSAT_PERCENT],
    ["NPS", NPS],
    ["mean", CSAT_MEAN],
  ] as const)("%s: p below 0.05 exactly when the 95 percent interval leaves out 0, over 2,000 seeded cases", (_label, config) => {
    const next = mulberry32(config.metric === "nps" ? 51 : config.headline === "mean" ? 52 : 53);
    let significant = 0;
    for (let i = 0; i < 2_000; i++) {
      const size = () => 2 + Math.floor(next() ** 2 * 300);
      const c = compareHistograms(config, randomHistogram(next, config.scale, size()), randomHistogram(next, config.scale, size()));
      expect(c.p_value).not.toBeNull();
      expect(c.significant).toBe(excludesZero(c));
      if (c.significant) significant++;
    }
    // Both verdicts occur often, so the agreement is tested on each side.
    expect(significant).toBeGreaterThan(300);
    expect(significant).toBeLessThan(1_700);
  });

  it("holds at the proportion test's own edges: 0%, 100% and equal sides", () => {
    for (const [xA, nA, xB, nB] of [
      [0, 1, 1, 1],
      [0, 7, 7, 7],
      [3, 3, 40, 40],
      [0, 12, 5, 12],
      [9, 10, 2, 10],
      [1, 500, 9, 500],
    ] as const) {
      const c = compareProportions(xA, nA, xB, nB);
      expect(c.significant).toBe(excludesZero(c));
    }
  });
});


function npsSample(next: () => number, [promoters, passives]: readonly [number, number, number], n: number): Histogram {
  const counts = { 10: 0, 8: 0, 3: 0 };
  for (let i = 0; i < n; i++) {
    const u = next();
    if (u < promoters) counts[10]++;
    else if (u < promoters + passives) counts[8]++;
    else counts[3]++;
  }
  return histogramFromCounts(NPS_SCALE, counts);
}

function falsePositiveRate(population: readonly [number, number, number], n: number, seed: number): number {
  const next = mulberry32(seed);
  const pairs = 10_000;
  let positives = 0;
  for (let i = 0; i < pairs; i++) if (compareNps(npsSample(next, population, n), npsSample(next, population, n)).significant) positives++;
  return positives / pairs;
}

describe("NPS difference test, false positives", () => {
  // Measured with these seeds at n = 10 / 30 a side: −80: 0.3 / 2.0%; −40: 3.4 / 4.4%; 0: 4.0 / 4.8%;
  // +40: 3.0 / 5.1%; +80: 0.3 / 1.7%.
  it.each(Object.entries(NPS_POPULATIONS))("says 'different' for two samples of one NPS %s population at most 5.5% of the time", (label, population) => {
    for (const n of [10, 30]) expect(falsePositiveRate(population, n, 5000 + Number(label) + n)).toBeLessThanOrEqual(0.055);
  });
});

/** n answers on the scale drawn with the given probabilities per scale point. */
function sample(next: () => number, scale: Scale, probabilities: readonly number[], n: number): Histogram {
  return histogramFromCounts(scale, Object.fromEntries(drawCounts(next, probabilities, n).map((count, k) => [scale.min + k, count])));
}

function rateOf(pairs: number, seed: number, draw: (next: () => number) => Comparison): number {
  const next = mulberry32(seed);
  let positives = 0;
  for (let i = 0; i < pairs; i++) if (draw(next).significant) positives++;
  return positives / pairs;
}

describe("proportion and mean tests, false positives", () => {
  // Measured with these seeds at n = 10 / 30 a side: 50%: 3.9 / 5.3%; 70%: 3.5 / 5.0%; 80%: 2.9 / 5.0%;
  // 90%: 0.8 / 5.8% (the pooled z-test's own size there is 5.4% by exact enumeration).
  it.each([0.5, 0.7, 0.8, 0.9])("% satisfied: two samples of one %s population differ at most 6% of the time", (share) => {
    for (const n of [10, 30]) {
      const rate = rateOf(10_000, 6000 + share * 100 + n, (next) =>
        compareHistograms(CSAT_PERCENT, sample(next, FIVE, [0, 0, 1 - share, share, 0], n), sample(next, FIVE, [0, 0, 1 - share, share, 0], n)),
      );
      expect(rate).toBeLessThanOrEqual(0.06);
    }
  });

  it.each([
    ["uniform 1–5", [0.2, 0.2, 0.2, 0.2, 0.2]],
    ["typical CSAT 1–5", [0.05, 0.05, 0.1, 0.4, 0.4]],
    ["top-heavy 1–5", [0.02, 0.02, 0.04, 0.12, 0.8]],
  ] as const)("mean of %s: two samples of 10 differ at most 5.5% of the time", (_label, probabilities) => {
    // Measured: uniform 3.4%, typical 1.3%, top-heavy 0.2%: the pseudo-answer makes the test conservative at n = 10.
    const rate = rateOf(2_000, 7000 + Math.round(probabilities.at(-1)! * 100), (next) =>
      compareMeans(sample(next, FIVE, probabilities, 10), sample(next, FIVE, probabilities, 10)),
    );
    expect(rate).toBeLessThanOrEqual(0.055);
  });
});
