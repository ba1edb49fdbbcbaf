import { describe, expect, it } from "vitest";
import { emptyHistogram, histogramFromCounts, histogramFromScores, type Histogram } from "../../functions/scoring/histogram";
import { DEFAULT_HEADLINE, METRICS, SCALES, defaultSatisfiedMin, type Metric, type Scale } from "../../functions/scoring/metrics";
import { headlineOf, summarize, toIndex, type ScoringConfig } from "../../functions/scoring/summary";

function config(metric: Metric, scale: Scale = SCALES[metric][0]!, overrides: Partial<ScoringConfig> = {}): ScoringConfig {
  return { metric, scale, satisfied_min: defaultSatisfiedMin(metric, scale), headline: DEFAULT_HEADLINE[metric], ...overrides };
}

function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value !== null && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

describe("CSAT", () => {
  it("counts 80 of 100 answering 4 or 5 on 1–5 as 80% satisfied", () => {
    const h = histogramFromCounts({ min: 1, max: 5 }, { 1: 5, 2: 5, 3: 10, 4: 40, 5: 40 });
    const s = summarize(config("csat"), h);
    expect(s.headline).toMatchObject({ metric: "csat", value: 80, n: 100, low_confidence: false, unit: "percent" });
    // Wilson 80/100: [0.7112, 0.8666].
    expect(s.headline.ci![0]).toBeCloseTo(71.117, 2);
    expect(s.headline.ci![1]).toBeCloseTo(86.663, 2);
    expect(s.good).toMatchObject({ label: "satisfied", min: 4, count: 80, percent: 80 });
    // Mean = (5 + 10 + 30 + 160 + 200) / 100 = 4.05.
    expect(s.mean).toBeCloseTo(4.05, 14);
    // Index = (4.05 − 1) / 4 × 100 = 76.25.
    expect(s.index.value).toBeCloseTo(76.25, 12);
    expect(s.distribution.map((bin) => bin.percent)).toEqual([5, 5, 10, 40, 40]);
    expect(s.nps_split).toBeNull();
  });

  it("leads with the mean when the survey says so (a Dutch 7.8 on 1–10)", () => {
    const h = histogramFromScores({ min: 1, max: 10 }, [7, 8, 8, 9, 7]);
    const s = summarize(config("csat", { min: 1, max: 10 }, { headline: "mean" }), h);
    expect(s.headline.unit).toBe("mean");
    expect(s.headline.value).toBeCloseTo(7.8, 14);
    expect(s.headline.ci).toEqual(s.mean_ci);
    expect(s.headline.low_confidence).toBe(true);
  });

  it("honours a custom satisfied_min", () => {
    const h = histogramFromScores({ min: 1, max: 5 }, [3, 4, 5, 5]);
    expect(headlineOf(config("csat", { min: 1, max: 5 }, { satisfied_min: 5 }), h).value).toBe(50);
    expect(headlineOf(config("csat", { min: 1, max: 5 }, { satisfied_min: 3 }), h).value).toBe(100);
  });
});

describe("NPS", () => {
  it("scores 50 promoters, 30 passives, 20 detractors as NPS 30", () => {
    const h = histogramFromCounts({ min: 0, max: 10 }, { 10: 25, 9: 25, 8: 15, 7: 15, 6: 10, 0: 10 });
    const s = summarize(config("nps"), h);
    // Adjusted Wald (Rocks 2016): 50.75 P and 20.75 D of 103 → 29.126, Var 0.00591593;
    // 29.126 ± 1.96 × √0.00591593 × 100 = 29.126 ± 15.075 → [14.051, 44.201].
    expect(s.headline.unit).toBe("nps");
    expect(s.headline.value).toBeCloseTo(30, 12);
    expect(s.headline.ci![0]).toBeCloseTo(14.051130178761606, 8);
    expect(s.headline.ci![1]).toBeCloseTo(44.20129700570441, 8);
    expect(s.nps_split!.promoters).toMatchObject({ count: 50, percent: 50 });
    expect(s.nps_split!.passives).toMatchObject({ count: 30, percent: 30 });
    expect(s.nps_split!.detractors).toMatchObject({ count: 20, percent: 20 });
    expect(s.good).toMatchObject({ label: "promoters", min: 9, count: 50 });
  });

  it("spans −100 to 100 at the scale ends", () => {
    const all = (score: number) => histogramFromCounts({ min: 0, max: 10 }, { [score]: 40 });
    expect(headlineOf(config("nps"), all(10)).value).toBe(100);
    expect(headlineOf(config("nps"), all(0)).value).toBe(-100);
    expect(headlineOf(config("nps"), all(7)).value).toBe(0);
    // 40 promoters: adjusted 40/43, Var = 4.5 × 41 / 43³ → [83.582, 100], not a zero-width [100, 100].
    expect(headlineOf(config("nps"), all(10)).ci![0]).toBeCloseTo(83.58169938961083, 8);
    expect(headlineOf(config("nps"), all(10)).ci![1]).toBe(100);
  });

  it("ignores the headline setting: NPS is always NPS", () => {
    const h = histogramFromScores({ min: 0, max: 10 }, [10, 0]);
    expect(headlineOf(config("nps", undefined, { headline: "mean" }), h)).toMatchObject({ unit: "nps", value: 0 });
  });
});

