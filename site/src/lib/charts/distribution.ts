/**
 * The distribution: one bar per score with its share of answers, coloured by what the score counts
 * as (good or not; for NPS detractor, passive or promoter), and for NPS the promoters / passives /
 * detractors split as one stacked bar. Pure.
 */
import { scaleBand, scaleLinear } from "d3-scale";
import { max } from "d3-array";
import { NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN } from "../../../../functions/scoring/summary";
import { r1, valueTicks, type Box, type Tick } from "./common";

export type BarKind = "good" | "other" | "promoter" | "passive" | "detractor";

export interface DistributionInput {
  bins: readonly { score: number; count: number; percent: number | null }[];
  /** The lowest good score; ignored for NPS. */
  goodMin: number;
  nps: boolean;
  formatPercent: (points: number) => string;
  box?: Box;
}

export interface DistributionBar {
  score: number;
  count: number;
  percent: number;
  kind: BarKind;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DistributionChart {
  width: number;
  height: number;
  baseline: number;
  plot: { left: number; right: number; top: number; bottom: number };
  bars: DistributionBar[];
  xTicks: Tick[];
  yTicks: Tick[];
}

// The left margin holds "100%" at a phone's larger type (Base.astro).
export const DISTRIBUTION_BOX: Box = { width: 640, height: 220, margin: { top: 20, right: 16, bottom: 28, left: 72 } };

export function scoreKind(score: number, goodMin: number, nps: boolean): BarKind {
  if (nps) return score >= NPS_PROMOTER_MIN ? "promoter" : score <= NPS_DETRACTOR_MAX ? "detractor" : "passive";
  return score >= goodMin ? "good" : "other";
}

export function distributionChart(input: DistributionInput): DistributionChart {
  const box = input.box ?? DISTRIBUTION_BOX;
  const { margin } = box;
  const plot = { left: margin.left, right: box.width - margin.right, top: margin.top, bottom: box.height - margin.bottom };
  const x = scaleBand<number>()
    .domain(input.bins.map((b) => b.score))
    .range([plot.left, plot.right])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  // The axis tops out at the next 10% above the largest bar: shares stay comparable at a glance.
  const top = Math.min(100, Math.max(10, Math.ceil((max(input.bins, (b) => b.percent ?? 0) ?? 0) / 10) * 10));
  const y = scaleLinear().domain([0, top]).range([plot.bottom, plot.top]);
  return {
    width: box.width,
    height: box.height,
    baseline: plot.bottom,
    plot,
    bars: input.bins.map((b) => {
      const percent = b.percent ?? 0;
      return {
        score: b.score,
        count: b.count,
        percent,
        kind: scoreKind(b.score, input.goodMin, input.nps),
        x: r1(x(b.score) ?? 0),
        y: r1(y(percent)),
        width: r1(x.bandwidth()),
        height: r1(plot.bottom - y(percent)),
      };
    }),
    xTicks: input.bins.map((b) => ({ pos: r1((x(b.score) ?? 0) + x.bandwidth() / 2), label: String(b.score) })),
    yTicks: valueTicks([0, top], [plot.bottom, plot.top], 4, input.formatPercent),
  };
}

export interface StackSegment {
  key: "detractors" | "passives" | "promoters";
  percent: number;
  x: number;
  width: number;
  /** Where the segment's label sits, or null when the segment is too narrow to hold one. */
  labelX: number | null;
}

/** Promoters, passives and detractors as one bar from 0 to 100%, detractors first. */
export function npsStack(split: { detractors: number | null; passives: number | null; promoters: number | null }, width = 640): StackSegment[] {
  const x = scaleLinear().domain([0, 100]).range([0, width]);
  let at = 0;
  return (["detractors", "passives", "promoters"] as const).map((key) => {
    const percent = split[key] ?? 0;
    const x0 = x(at);
    const w = x(at + percent) - x0;
    at += percent;
    return { key, percent, x: r1(x0), width: r1(w), labelX: w >= 44 ? r1(x0 + w / 2) : null };
  });
}
