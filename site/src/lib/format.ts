/**
 * How report numbers and dates are written: Intl in the survey's locale, headline units spelled out
 * (% satisfied, NPS points, a mean on its scale), intervals as "88–95%". Pure.
 */
import type { Metric, Scale } from "../../../functions/scoring/metrics";
import type { HeadlineUnit } from "../../../functions/scoring/summary";

export const METRIC_NAME: Record<Metric, string> = {
  csat: "CSAT",
  nps: "NPS",
  ces: "CES",
  rating: "Rating",
  intent: "Intent",
};

const GOOD_WORD: Record<Metric, string> = {
  csat: "satisfied",
  rating: "satisfied",
  nps: "promoters",
  ces: "low effort",
  intent: "likely",
};

export interface UnitContext {
  metric: Metric;
  unit: HeadlineUnit;
  scale: Scale;
  locale: string;
}

const cache = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let format = cache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, options);
    cache.set(key, format);
  }
  return format;
}

export function formatCount(value: number, locale: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(value);
}

/** A percentage given in points (0–100). */
export function formatPercent(points: number, locale: string, digits = 0): string {
  return numberFormat(locale, { style: "percent", maximumFractionDigits: digits, minimumFractionDigits: digits }).format(points / 100);
}

/** Decimals a mean needs: one on a 1–10 scale (a Dutch "7,8"), two on shorter scales. */
export function meanDigits(scale: Scale): number {
  return scale.max - scale.min >= 9 ? 1 : 2;
}

/** A headline value in its own units, without the unit's name. */
export function formatValue(value: number, ctx: UnitContext): string {
  if (ctx.unit === "percent") return formatPercent(value, ctx.locale);
  if (ctx.unit === "nps") return numberFormat(ctx.locale, { maximumFractionDigits: 0, signDisplay: "exceptZero" }).format(value);
  const digits = meanDigits(ctx.scale);
  return numberFormat(ctx.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
}

/** A difference between two headline values: percentage points, NPS points or scale units. */
export function formatDifference(value: number, ctx: UnitContext): string {
  const digits = ctx.unit === "mean" ? meanDigits(ctx.scale) : 1;
  const number = numberFormat(ctx.locale, { maximumFractionDigits: digits, minimumFractionDigits: digits, signDisplay: "exceptZero" }).format(value);
  if (ctx.unit === "percent") return `${number} pp`;
  if (ctx.unit === "nps") return `${number} points`;
  return number;
}

export function formatInterval(ci: readonly [number, number], ctx: UnitContext): string {
  return `${formatValue(ci[0], ctx)} – ${formatValue(ci[1], ctx)}`;
}

/** e.g. "% satisfied", "NPS", "mean on the 1–7 scale". */
export function unitLabel(ctx: UnitContext): string {
  if (ctx.unit === "nps") return "NPS";
  if (ctx.unit === "percent") return `% ${GOOD_WORD[ctx.metric]}`;
  return `mean on the ${ctx.scale.min}–${ctx.scale.max} scale`;
}

/** The headline's name under the big number: "CSAT, % satisfied", "NPS, from −100 to +100". */
export function headlineLabel(ctx: UnitContext): string {
  if (ctx.unit === "nps") return "NPS, from −100 to +100";
  return `${METRIC_NAME[ctx.metric]}, ${unitLabel(ctx)}`;
}

/** One line that says how the headline is computed. */
export function methodText(ctx: UnitContext, goodMin: number): string {
  const { scale } = ctx;
  if (ctx.unit === "nps") {
    return `NPS is the share of promoters (9–10) minus the share of detractors (0–6), from −100 to +100. Passives (7–8) count in n only. The 95% interval is the adjusted Wald interval (Rocks, 2016): ¾ of an answer added to promoters and to detractors, 3 to n, then their multinomial variance.`;
  }
  if (ctx.unit === "percent") {
    const range = goodMin === scale.max ? `${scale.max}` : `${goodMin}–${scale.max}`;
    return `The share of answers scoring ${range} on the ${scale.min}–${scale.max} scale (${GOOD_WORD[ctx.metric]}). The 95% interval is the Wilson score interval.`;
  }
  return `The mean of all answers on the ${scale.min}–${scale.max} scale. The 95% interval is a Student t interval whose variance counts one extra answer split between the scale's ends, so answers that all agree still get an honest width.`;
}

const dateCache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}\u0000${JSON.stringify(options)}`;
  let format = dateCache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { timeZone: "UTC", ...options });
    dateCache.set(key, format);
  }
  return format;
}

/** A calendar day (YYYY-MM-DD), e.g. "20 Nov 2026" / "20 nov. 2026". */
export function formatDay(day: string, locale: string): string {
  return dateFormat(locale, { day: "numeric", month: "short", year: "numeric" }).format(new Date(`${day}T00:00:00Z`));
}

/** A short day for axes: "20 Nov". */
export function formatShortDay(day: Date, locale: string): string {
  return dateFormat(locale, { day: "numeric", month: "short" }).format(day);
}

/** A month period (YYYY-MM): "Nov 2026". */
export function formatMonth(period: string, locale: string): string {
  return dateFormat(locale, { month: "short", year: "numeric" }).format(new Date(`${period}-01T00:00:00Z`));
}

/** An instant (ISO text) in the survey's time zone. */
export function formatInstant(iso: string, locale: string, timeZone: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(time));
}

/** The response rate of the survey emails sent in a range: "Emails: 1,204 sent, 412 answered (34%)". */
export function formatEmails(emails: { sent: number; answered: number; percent: number }, locale: string): string {
  return `Emails: ${formatCount(emails.sent, locale)} sent, ${formatCount(emails.answered, locale)} answered (${formatPercent(emails.percent, locale)})`;
}
