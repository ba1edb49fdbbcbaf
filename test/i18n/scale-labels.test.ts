import { describe, expect, it } from "vitest";
import { LOCALES } from "../../functions/i18n/locales";
import { endLabels, isWordedScale, scaleLabels } from "../../functions/i18n/scale-labels";
import { METRICS, SCALES } from "../../functions/scoring/metrics";

const cases = METRICS.flatMap((metric) =>
  SCALES[metric].flatMap((scale) => LOCALES.map((locale) => ({ metric, scale, locale, name: `${metric} ${scale.min}–${scale.max} ${locale}` }))),
);

describe("scale labels", () => {
  it.each(cases)("$name has one entry per score, in order, with words where expected", ({ metric, scale, locale }) => {
    const points = scaleLabels(metric, scale, locale);
    expect(points.map((p) => p.score)).toEqual(Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i));
    for (const { label } of points) if (label !== null) expect(label.trim()).toBe(label);
    for (const { label } of points) expect(label).not.toBe("");
    const labelled = points.filter((p) => p.label !== null);
    if (isWordedScale(metric, scale)) {
      expect(labelled).toHaveLength(points.length);
      expect(new Set(labelled.map((p) => p.label)).size, "labels are distinct").toBe(points.length);
    } else {
      expect(labelled.map((p) => p.score)).toEqual([scale.min, scale.max]);
    }
    const ends = endLabels(metric, scale, locale);
    expect(ends.low).toBe(points[0]!.label);
    expect(ends.high).toBe(points[points.length - 1]!.label);
  });

  it("words the short scales and names only the ends of the long ones", () => {
    expect(isWordedScale("csat", { min: 1, max: 5 })).toBe(true);
    expect(isWordedScale("csat", { min: 1, max: 7 })).toBe(true);
    expect(isWordedScale("ces", { min: 1, max: 7 })).toBe(true);
    expect(isWordedScale("ces", { min: 1, max: 5 })).toBe(true);
    expect(isWordedScale("intent", { min: 1, max: 5 })).toBe(true);
    expect(isWordedScale("rating", { min: 1, max: 10 })).toBe(false);
    expect(isWordedScale("nps", { min: 0, max: 10 })).toBe(false);
  });

  it("speaks each language", () => {
    const sv = scaleLabels("csat", { min: 1, max: 5 }, "sv").map((p) => p.label);
    expect(sv[0]).toBe("Väldigt missnöjd");
    expect(sv[4]).toBe("Väldigt nöjd");
    expect(scaleLabels("csat", { min: 1, max: 5 }, "en").map((p) => p.label)).toEqual([
      "Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied",
    ]);
    expect(endLabels("nps", { min: 0, max: 10 }, "en")).toEqual({ low: "Not at all likely", high: "Extremely likely" });
    expect(endLabels("ces", { min: 1, max: 7 }, "de")).toEqual({ low: "Sehr schwierig", high: "Sehr einfach" });
    expect(endLabels("intent", { min: 1, max: 5 }, "pl")).toEqual({ low: "Zdecydowanie nie", high: "Zdecydowanie tak" });
  });

  it("differs between languages", () => {
    for (const metric of METRICS) {
      for (const scale of SCALES[metric]) {
        const highs = new Set(LOCALES.map((locale) => endLabels(metric, scale, locale).high));
        expect(highs.size, `${metric} ${scale.max}`).toBe(LOCALES.length);
      }
    }
  });

  it("refuses a scale the metric does not allow", () => {
    expect(() => scaleLabels("nps", { min: 1, max: 5 }, "en")).toThrow(RangeError);
    expect(() => endLabels("intent", { min: 1, max: 7 }, "en")).toThrow(RangeError);
  });
});
