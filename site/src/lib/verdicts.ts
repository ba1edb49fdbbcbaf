/**
 * Every verdict a report page shows, in words, with the page's numbers (format.ts): the target's
 * verdict and why, a comparison with the previous period or between A/B variants and whether it is
 * significant, and the weekly drop check. The verdicts themselves come from the scoring engine, as
 * in the metrics API; this only says them, so a page never shows a verdict as a colour or a flag
 * alone. Pure.
 */
import { LOW_CONFIDENCE_N } from "../../../functions/scoring/summary";
import { answers, formatChange, formatDay, formatDays, formatDifferenceInterval, formatInterval, formatNumber, formatP, formatValue, METRIC_NAME, unitDigits } from "./format";
import { windowPhrase } from "./periods";
import type { DropCheck, PeriodComparison, SurveyReport, VariantComparison } from "./report-view";

export const VERDICT_WORDS = { on_track: "on track", off_track: "off track", too_early: "too early to tell" } as const;

type TargetFacts = Pick<SurveyReport, "target" | "ctx" | "window">;

/** "CSAT 71% over the last 30 days (…; 1,234 answers); the line is at 78% for those days; the interval 68–74% lies below it." */
export function targetSentence({ target, ctx, window }: TargetFacts): string | null {
  if (target === null) return null;
  if (target.start === null || target.expected === null) return "No answers yet to set where the target's line starts.";
  const range = `${windowPhrase(window)} (${formatDays(window.from, window.to)}`;
  const line = `the line is at ${formatValue(target.expected, ctx)} for those days`;
  if (target.observed === null) return `No answers over ${range}); ${line}.`;
  const stated = `${METRIC_NAME[ctx.metric]} ${formatValue(target.observed, ctx)} over ${range}; ${answers(target.n)}); ${line}`;
  const interval = target.interval ? formatInterval(target.interval, ctx) : null;
  if (target.verdict === "off_track") return `${stated}; the interval ${interval} lies below it.`;
  if (target.verdict === "on_track") return `${stated}; the headline is at or above it (interval ${interval}).`;
  if (target.n < LOW_CONFIDENCE_N) return `${stated}; ${answers(target.n)} are too few to tell.`;
  return `${stated}; the headline is below it but the interval ${interval} reaches it: too early to tell.`;
}

/** The target in a table cell: "89% against a line at 88% (target 90% by Mar 31, 2027)". */
export function targetShort({ target, ctx }: Pick<SurveyReport, "target" | "ctx">): string | null {
  if (target === null) return null;
  const goal = `target ${formatValue(target.value, ctx)} by ${formatDay(target.by)}`;
  if (target.start === null || target.expected === null) return `no answers yet to start the line (${goal})`;
  if (target.observed === null) return `no answers; the line is at ${formatValue(target.expected, ctx)} (${goal})`;
  return `${formatValue(target.observed, ctx)} against a line at ${formatValue(target.expected, ctx)} (${goal})`;
}

function significance(p: number | null, significant: boolean): string {
  if (p === null) return "no test is possible";
  return `${formatP(p)}: ${significant ? "a significant difference" : "not a significant difference"} at the 5% level`;
}

type Comparable = Pick<PeriodComparison, "difference" | "ci" | "p_value" | "significant">;

function difference(c: Comparable, ctx: SurveyReport["ctx"]): string {
  if (c.difference === null) return "no comparison possible";
  const interval = c.ci ? `, 95% interval ${formatDifferenceInterval(c.ci, ctx)}` : "";
  return `${formatChange(c.difference, ctx)}${interval}; ${significance(c.p_value, c.significant)}`;
}

