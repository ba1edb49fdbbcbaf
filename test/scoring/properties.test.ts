import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareHistograms, compareIndex, compareProportions } from "../../functions/scoring/compare";
import { detectDrop } from "../../functions/scoring/drop";
import {
  addHistograms,
  histogramFromCounts,
  histogramFromScores,
  histogramMean,
  histogramVariance,
  mergeHistograms,
  subtractHistograms,
} from "../../functions/scoring/histogram";
import { npsInterval, wilsonInterval } from "../../functions/scoring/intervals";
import { METRICS, SCALES, defaultSatisfiedMin, type Scale } from "../../functions/scoring/metrics";
import { studentTCdf, studentTQuantile } from "../../functions/scoring/probability";
import { summarize, type ScoringConfig } from "../../functions/scoring/summary";

const RUNS = { numRuns: 200 };

const configs: ScoringConfig[] = METRICS.flatMap((metric) =>
  SCALES[metric].flatMap((scale) =>
    (["percent", "mean"] as const).map((headline) => ({ metric, scale, headline, satisfied_min: defaultSatisfiedMin(metric, scale) })),
  ),
);

const configArb = fc.constantFrom(...configs).chain((config) =>
  fc
    .integer({ min: config.scale.min, max: config.scale.max })
    .map((satisfied_min) => ({ ...config, satisfied_min: config.metric === "nps" ? 9 : satisfied_min })),
);

const scoresArb = (scale: Scale, maxLength = 80) => fc.array(fc.integer({ min: scale.min, max: scale.max }), { maxLength });

const histogramArb = (scale: Scale) =>
  fc
    .array(fc.nat({ max: 400 }), { minLength: scale.max - scale.min + 1, maxLength: scale.max - scale.min + 1 })
    .map((counts) => histogramFromCounts(scale, Object.fromEntries(counts.map((count, i) => [scale.min + i, count]))));

/** Sparse histograms too: many real segments have zero, one or a handful of answers. */
const anyHistogramArb = (scale: Scale) => fc.oneof(histogramArb(scale), scoresArb(scale, 5).map((s) => histogramFromScores(scale, s)));

function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

function headlineBounds(config: ScoringConfig): [number, number] {
  if (config.metric === "nps") return [-100, 100];
  return config.headline === "percent" ? [0, 100] : [config.scale.min, config.scale.max];
}

describe("histograms merge like raw scores", () => {
  it("merged histograms give the metrics of the concatenated scores", () => {
    fc.assert(
      fc.property(
        configArb.chain((config) => fc.tuple(fc.constant(config), fc.array(scoresArb(config.scale), { maxLength: 6 }))),
        ([config, groups]) => {
          const merged = mergeHistograms(
            config.scale,
            groups.map((scores) => histogramFromScores(config.scale, scores)),
          );
          const all = groups.flat();
          const direct = histogramFromScores(config.scale, all);
          expect(merged).toEqual(direct);
          expect(summarize(config, merged)).toEqual(summarize(config, direct));
          if (all.length > 0) {
            const mean = all.reduce((a, b) => a + b, 0) / all.length;
            expect(histogramMean(merged)).toBeCloseTo(mean, 9);
          }
          if (all.length > 1) {
            const mean = all.reduce((a, b) => a + b, 0) / all.length;
            const variance = all.reduce((total, x) => total + (x - mean) ** 2, 0) / (all.length - 1);
            expect(histogramVariance(merged)).toBeCloseTo(variance, 9);
          }
        },
      ),
      RUNS,
    );
  });

  it("addition is commutative and subtraction undoes it", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...configs).chain((c) => fc.tuple(histogramArb(c.scale), histogramArb(c.scale))),
        ([a, b]) => {
          expect(addHistograms(a, b)).toEqual(addHistograms(b, a));
          expect(subtractHistograms(addHistograms(a, b), b)).toEqual(a);
        },
      ),
      RUNS,
    );
  });
});

