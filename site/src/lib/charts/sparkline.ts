/** A sparkline: the headline per period in a small box, gaps where there is no value. Pure. */
import { scaleLinear } from "d3-scale";
import { line } from "d3-shape";
import { r1 } from "./common";

export interface Sparkline {
  width: number;
  height: number;
  path: string | null;
  last: { x: number; y: number } | null;
}

export function sparkline(values: readonly (number | null)[], domain: readonly [number, number], width = 120, height = 28): Sparkline {
  const pad = 3;
  const x = scaleLinear().domain([0, Math.max(1, values.length - 1)]).range([pad, width - pad]);
  const y = scaleLinear().domain(domain).range([height - pad, pad]).clamp(true);
  const points = values.map((value, i) => ({ value, i }));
  const path = line<(typeof points)[number]>()
    .defined((p) => p.value !== null)
    .x((p) => x(p.i))
    .y((p) => y(p.value ?? 0))
    .digits(1);
  const lastPoint = points.filter((p) => p.value !== null).at(-1);
  return {
    width,
    height,
    path: lastPoint ? path(points) : null,
    last: lastPoint ? { x: r1(x(lastPoint.i)), y: r1(y(lastPoint.value ?? 0)) } : null,
  };
}
