/**
 * Horizontal bars for segments (or surveys on the 0–100 index): one row per group, the bar from the
 * baseline to the value, a whisker for the 95% interval, and a mark when n is below the
 * low-confidence threshold. Pure.
 */
import { scaleLinear } from "d3-scale";
import type { Interval } from "../../../../functions/scoring/intervals";
import { LOW_CONFIDENCE_N } from "../../../../functions/scoring/summary";
import { r1, valueTicks, type Tick } from "./common";

export interface BreakdownRowInput {
  label: string;
  value: number | null;
  ci: Interval | null;
  n: number;
}

export interface BreakdownInput {
  rows: readonly BreakdownRowInput[];
  domain: readonly [number, number];
  formatValue: (value: number) => string;
  /** The axis's labels; formatValue when not given. */
  formatTick?: (value: number) => string;
  width?: number;
  /** Width reserved for the row labels. */
  labelWidth?: number;
  rowHeight?: number;
}

export interface BreakdownRow {
  label: string;
  n: number;
  value: number | null;
  low_confidence: boolean;
  /** Row centre. */
  y: number;
  bar: { x: number; width: number } | null;
  whisker: { x1: number; x2: number } | null;
  valueLabel: { x: number; text: string } | null;
}

export interface BreakdownChart {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  baseline: number;
  rows: BreakdownRow[];
  ticks: Tick[];
  rowHeight: number;
}

export function breakdownChart(input: BreakdownInput): BreakdownChart {
  const width = input.width ?? 640;
  const labelWidth = input.labelWidth ?? 180;
  const rowHeight = input.rowHeight ?? 28;
  const top = 8;
  const plot = { left: labelWidth, right: width - 56, top, bottom: top + rowHeight * input.rows.length };
  const x = scaleLinear().domain(input.domain).range([plot.left, plot.right]).clamp(true);
  const [lo, hi] = input.domain;
  const baseValue = lo < 0 && hi > 0 ? 0 : lo;
  const base = x(baseValue);
  return {
    width,
    height: plot.bottom + 24,
    plot,
    baseline: r1(base),
    rowHeight,
    rows: input.rows.map((row, i) => {
      const y = top + rowHeight * i + rowHeight / 2;
      const value = row.value;
      const vx = value === null ? null : x(value);
      const whiskerEnd = row.ci ? x(row.ci[1]) : vx;
      return {
        label: row.label,
        n: row.n,
        value,
        low_confidence: row.n < LOW_CONFIDENCE_N,
        y: r1(y),
        bar: vx === null ? null : { x: r1(Math.min(base, vx)), width: r1(Math.abs(vx - base)) },
        whisker: row.ci ? { x1: r1(x(row.ci[0])), x2: r1(x(row.ci[1])) } : null,
        valueLabel: value === null || whiskerEnd === null ? null : { x: r1(Math.min(whiskerEnd + 6, width - 50)), text: input.formatValue(value) },
      };
    }),
    ticks: valueTicks(input.domain, [plot.left, plot.right], 5, input.formatTick ?? input.formatValue),
  };
}
