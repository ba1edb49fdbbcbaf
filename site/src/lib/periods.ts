/**
 * What period a number or a chart covers, in words: the page's range, the trend's granularity and
 * span, and how much of a window the survey's answers actually reach (a survey that started inside the
 * previous 90 days only partly covers them). Pure.
 */
import type { Granularity } from "../../../functions/metrics/query";
import { formatCount, formatDay, formatDays } from "./format";
import type { Coverage, PeriodComparison, SurveyReport } from "./report-view";

type Window = SurveyReport["window"];

/** "the last 90 days", or for the range since the start "the 120 days since the first answer". */
export function windowPhrase(window: Pick<Window, "range" | "days">): string {
  if (window.range === "all") return `the ${formatCount(window.days)} ${window.days === 1 ? "day" : "days"} since the first answer`;
  return `the last ${formatCount(window.days)} days`;
}

/** "last 90 days (Aug 23 – Nov 20, 2026)": the phrase without its article, and the dates. */
export function windowPeriod(window: Pick<Window, "range" | "days" | "from" | "to">): string {
  return `${windowPhrase(window).replace(/^the /, "")} (${formatDays(window.from, window.to)})`;
}

const PER: Record<Granularity, string> = { day: "day", week: "week", month: "month" };
const EVERY: Record<Granularity, string> = { day: "Daily", week: "Weekly", month: "Monthly" };

/** "per week" */
export function perPeriod(granularity: Granularity): string {
  return `per ${PER[granularity]}`;
}

/** A trend's caption: "Weekly, Aug 17 – Nov 20, 2026". */
export function trendCaption(trend: Pick<SurveyReport["trend"], "granularity" | "from" | "to">): string {
  return `${EVERY[trend.granularity]}, ${formatDays(trend.from, trend.to)}`;
}

/**
 * When the answers start after a run of days began: "answers start on Jul 24, 2026, so they cover 30
 * of these 90 days". Null when the run is covered in full.
 */
export function coverageNote(c: Coverage): string | null {
  if (c.covered >= c.days) return null;
  if (c.first === null || c.covered === 0) return `no answers fall in these ${formatCount(c.days)} days`;
  return `answers start on ${formatDay(c.first)}, so they cover ${formatCount(c.covered)} of these ${formatCount(c.days)} days`;
}

/** Said next to a comparison with the previous period when the survey's answers reach only part of it. */
export function previousCoverageNote(previous: Pick<PeriodComparison, "from" | "to" | "coverage">): string | null {
  const { coverage: c } = previous;
  if (c.covered >= c.days) return null;
  const span = `The previous ${formatCount(c.days)} days (${formatDays(previous.from, previous.to)})`;
  if (c.first === null || c.covered === 0) return `${span} hold no answers: the survey's first answer came later.`;
  return `${span} are only partly covered: the survey's first answer came on ${formatDay(c.first)}, so they hold answers from only ${formatCount(c.covered)} of those ${formatCount(c.days)} days.`;
}
