import { describe, expect, it } from "vitest";
import { addHistograms, histogramFromCounts, histogramFromScores, subtractHistograms } from "../../functions/scoring/histogram";
import { boundedVariance, npsInterval, wilsonInterval } from "../../functions/scoring/intervals";
import { goodMin, summarize, type ScoringConfig } from "../../functions/scoring/summary";

// What histograms, summaries and intervals refuse, each by its own message: these reach the API's
// 400 answers and the logs, and a missing check often still ends in some other error further down.

const FIVE = { min: 1, max: 5 };
const ZERO_TO_FIVE = { min: 0, max: 5 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };

describe("histogram checks", () => {
  it.each([
    [{ min: 1.5, max: 5 }, "1.5–5"],
    [{ min: 1, max: 5.5 }, "1–5.5"],
    [{ min: 5, max: 5 }, "5–5"],
    [{ min: 5, max: 1 }, "5–1"],
  ])("refuses the scale %j", (scale, shown) => {
    expect(() => histogramFromScores(scale, [])).toThrow(`histogram: invalid scale ${shown}`);
    expect(() => histogramFromCounts(scale, {})).toThrow(`histogram: invalid scale ${shown}`);
  });

  it("refuses scores off the scale and counts that are not whole and non-negative", () => {
    expect(() => histogramFromScores(FIVE, [3, 6])).toThrow("histogram: score 6 is not on the scale 1–5");
    expect(() => histogramFromScores(FIVE, [0])).toThrow("histogram: score 0 is not on the scale 1–5");
    expect(() => histogramFromCounts(FIVE, { 0: 1 })).toThrow("histogram: score 0 is not on the scale 1–5");
    expect(() => histogramFromCounts(FIVE, { 5: -1 })).toThrow("histogram: invalid count -1");
    expect(() => histogramFromCounts(FIVE, { 5: 1.5 })).toThrow("histogram: invalid count 1.5");
  });

  it("adds and subtracts only histograms on the same scale, whichever end differs", () => {
    const onFive = histogramFromCounts(FIVE, { 5: 2 });
    const onZeroToFive = histogramFromCounts(ZERO_TO_FIVE, { 5: 2 });
    const onOneToSeven = histogramFromCounts({ min: 1, max: 7 }, { 5: 2 });
    expect(() => addHistograms(onFive, onZeroToFive)).toThrow("histogram: scales differ (1–5 vs 0–5)");
    expect(() => addHistograms(onFive, onOneToSeven)).toThrow("histogram: scales differ (1–5 vs 1–7)");
    expect(() => subtractHistograms(onFive, onZeroToFive)).toThrow("histogram: scales differ (1–5 vs 0–5)");
    expect(() => subtractHistograms(onFive, histogramFromCounts(FIVE, { 5: 3 }))).toThrow("histogram: subtraction would leave a negative count");
  });
});

describe("summary checks", () => {
  it("refuses a histogram on another scale, whichever end differs", () => {
    expect(() => summarize(csat, histogramFromCounts(ZERO_TO_FIVE, { 5: 1 }))).toThrow("summary: histogram scale 0–5 is not the survey's 1–5");
    expect(() => summarize(csat, histogramFromCounts({ min: 1, max: 7 }, { 5: 1 }))).toThrow("summary: histogram scale 1–7 is not the survey's 1–5");
  });

  it.each([0, 6, 3.5])("refuses satisfied_min %d off the 1–5 scale", (satisfied_min) => {
    expect(() => summarize({ ...csat, satisfied_min }, histogramFromCounts(FIVE, { 5: 1 }))).toThrow(`summary: satisfied_min ${satisfied_min} is not on the scale`);
  });

  it("counts NPS promoters from 9 whatever satisfied_min says", () => {
    const nps: ScoringConfig = { metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 7, headline: "percent" };
    expect(goodMin(nps)).toBe(9);
    expect(goodMin(csat)).toBe(4);
  });

  it("labels the distribution with the scale's scores", () => {
    const summary = summarize(csat, histogramFromCounts(FIVE, { 1: 1, 2: 2, 5: 5 }));
    expect(summary.distribution.map((bin) => [bin.score, bin.count])).toEqual([
      [1, 1],
      [2, 2],
      [3, 0],
      [4, 0],
      [5, 5],
    ]);
  });
});

describe("interval checks", () => {
  it("refuses counts that do not fit n, naming them", () => {
    expect(() => wilsonInterval(-1, 10)).toThrow("interval: counts -1 do not fit n = 10");
    expect(() => wilsonInterval(11, 10)).toThrow("interval: counts 11 do not fit n = 10");
    // One part valid and one not, and two parts summing above n.
    expect(() => npsInterval(-1, 2, 10)).toThrow("interval: counts -1, 2 do not fit n = 10");
    expect(() => npsInterval(6, 5, 10)).toThrow("interval: counts 6, 5 do not fit n = 10");
  });

  it("refuses a bounded variance from impossible inputs", () => {
    const message = "boundedVariance: mean and sd must be finite, sd ≥ 0 and n a count";
    expect(() => boundedVariance(3, 1, -1, FIVE)).toThrow(message);
    expect(() => boundedVariance(3, 1, 2.5, FIVE)).toThrow(message);
    expect(() => boundedVariance(3, -1, 10, FIVE)).toThrow(message);
    expect(() => boundedVariance(Number.NaN, 1, 10, FIVE)).toThrow(message);
    expect(() => boundedVariance(3, 1, 10, { min: 5, max: 5 })).toThrow("boundedVariance: the scale must have max > min");
  });
});