/** "CSAT 89% over the last 90 days against 82% over the 90 days before (…; 511 answers): up 7 points, 95% interval +3 to +12 points; p < 0.001: a significant difference at the 5% level." */
export function previousSentence(report: Pick<SurveyReport, "ctx" | "window" | "headline">, previous: PeriodComparison): string {
  const { ctx, window, headline } = report;
  const before = `the ${window.days} days before (${formatDays(previous.from, previous.to)}`;
  if (previous.previous.value === null) return `No answers over ${before}) to compare with.`;
  const then = `${formatValue(previous.previous.value, ctx)} over ${before}; ${answers(previous.previous.n)})`;
  if (headline.value === null) return `No answers over ${windowPhrase(window)} to compare with ${then}.`;
  return `${METRIC_NAME[ctx.metric]} ${formatValue(headline.value, ctx)} over ${windowPhrase(window)} against ${then}: ${difference(previous, ctx)}.`;
}

/** "Variant B 91% (700 answers) against the baseline, variant A 87% (737 answers): up 4 points, …; p = 0.012: a significant difference at the 5% level." */
export function variantSentence(ctx: SurveyReport["ctx"], variants: VariantComparison): string {
  const side = ({ label, cell }: VariantComparison["a"]) => `variant ${label} ${cell.value === null ? "(no answers)" : `${formatValue(cell.value, ctx)} (${answers(cell.n)})`}`;
  const others = variants.others.length > 0 ? ` Other variants, not compared here: ${variants.others.join(", ")}.` : "";
  return `${capitalize(side(variants.b))} against the baseline, ${side(variants.a)}: ${difference(variants, ctx)}.${others}`;
}

/**
 * The trend of a page's summary in a few words: the change on the previous period and whether it is
 * significant, or, without a comparison, the first and last periods of the trend with a value.
 */
export function trendWords(report: Pick<SurveyReport, "ctx" | "window" | "headline" | "previous" | "trend">): string {
  const { ctx, previous, window } = report;
  if (previous && previous.difference !== null && report.headline.value !== null && previous.previous.value !== null) {
    const verdict = previous.p_value === null ? "" : previous.significant ? " (a significant change)" : " (not a significant change)";
    const partly = previous.coverage.covered < previous.coverage.days ? `, which hold answers from only ${formatNumber(previous.coverage.covered)} of their days` : "";
    return `${capitalize(formatChange(previous.difference, ctx))} on the previous ${formatNumber(window.days)} days${partly}${verdict}.`;
  }
  const valued = report.trend.points.filter((p) => p.value !== null);
  const first = valued[0];
  const last = valued.at(-1);
  if (!first || !last || first === last) return "Not enough periods with answers to show a trend yet.";
  return `From ${formatValue(first.value ?? 0, ctx)} in the first period with answers to ${formatValue(last.value ?? 0, ctx)} in the latest: ${formatChange((last.value ?? 0) - (first.value ?? 0), ctx)}.`;
}

/** The weekly drop check of the last completed week, alert or not. */
export function dropSentence(ctx: SurveyReport["ctx"], check: DropCheck): string {
  const week = `the week of ${formatDays(check.week.from, check.week.to)}`;
  const { alert } = check;
  if (alert === null) {
    return `No drop alert for ${week}: the weekly check, tuned to a fall of ${formatNumber(check.size, unitDigits(ctx.unit))}${ctx.unit === "mean" ? "" : " points"}, did not cross its threshold.`;
  }
  const side = (s: { from: string; to: string; value: number; n: number }) => `${formatValue(s.value, ctx)} over ${formatDays(s.from, s.to)} (${answers(s.n)})`;
  // The fall and its interval as positive amounts, as the drop webhook's reason says them.
  const digits = unitDigits(ctx.unit);
  const unit = ctx.unit === "mean" ? "" : " points";
  const fall = `${formatNumber(-alert.delta, digits)}${unit} (95% interval of the fall: ${formatNumber(-alert.ci[1], digits)} to ${formatNumber(-alert.ci[0], digits)}${unit})`;
  return `Drop alert for ${week}: ${METRIC_NAME[ctx.metric]} ${side(alert.latest)} against ${side(alert.baseline)}: down ${fall}.`;
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
