import { describe, expect, it } from "vitest";
import { breakdownChart, labelColumn } from "../../site/src/lib/charts/breakdown";
import { distributionChart, npsStack, scoreKind } from "../../site/src/lib/charts/distribution";
import { sparkline } from "../../site/src/lib/charts/sparkline";
import { TREND_BOX, trendChart, type TrendPointInput } from "../../site/src/lib/charts/trend";

const fmt = (v: number) => `${v}`;
const week = (from: string, to: string, value: number | null, n = 50): TrendPointInput => ({
  from,
  to,
  value,
  ci: value === null ? null : [value - 5, value + 5],
  n,
  low_confidence: n < 30,
});

/** Every number in an SVG path string. */
const numbers = (path: string) => (path.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);

describe("trend chart", () => {
  const points = [
    week("2026-10-05", "2026-10-11", 80),
    week("2026-10-12", "2026-10-18", 90, 12),
    week("2026-10-19", "2026-10-25", null, 0),
    week("2026-10-26", "2026-11-01", 70),
  ];
  const chart = trendChart({ points, domain: [0, 100], formatValue: fmt, formatDate: (d) => d.toISOString().slice(5, 10) });

  it("draws the line and the band with a gap where a period has no value", () => {
    expect(chart.line).toMatch(/^M/);
    // Two runs of the line: M…L… then M… again after the gap.
    expect(chart.line?.match(/M/g)).toHaveLength(2);
    expect(chart.band?.match(/M/g)).toHaveLength(2);
    expect(chart.dots.map((d) => d.index)).toEqual([0, 1, 3]);
    expect(chart.dots[1]!.low_confidence).toBe(true);
  });

  it("maps values onto the full headline range, higher values higher up, inside the plot", () => {
    const { plot } = chart;
    const [a, b, c] = chart.dots;
    expect(b!.y).toBeLessThan(a!.y);
    expect(c!.y).toBeGreaterThan(a!.y);
    expect(a!.y).toBeCloseTo(plot.bottom - 0.8 * (plot.bottom - plot.top), 0);
    for (const n of numbers(chart.band ?? "")) expect(n).toBeGreaterThanOrEqual(0);
    expect(chart.dots.every((d) => d.x >= plot.left && d.x <= plot.right)).toBe(true);
    expect(chart.yTicks.map((t) => t.label)).toEqual(["0", "20", "40", "60", "80", "100"]);
    expect(chart.xTicks.length).toBeGreaterThan(1);
    expect(chart.zero).toBeNull();
  });

  it("rounds coordinates to one decimal to keep pages small", () => {
    for (const n of numbers(chart.line ?? "")) expect(Math.round(n * 10) / 10).toBe(n);
  });

  it("draws the target's glide path, a benchmark, annotations on the axis, and the zero line for NPS", () => {
    const withExtras = trendChart({
      points,
      domain: [-100, 100],
      formatValue: fmt,
      formatDate: () => "",
      target: { start: { date: "2026-10-05", value: 0 }, end: { date: "2026-11-15", value: 40 } },
      benchmark: { value: 20, label: "Peers" },
      annotations: [
        { day: "2026-10-20", label: "Release" },
        { day: "2025-01-01", label: "Long ago" },
      ],
    });
    expect(withExtras.zero).toBeCloseTo((withExtras.plot.top + withExtras.plot.bottom) / 2, 0);
    expect(withExtras.benchmark?.y).toBeLessThan(withExtras.zero!);
    expect(withExtras.annotations.map((a) => [a.number, a.label])).toEqual([[1, "Release"]]);
    // The target lies two weeks past the last period: the axis widens so the path reaches it.
    expect(withExtras.target?.reached).toBe(true);
    const [x0, y0, x1, y1] = numbers(withExtras.target!.path);
    expect(x0).toBeCloseTo(withExtras.plot.left, 0);
    // The axis ends the day after the target date: the target sits 1/42 of the width from the edge.
    const { left, right } = withExtras.plot;
    expect(x1).toBeCloseTo(left + ((right - left) * 41) / 42, 0);
    expect(y0).toBeCloseTo(withExtras.zero!, 0);
    expect(y1!).toBeLessThan(y0!);
  });

  it("runs a far-off target's glide path to the edge of the axis, at the value expected there", () => {
    const far = trendChart({
      points,
      domain: [0, 100],
      formatValue: fmt,
      formatDate: () => "",
      target: { start: { date: "2026-10-05", value: 50 }, end: { date: "2027-10-05", value: 100 } },
    });
    expect(far.target?.reached).toBe(false);
    expect(far.target?.end.x).toBeCloseTo(far.plot.right, 0);
    // 28 days of 365 towards +50: about 53.8, well short of the target.
    const expected = 50 + (50 * 28) / 365;
    expect(far.target?.end.y).toBeCloseTo(far.plot.bottom - (expected / 100) * (far.plot.bottom - far.plot.top), 0);
  });

  it("has nothing to draw without values", () => {
    const empty = trendChart({ points: [week("2026-10-05", "2026-10-11", null, 0)], domain: [1, 5], formatValue: fmt, formatDate: () => "" });
    expect(empty.line).toBeNull();
    expect(empty.band).toBeNull();
    expect(empty.dots).toEqual([]);
    expect(empty.width).toBe(TREND_BOX.width);
  });
});