describe("CES", () => {
  it("leads with the mean effort score and shows % low effort (top-3-box on 1–7)", () => {
    const h = histogramFromScores({ min: 1, max: 7 }, [7, 6, 5, 4, 3, 7, 7, 6]);
    const s = summarize(config("ces"), h);
    expect(s.headline.unit).toBe("mean");
    expect(s.headline.value).toBeCloseTo(45 / 8, 14);
    expect(s.good).toMatchObject({ label: "low_effort", min: 5, count: 6, percent: 75 });
  });

  it("uses top-2-box on 1–5", () => {
    const h = histogramFromScores({ min: 1, max: 5 }, [5, 4, 3, 2]);
    expect(summarize(config("ces", { min: 1, max: 5 }), h).good).toMatchObject({ min: 4, percent: 50 });
  });
});

describe("intent and rating", () => {
  it("shows intent as % likely (4–5) with the mean", () => {
    const h = histogramFromScores({ min: 1, max: 5 }, [5, 4, 4, 1]);
    const s = summarize(config("intent"), h);
    expect(s.headline).toMatchObject({ unit: "percent", value: 75 });
    expect(s.good.label).toBe("likely");
    expect(s.mean).toBe(3.5);
  });

  it("scores a rating like CSAT", () => {
    const h = histogramFromScores({ min: 1, max: 7 }, [7, 6, 5, 1]);
    const s = summarize(config("rating", { min: 1, max: 7 }), h);
    expect(s.good).toMatchObject({ label: "satisfied", min: 6, percent: 50 });
  });
});

describe("the 0–100 index", () => {
  it("puts different scales on one footing", () => {
    expect(toIndex({ min: 1, max: 5 }, 4)).toBe(75);
    expect(toIndex({ min: 1, max: 10 }, 8)).toBeCloseTo(77.78, 2);
    expect(toIndex({ min: 0, max: 10 }, 0)).toBe(0);
    expect(toIndex({ min: 1, max: 7 }, 7)).toBe(100);
  });

  it("maps the mean interval onto the index", () => {
    const h = histogramFromScores({ min: 1, max: 5 }, [1, 2, 3, 4, 5, 5, 4]);
    const s = summarize(config("csat"), h);
    expect(s.index.ci![0]).toBeCloseTo(toIndex(s.scale, s.mean_ci![0]), 12);
    expect(s.index.ci![1]).toBeCloseTo(toIndex(s.scale, s.mean_ci![1]), 12);
  });
});

