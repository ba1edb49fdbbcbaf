import { describe, expect, it } from "vitest";
import { detectDrop, dropReason, dropSize, DROP_THRESHOLD, type WeekHistogram } from "../../functions/scoring/drop";
import { emptyHistogram, histogramFromCounts } from "../../functions/scoring/histogram";
import type { ScoringConfig } from "../../functions/scoring/summary";

const FIVE = { min: 1, max: 5 };
const csat: ScoringConfig = { metric: "csat", scale: FIVE, satisfied_min: 4, headline: "percent" };

/** Consecutive ISO weeks from Monday 2026-01-05, each of 100 answers with `good` of them satisfied. */
function weeks(goods: readonly (number | null)[]): WeekHistogram[] {
  return goods.map((good, i) => {
    const from = new Date(Date.parse("2026-01-05T00:00:00Z") + i * 7 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.parse(`${from}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
    return { from, to, histogram: good === null ? emptyHistogram(FIVE) : histogramFromCounts(FIVE, { 5: good, 2: 100 - good }) };
  });
}
const steady = new Array<number>(12).fill(85);

describe("detectDrop (CUSUM of the log-likelihood ratio)", () => {
  it("alerts a large drop in one week and describes it", () => {
    // Baseline 1,020 of 1,200 = 85%, smoothed variance 1279.07; the week 60 of 100, smoothed variance
    // 2403.88 (the larger is used): LLR = (10 × 25 − 50) / (2403.88 × (1/100 + 1/1200)) = 7.68.
    const { alert, statistic } = detectDrop(csat, weeks([...steady, 60]));
    expect(statistic).toBeCloseTo(7.6799, 3);
    expect(alert).toMatchObject({
      latest: { from: "2026-03-30", to: "2026-04-05", value: 60, n: 100 },
      baseline: { from: "2026-01-05", to: "2026-03-29", value: 85, n: 1200 },
      delta: -25,
      threshold: DROP_THRESHOLD,
      size: 10,
    });
    // 1.96 × √(2403.88 / 100 + 1279.07 / 1200) = 9.8205.
    expect(alert!.ci[0]).toBeCloseTo(-34.8205, 3);
    expect(alert!.ci[1]).toBeCloseTo(-15.1795, 3);
    expect(dropReason(csat, alert!)).toBe(
      "CSAT 60% over 2026-03-30 – 2026-04-05 (100 answers) against 85% over 2026-01-05 – 2026-03-29 (1,200 answers): down 25 points, interval 15 to 35 points.",
    );
  });

  it("adds up two middling weeks that alone would not alert", () => {
    // Each week of 75%: LLR = 50 / (1899.27 × (1/100 + 1/1200)) = 2.430, under the threshold 2.5.
    const one = detectDrop(csat, weeks([...steady, 75]));
    expect(one.alert).toBeNull();
    expect(one.statistic).toBeCloseTo(2.4301, 3);
    const two = detectDrop(csat, weeks([...steady, 75, 75]));
    expect(two.statistic).toBeCloseTo(4.8602, 3);
    // Both weeks against the twelve before them: 150 of 200, interval half-width 6.3519.
    expect(two.alert).toMatchObject({ latest: { from: "2026-03-30", to: "2026-04-12", value: 75, n: 200 }, baseline: { n: 1200 }, delta: -10 });
    expect(two.alert!.ci[0]).toBeCloseTo(-16.3519, 3);
  });

  it("alerts a lasting drop once: after the alert the new level is the baseline", () => {
    expect(detectDrop(csat, weeks([...steady, 75, 75, 75])).alert).toBeNull();
    expect(detectDrop(csat, weeks([...steady, 75, 75, 75, 75])).alert).toBeNull();
  });

  it("does not alert a rise, a dip smaller than half the size, or weeks without answers", () => {
    expect(detectDrop(csat, weeks([...steady, 99])).statistic).toBe(0);
    // 80% is exactly half the size below: LLR 0.
    expect(detectDrop(csat, weeks([...steady, 80])).statistic).toBe(0);
    expect(detectDrop(csat, weeks([...steady, null])).alert).toBeNull();
    expect(detectDrop(csat, weeks([null, 40]))).toEqual({ statistic: 0, alert: null });
    expect(detectDrop(csat, [])).toEqual({ statistic: 0, alert: null });
  });

  it("needs 30 answers in the baseline", () => {
    const few = weeks([85, 20]).map((w, i) => (i === 0 ? { ...w, histogram: histogramFromCounts(FIVE, { 5: 25, 2: 4 }) } : w));
    expect(detectDrop(csat, few).alert).toBeNull();
    const enough = weeks([85, 20]).map((w, i) => (i === 0 ? { ...w, histogram: histogramFromCounts(FIVE, { 5: 26, 2: 4 }) } : w));
    expect(detectDrop(csat, enough).alert).not.toBeNull();
  });

  it("words a mean's drop to one decimal", () => {
    const ces: ScoringConfig = { metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean" };
    const cesWeeks = weeks([...steady, 0]).map((w, i) => ({ ...w, histogram: histogramFromCounts(ces.scale, i < 12 ? { 6: 100 } : { 4: 100 }) }));
    const { alert } = detectDrop(ces, cesWeeks);
    // Smoothed variances 0.17647 (the week) and 0.02164 (the baseline): half-width 0.0828.
    expect(dropReason(ces, alert!)).toBe("CES 4.0 over 2026-03-30 – 2026-04-05 (100 answers) against 6.0 over 2026-01-05 – 2026-03-29 (1,200 answers): down 2.0, interval 1.9 to 2.1.");
  });

  it("is tuned to 10 points of a %, 15 NPS points and a tenth of a mean's scale", () => {
    expect(dropSize(csat)).toBe(10);
    expect(dropSize({ metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9, headline: "percent" })).toBe(15);
    expect(dropSize({ metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean" })).toBeCloseTo(0.6, 12);
  });
});