describe("distribution chart", () => {
  it("draws one bar per score, as tall as its share, coloured by what it counts as", () => {
    const chart = distributionChart({
      bins: [1, 2, 3, 4, 5].map((score, i) => ({ score, count: [0, 5, 10, 40, 45][i]!, percent: [0, 5, 10, 40, 45][i]! })),
      goodMin: 4,
      nps: false,
      formatPercent: (v) => `${v}%`,
    });
    expect(chart.bars.map((b) => b.kind)).toEqual(["other", "other", "other", "good", "good"]);
    expect(chart.bars[0]!.height).toBe(0);
    expect(chart.bars[4]!.height / chart.bars[3]!.height).toBeCloseTo(45 / 40, 1);
    expect(chart.bars.every((b) => b.y + b.height === chart.baseline || Math.abs(b.y + b.height - chart.baseline) < 0.11)).toBe(true);
    // The axis tops out at the next ten above the tallest bar.
    expect(chart.yTicks.at(-1)?.label).toBe("50%");
  });

  it("splits NPS scores into detractors, passives and promoters", () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => scoreKind(s, 9, true))).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
    const stack = npsStack({ detractors: 20, passives: 30, promoters: 50 }, 600);
    expect(stack.map((s) => [s.key, s.x, s.width])).toEqual([
      ["detractors", 0, 120],
      ["passives", 120, 180],
      ["promoters", 300, 300],
    ]);
    expect(npsStack({ detractors: 2, passives: 8, promoters: 90 }, 600)[0]!.labelX).toBeNull();
  });
});

describe("breakdown bars", () => {
  it("draws bars from zero on NPS, whiskers for the interval and marks n < 30", () => {
    const chart = breakdownChart({
      rows: [
        { label: "A", value: 40, ci: [30, 50], n: 200 },
        { label: "B", value: -20, ci: [-45, 5], n: 12 },
        { label: "C", value: null, ci: null, n: 0 },
      ],
      domain: [-100, 100],
      formatValue: fmt,
    });
    const [a, b, c] = chart.rows;
    expect(a!.bar!.x).toBe(chart.baseline);
    expect(b!.bar!.x + b!.bar!.width).toBeCloseTo(chart.baseline, 1);
    expect(a!.whisker!.x1).toBeLessThan(a!.whisker!.x2);
    expect([a!.low_confidence, b!.low_confidence]).toEqual([false, true]);
    expect(c!.bar).toBeNull();
    expect(chart.height).toBeGreaterThan(3 * chart.rowHeight);
  });

  it("starts bars at the scale minimum for means", () => {
    const chart = breakdownChart({ rows: [{ label: "x", value: 1, ci: null, n: 40 }], domain: [1, 7], formatValue: fmt });
    expect(chart.rows[0]!.bar!.width).toBe(0);
    expect(chart.rows[0]!.whisker).toBeNull();
  });

  it("labels its axis with the tick format when given one, and values with the value format", () => {
    const chart = breakdownChart({ rows: [{ label: "x", value: 4.25, ci: null, n: 40 }], domain: [1, 7], formatValue: (v) => `value ${v}`, formatTick: (v) => `tick ${v}` });
    expect(chart.ticks.map((t) => t.label)).toEqual(["tick 1", "tick 2", "tick 3", "tick 4", "tick 5", "tick 6", "tick 7"]);
    expect(chart.rows[0]!.valueLabel?.text).toBe("value 4.25");
  });
});

describe("sparkline", () => {
  it("leaves gaps and marks the last value", () => {
    const s = sparkline([50, null, 70, 80], [0, 100]);
    expect(s.path?.match(/M/g)).toHaveLength(2);
    expect(s.last?.x).toBeCloseTo(117, 0);
    expect(s.last?.y).toBeCloseTo(3 + 0.2 * 22, 0);
    expect(sparkline([null, null], [0, 100]).path).toBeNull();
  });
});

describe("the label column of a bar chart", () => {
  it("is as wide as its longest label needs, within bounds, and cuts only what the widest column cannot hold", () => {
    // 31 characters × 8 + 12 = 260 units: "Support satisfaction (CSAT 1–5)" whole, where 24 characters used to be the limit.
    expect(labelColumn(["Support satisfaction (CSAT 1–5)", "Aanbeveling (NPS 0–10)"])).toEqual({
      width: 260,
      texts: ["Support satisfaction (CSAT 1–5)", "Aanbeveling (NPS 0–10)"],
    });
    expect(labelColumn(["A", "B"]).width).toBe(100);
    // (320 − 12) / 8 = 38 characters fit the widest column: a longer label keeps 37 and an ellipsis.
    const long = "x".repeat(50);
    expect(labelColumn([long])).toEqual({ width: 320, texts: [`${"x".repeat(37)}…`] });
    expect(labelColumn(["x".repeat(38)]).texts[0]).toBe("x".repeat(38));
  });
});