describe("edge cases", () => {
  it("gives null values and intervals for n = 0", () => {
    for (const metric of METRICS) {
      for (const scale of SCALES[metric]) {
        const s = summarize(config(metric, scale), emptyHistogram(scale));
        expect(s.n).toBe(0);
        expect(s.low_confidence).toBe(true);
        expect(s.headline.value).toBeNull();
        expect(s.headline.ci).toBeNull();
        expect(s.mean).toBeNull();
        expect(s.sd).toBeNull();
        expect(s.index).toEqual({ value: null, ci: null });
        expect(s.good.percent).toBeNull();
        expect(s.distribution.every((bin) => bin.count === 0 && bin.percent === null)).toBe(true);
        expect(allFinite(s)).toBe(true);
      }
    }
  });

  it("handles one answer: a value, no spread, no mean interval", () => {
    const s = summarize(config("csat"), histogramFromScores({ min: 1, max: 5 }, [5]));
    expect(s.headline.value).toBe(100);
    expect(s.headline.ci![1]).toBe(100);
    expect(s.sd).toBeNull();
    expect(s.mean_ci).toBeNull();
  });

  it("handles sd = 0 (all one score) at both scale ends", () => {
    const low = summarize(config("csat", undefined, { headline: "mean" }), histogramFromCounts({ min: 1, max: 5 }, { 1: 50 }));
    expect(low.sd).toBe(0);
    // Fifty 1s: Var = (½ × 0 + ½ × 16) / 50 = 0.16; t(0.975, 49) × √(0.16 / 50) = 0.113679.
    expect(low.headline.value).toBe(1);
    expect(low.headline.ci![0]).toBe(1);
    expect(low.headline.ci![1]).toBeCloseTo(1.1136787421982919, 10);
    expect(low.index.value).toBe(0);
    expect(low.index.ci![1]).toBeCloseTo(2.841968554957297, 8);
    const high = summarize(config("csat"), histogramFromCounts({ min: 1, max: 5 }, { 5: 50 }));
    expect(high.headline.value).toBe(100);
    expect(high.headline.ci![1]).toBe(100);
    expect(high.headline.ci![0]).toBeCloseTo(92.865, 2);
    expect(high.index.value).toBe(100);
  });

  it("flags low confidence below 30 answers", () => {
    const scores = (n: number) => histogramFromCounts({ min: 1, max: 5 }, { 4: n });
    expect(headlineOf(config("csat"), scores(29)).low_confidence).toBe(true);
    expect(headlineOf(config("csat"), scores(30)).low_confidence).toBe(false);
  });

  it("rejects a histogram on another scale or a satisfied_min off the scale", () => {
    const h = emptyHistogram({ min: 1, max: 7 });
    expect(() => summarize(config("csat"), h)).toThrow(RangeError);
    expect(() => summarize(config("csat", undefined, { satisfied_min: 6 }), emptyHistogram({ min: 1, max: 5 }))).toThrow(RangeError);
  });
});

describe("every metric × every allowed scale", () => {
  const cases = METRICS.flatMap((metric) =>
    SCALES[metric].flatMap((scale) => (["percent", "mean"] as const).map((headline) => ({ metric, scale, headline }))),
  );

  function spread(scale: Scale): Histogram {
    // Score s answered (s − min + 1) times: mean above the midpoint, every score present.
    const counts: Record<number, number> = {};
    for (let s = scale.min; s <= scale.max; s++) counts[s] = s - scale.min + 1;
    return histogramFromCounts(scale, counts);
  }

  it.each(cases)("$metric on $scale.min–$scale.max, headline $headline", ({ metric, scale, headline }) => {
    const cfg = config(metric, scale, { headline });
    const h = spread(scale);
    const k = scale.max - scale.min + 1;
    const n = (k * (k + 1)) / 2;
    const s = summarize(cfg, h);
    expect(s.n).toBe(n);
    expect(allFinite(s)).toBe(true);
    expect(s.distribution).toHaveLength(k);
    expect(s.distribution.reduce((total, bin) => total + bin.percent!, 0)).toBeCloseTo(100, 10);

    let expectedMean = 0;
    for (let score = scale.min; score <= scale.max; score++) expectedMean += score * (score - scale.min + 1);
    expectedMean /= n;
    expect(s.mean).toBeCloseTo(expectedMean, 12);
    expect(s.index.value).toBeCloseTo(toIndex(scale, expectedMean), 12);

    const min = metric === "nps" ? 9 : defaultSatisfiedMin(metric, scale);
    let good = 0;
    for (let score = min; score <= scale.max; score++) good += score - scale.min + 1;
    expect(s.good.count).toBe(good);
    expect(s.good.percent).toBeCloseTo((good / n) * 100, 12);

    const [lo, hi] = s.headline.ci!;
    const value = s.headline.value!;
    expect(lo).toBeLessThanOrEqual(value);
    expect(value).toBeLessThanOrEqual(hi);
    if (metric === "nps") {
      // 0–6 answered 1..7 times = 28, 9–10 answered 10 + 11 = 21, of 66.
      expect(s.headline.unit).toBe("nps");
      expect(value).toBeCloseTo(((21 - 28) / 66) * 100, 12);
      expect(s.nps_split!.passives.count).toBe(17);
    } else if (headline === "percent") {
      expect(s.headline.unit).toBe("percent");
      expect(value).toBeCloseTo(s.good.percent!, 12);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(100);
    } else {
      expect(s.headline.unit).toBe("mean");
      expect(value).toBeCloseTo(expectedMean, 12);
      expect(lo).toBeGreaterThanOrEqual(scale.min);
      expect(hi).toBeLessThanOrEqual(scale.max);
    }
  });
});