describe("intervals", () => {
  it("Wilson contains the proportion and stays in [0, 1]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([x, n]) => {
          const [lo, hi] = wilsonInterval(x, n)!;
          expect(0).toBeLessThanOrEqual(lo);
          expect(lo).toBeLessThanOrEqual(x / n);
          expect(x / n).toBeLessThanOrEqual(hi);
          expect(hi).toBeLessThanOrEqual(1);
        },
      ),
      RUNS,
    );
  });

  it("the NPS interval contains NPS and stays in [−1, 1]", () => {
    fc.assert(
      fc.property(fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), fc.nat({ max: 5000 }), (p, passives, d) => {
        fc.pre(p + passives + d > 0);
        const estimate = npsInterval(p, d, p + passives + d)!;
        const [lo, hi] = estimate.ci;
        expect(-1).toBeLessThanOrEqual(lo);
        expect(lo).toBeLessThanOrEqual(estimate.nps);
        expect(estimate.nps).toBeLessThanOrEqual(hi);
        expect(hi).toBeLessThanOrEqual(1);
        expect(estimate.variance).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("every headline interval contains its value and stays within its bounds; nothing is NaN", () => {
    fc.assert(
      fc.property(
        configArb.chain((config) => fc.tuple(fc.constant(config), anyHistogramArb(config.scale))),
        ([config, histogram]) => {
          const summary = summarize(config, histogram);
          expect(allFinite(summary)).toBe(true);
          const { value, ci } = summary.headline;
          if (summary.n === 0) {
            expect(value).toBeNull();
            expect(ci).toBeNull();
            return;
          }
          const [min, max] = headlineBounds(config);
          expect(value).not.toBeNull();
          expect(min).toBeLessThanOrEqual(value!);
          expect(value!).toBeLessThanOrEqual(max);
          if (ci === null) {
            expect(config.headline === "mean" && config.metric !== "nps" && summary.n < 2).toBe(true);
            return;
          }
          expect(min).toBeLessThanOrEqual(ci[0]);
          expect(ci[0]).toBeLessThanOrEqual(value!);
          expect(value!).toBeLessThanOrEqual(ci[1]);
          expect(ci[1]).toBeLessThanOrEqual(max);
          if (summary.index.ci) {
            expect(0).toBeLessThanOrEqual(summary.index.ci[0]);
            expect(summary.index.ci[0]).toBeLessThanOrEqual(summary.index.value!);
            expect(summary.index.value!).toBeLessThanOrEqual(summary.index.ci[1]);
            expect(summary.index.ci[1]).toBeLessThanOrEqual(100);
          }
        },
      ),
      RUNS,
    );
  });
});

describe("comparisons", () => {
  it("a histogram compared with itself differs by 0 and is not significant", () => {
    fc.assert(
      fc.property(
        configArb.chain((config) => fc.tuple(fc.constant(config), anyHistogramArb(config.scale))),
        ([config, histogram]) => {
          for (const c of [compareHistograms(config, histogram, histogram), compareIndex(histogram, histogram)]) {
            expect(c.significant).toBe(false);
            expect(allFinite(c)).toBe(true);
            if (c.difference !== null) expect(c.difference).toBe(0);
            if (c.p_value !== null) expect(c.p_value).toBe(1);
          }
          expect(detectDrop(config, [histogram, histogram].map((h, i) => ({ from: `2026-01-0${5 + i}`, to: `2026-01-0${5 + i}`, histogram: h }))).alert).toBeNull();
        },
      ),
      RUNS,
    );
  });

  it("swapping the sides negates the difference and keeps the p-value", () => {
    fc.assert(
      fc.property(
        configArb.chain((config) => fc.tuple(fc.constant(config), anyHistogramArb(config.scale), anyHistogramArb(config.scale))),
        ([config, a, b]) => {
          const ab = compareHistograms(config, a, b);
          const ba = compareHistograms(config, b, a);
          expect(allFinite(ab)).toBe(true);
          expect(ab.significant).toBe(ba.significant);
          if (ab.difference === null) {
            expect(ba.difference).toBeNull();
            return;
          }
          expect(ab.difference).toBeCloseTo(-ba.difference!, 9);
          if (ab.p_value !== null) {
            expect(ab.p_value).toBeCloseTo(ba.p_value!, 12);
            expect(ab.p_value).toBeGreaterThanOrEqual(0);
            expect(ab.p_value).toBeLessThanOrEqual(1);
          }
          if (ab.ci !== null) {
            expect(ab.ci[0]).toBeLessThanOrEqual(ab.difference);
            expect(ab.difference).toBeLessThanOrEqual(ab.ci[1]);
          }
        },
      ),
      RUNS,
    );
  });

  it("two-proportion differences stay within ±100 with the estimate inside the interval", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        fc.integer({ min: 1, max: 10_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([xA, nA], [xB, nB]) => {
          const c = compareProportions(xA, nA, xB, nB);
          const [lo, hi] = c.ci!;
          expect(-100).toBeLessThanOrEqual(lo);
          expect(lo).toBeLessThanOrEqual(c.difference!);
          expect(c.difference!).toBeLessThanOrEqual(hi);
          expect(hi).toBeLessThanOrEqual(100);
        },
      ),
      RUNS,
    );
  });
});

describe("Student t quantile", () => {
  it("inverts the CDF for any df and p", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        (df, p) => {
          expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
        },
      ),
      RUNS,
    );
  });
});
