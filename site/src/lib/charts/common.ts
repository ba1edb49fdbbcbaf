/** Shared pieces of the chart math: rounding for compact SVG, ticks, and day ↔ Date. Pure. */
import { scaleLinear } from "d3-scale";

/** A tick on an axis: its position in SVG units and its label. */
export interface Tick {
  pos: number;
  label: string;
}

export interface Box {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** One decimal is finer than a pixel and keeps pages small. */
export const r1 = (value: number): number => Math.round(value * 10) / 10;

/** A calendar day as the UTC Date of its midnight. */
export const dayDate = (day: string): Date => new Date(`${day}T00:00:00Z`);

export const MS_PER_DAY = 86_400_000;

/** Value ticks for an axis over [lo, hi] in SVG coordinates [start, end]. */
export function valueTicks(domain: readonly [number, number], range: readonly [number, number], count: number, format: (value: number) => string): Tick[] {
  const scale = scaleLinear().domain(domain).range(range);
  return scale.ticks(count).map((value) => ({ pos: r1(scale(value)), label: format(value) }));
}
