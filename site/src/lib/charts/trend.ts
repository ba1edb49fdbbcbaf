/**
 * The trend chart: the headline per period as a line with its 95% interval as a band, the target's
 * glide path, a benchmark line and numbered annotation markers. Periods without a value (no answers,
 * or suppressed on a public page) leave a gap rather than a made-up line. Pure: data in, SVG path
 * strings and coordinates out.
 */
import { scaleLinear, scaleUtc } from "d3-scale";
import { area, line } from "d3-shape";
import { expectedOnGlidePath } from "../../../../functions/scoring/target";
import type { Interval } from "../../../../functions/scoring/intervals";
import { MS_PER_DAY, dayDate, r1, valueTicks, type Box, type Tick } from "./common";

export interface TrendPointInput {
  from: string;
  to: string;
  value: number | null;
  ci: Interval | null;
  n: number;
  low_confidence: boolean;
}

export interface TrendInput {
  points: readonly TrendPointInput[];
  /** The headline's possible range, e.g. [0, 100]; the y axis always shows all of it. */
  domain: readonly [number, number];
  formatValue: (value: number) => string;
  formatDate: (date: Date) => string;
  target?: { start: { date: string; value: number }; end: { date: string; value: number } } | null;
  benchmark?: { value: number; label: string } | null;
  annotations?: readonly { day: string; label: string }[];
  box?: Box;
}

export interface TrendDot {
  x: number;
  y: number;
  index: number;
  low_confidence: boolean;
}

export interface TrendChart {
  width: number;
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  line: string | null;
  band: string | null;
  dots: TrendDot[];
  /** The glide path; `reached` when the target date lies on the axis (else it runs to the edge). */
  target: { path: string; end: { x: number; y: number }; reached: boolean } | null;
  benchmark: { y: number; label: string } | null;
  annotations: { x: number; number: number; day: string; label: string }[];
  /** y of the value 0 when it lies inside the domain but not on its edge (NPS). */
  zero: number | null;
  xTicks: Tick[];
  yTicks: Tick[];
}

// The left margin holds "−100" and "100%", the top the annotations' numbers, at a phone's larger type (Base.astro).
export const TREND_BOX: Box = { width: 640, height: 260, margin: { top: 30, right: 16, bottom: 28, left: 72 } };
/**
 * A target date a little past the last period widens the axis so the glide path reaches it: up to a
 * third of the trend's span (at least four weeks). Further out, the path is drawn up to the edge.
 */
export const TARGET_LOOKAHEAD_SHARE = 1 / 3;
export const TARGET_LOOKAHEAD_MIN_DAYS = 28;

const periodMid = (p: TrendPointInput): Date => new Date((dayDate(p.from).getTime() + dayDate(p.to).getTime() + MS_PER_DAY) / 2);

export function trendChart(input: TrendInput): TrendChart {
  const box = input.box ?? TREND_BOX;
  const { margin } = box;
  const plot = { left: margin.left, right: box.width - margin.right, top: margin.top, bottom: box.height - margin.bottom };
  const first = input.points[0];
  const last = input.points.at(-1);
  const start = first ? dayDate(first.from) : new Date(0);
  let end = last ? new Date(dayDate(last.to).getTime() + MS_PER_DAY) : new Date(MS_PER_DAY);
  const target = input.target ?? null;
  if (target) {
    const by = dayDate(target.end.date);
    const lookahead = Math.max(TARGET_LOOKAHEAD_MIN_DAYS * MS_PER_DAY, (end.getTime() - start.getTime()) * TARGET_LOOKAHEAD_SHARE);
    if (by >= end && by.getTime() - end.getTime() < lookahead) end = new Date(by.getTime() + MS_PER_DAY);
  }
  const x = scaleUtc().domain([start, end]).range([plot.left, plot.right]);
  const y = scaleLinear().domain(input.domain).range([plot.bottom, plot.top]).clamp(true);

  const valued = input.points.map((p, index) => ({ p, index, mid: periodMid(p) }));
  const trendLine = line<(typeof valued)[number]>()
    .defined((d) => d.p.value !== null)
    .x((d) => x(d.mid))
    .y((d) => y(d.p.value ?? 0))
    .digits(1);
  const band = area<(typeof valued)[number]>()
    .defined((d) => d.p.ci !== null)
    .x((d) => x(d.mid))
    .y0((d) => y(d.p.ci?.[0] ?? 0))
    .y1((d) => y(d.p.ci?.[1] ?? 0))
    .digits(1);
  const hasValue = valued.some((d) => d.p.value !== null);
  const hasCi = valued.some((d) => d.p.ci !== null);

  return {
    width: box.width,
    height: box.height,
    plot,
    line: hasValue ? trendLine(valued) : null,
    band: hasCi ? band(valued) : null,
    dots: valued.filter((d) => d.p.value !== null).map((d) => ({ x: r1(x(d.mid)), y: r1(y(d.p.value ?? 0)), index: d.index, low_confidence: d.p.low_confidence })),
    target: target ? glideLine(target, x, y, start, end) : null,
    benchmark: input.benchmark ? { y: r1(y(input.benchmark.value)), label: input.benchmark.label } : null,
    annotations: (input.annotations ?? [])
      .filter((a) => dayDate(a.day) >= start && dayDate(a.day) < end)
      .map((a, i) => ({ x: r1(x(new Date(dayDate(a.day).getTime() + MS_PER_DAY / 2))), number: i + 1, day: a.day, label: a.label })),
    zero: input.domain[0] < 0 && input.domain[1] > 0 ? r1(y(0)) : null,
    xTicks: x.ticks(6).map((date) => ({ pos: r1(x(date)), label: input.formatDate(date) })),
    yTicks: valueTicks(input.domain, [plot.bottom, plot.top], 5, input.formatValue),
  };
}

/** The straight line from the start value to the target, drawn only where it lies on the axis. */
function glideLine(
  target: NonNullable<TrendInput["target"]>,
  x: (date: Date) => number,
  y: (value: number) => number,
  domainStart: Date,
  domainEnd: Date,
): TrendChart["target"] {
  const from = Math.max(dayDate(target.start.date).getTime(), domainStart.getTime());
  const to = Math.min(dayDate(target.end.date).getTime(), domainEnd.getTime());
  if (from >= to) return null;
  const day = (time: number) => new Date(time).toISOString().slice(0, 10);
  const at = (time: number) => [r1(x(new Date(time))), r1(y(expectedOnGlidePath(target.start, target.end, day(time)).expected))] as const;
  const [x0, y0] = at(from);
  const [x1, y1] = at(to);
  const reached = dayDate(target.end.date).getTime() <= domainEnd.getTime();
  return { path: `M${x0},${y0}L${x1},${y1}`, end: { x: x1, y: y1 }, reached };
}
