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

/** Room per character of a row label: the widest the labels' type (14px on a phone, 12px else) needs, in SVG units. */
export const LABEL_CHAR_WIDTH = 8;
export const LABEL_WIDTH_MIN = 100;
export const LABEL_WIDTH_MAX = 320;

/**
 * The width of the label column for these labels, and each label as drawn: whole when it fits the
 * widest column, else cut with an ellipsis (the table behind the chart always has it whole).
 */
export function labelColumn(labels: readonly string[]): { width: number; texts: string[] } {
  const longest = labels.reduce((most, label) => Math.max(most, [...label].length), 0);
  const width = Math.min(LABEL_WIDTH_MAX, Math.max(LABEL_WIDTH_MIN, longest * LABEL_CHAR_WIDTH + 12));
  const fits = Math.floor((width - 12) / LABEL_CHAR_WIDTH);
  return { width, texts: labels.map((label) => ([...label].length > fits ? `${[...label].slice(0, fits - 1).join("")}…` : label)) };
}
