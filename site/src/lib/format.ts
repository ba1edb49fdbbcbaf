/**
 * The one place report pages write numbers and dates. The pages are English, so every number and
 * date is en-US whatever the survey's locale (a Dutch survey's page still reads 1,311 and Nov 20,
 * 2026). Numbers are rounded the way a person reads them — the API keeps full precision:
 *   - percentages (CSAT and other % headlines, shares, response rates) and NPS: whole numbers;
 *   - means (CES, rating and every other mean): one decimal;
 *   - intervals and differences: the same rounding as the value they belong to;
 *   - rounding is half away from zero (71.5 → 72, −0.5 → −1, 4.25 → 4.3), on the number as it is
 *     written in decimal (4.35 → 4.4, not the 4.3 its binary double would give);
 *   - negative numbers carry a true minus sign (−), and a value that rounds to zero is "0", never "−0".
 * Pure.
 */
import type { Metric, Scale } from "../../../functions/scoring/metrics";
import type { HeadlineUnit } from "../../../functions/scoring/summary";

/** The pages' language: the site is written in English. */
export const PAGE_LOCALE = "en-US";
const MINUS = "\u2212";

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
}

const numberCache = new Map<string, Intl.NumberFormat>();
function numberFormat(digits: number, signed: boolean): Intl.NumberFormat {
  const key = `${digits}:${signed}`;
  let format = numberCache.get(key);
  if (!format) {
    format = new Intl.NumberFormat(PAGE_LOCALE, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      roundingMode: "halfExpand",
      // "negative" drops the sign of a value that rounds to zero; "exceptZero" adds + to positive ones.
      signDisplay: signed ? "exceptZero" : "negative",
    });
    numberCache.set(key, format);
  }
  return format;
}

/** A number rounded half away from zero to `digits` decimals, grouped, with a true minus sign. */
export function formatNumber(value: number, digits = 0): string {
  return numberFormat(digits, false).format(value).replace("-", MINUS);
}

/** As formatNumber, with "+" before a positive number: for changes. */
export function formatSigned(value: number, digits = 0): string {
  return numberFormat(digits, true).format(value).replace("-", MINUS);
}

/** A count of answers, emails or clicks: "1,311". */
export function formatCount(value: number): string {
  return formatNumber(value, 0);
}

/** A percentage given in points (0–100), whole: 71.43 → "71%". */
export function formatPercent(points: number): string {
  return `${formatNumber(points, 0)}%`;
}

/** Decimals of a value in the headline's unit: whole % and NPS points, one decimal for a mean. */
export function unitDigits(unit: HeadlineUnit): number {
  return unit === "mean" ? 1 : 0;
}

/** A headline value in its own units, without the unit's name: "71%", "34", "4.3". */
export function formatValue(value: number, ctx: Pick<UnitContext, "unit">): string {
  if (ctx.unit === "percent") return formatPercent(value);
  return formatNumber(value, unitDigits(ctx.unit));
}

/** An axis label: as formatValue, but a mean's whole ticks without a decimal (1, 2, … 7). */
export function formatTick(value: number, ctx: Pick<UnitContext, "unit">): string {
  if (ctx.unit === "mean" && Number.isInteger(value)) return formatNumber(value, 0);
  return formatValue(value, ctx);
}

/** A 95% interval: "68–74%" for a percentage, "4.1–4.4" for a mean, "−5 to 12" for NPS (which can be negative). */
export function formatInterval(ci: readonly [number, number], ctx: Pick<UnitContext, "unit">): string {
  const digits = unitDigits(ctx.unit);
  const [lo, hi] = [formatNumber(ci[0], digits), formatNumber(ci[1], digits)];
  if (ctx.unit === "percent") return `${lo}–${hi}%`;
  if (ctx.unit === "mean") return `${lo}–${hi}`;
  return `${lo} to ${hi}`;
}

/** The unit of a difference: percentage points and NPS points are "points"; a mean's difference has none. */
function differenceUnit(ctx: Pick<UnitContext, "unit">): string {
  return ctx.unit === "mean" ? "" : " points";
}

/** A difference's 95% interval, signed: "+3 to +12 points". */
export function formatDifferenceInterval(ci: readonly [number, number], ctx: Pick<UnitContext, "unit">): string {
  const digits = unitDigits(ctx.unit);
  return `${formatSigned(ci[0], digits)} to ${formatSigned(ci[1], digits)}${differenceUnit(ctx)}`;
}

/** A change in words: "up 7 points", "down 0.3", "no change" when it rounds to nothing. */
export function formatChange(value: number, ctx: Pick<UnitContext, "unit">): string {
  const size = formatNumber(Math.abs(value), unitDigits(ctx.unit));
  if (Number(size.replace(/,/g, "")) === 0) return "no change";
  return `${value > 0 ? "up" : "down"} ${size}${differenceUnit(ctx)}`;
}

/** A p-value: "p < 0.001", else two significant digits, "p = 0.034". */
export function formatP(p: number): string {
  if (p < 0.001) return "p < 0.001";
  return `p = ${new Intl.NumberFormat(PAGE_LOCALE, { maximumSignificantDigits: 2, roundingMode: "halfExpand" }).format(p)}`;
}

/** "1 answer", "1,311 answers". */
export function answers(n: number): string {
  return `${formatCount(n)} ${n === 1 ? "answer" : "answers"}`;
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
    return `NPS is the share of promoters (9–10) minus the share of detractors (0–6), from −100 to +100. Passives (7–8) count in n only. The 95% interval is the adjusted Wald interval (Rocks, 2016): ¾ of an answer added to promoters and to detractors, 3 to n, then their multinomial variance. NPS is shown as a whole number, rounded half away from zero.`;
  }
  if (ctx.unit === "percent") {
    const range = goodMin === scale.max ? `${scale.max}` : `${goodMin}–${scale.max}`;
    return `The share of answers scoring ${range} on the ${scale.min}–${scale.max} scale (${GOOD_WORD[ctx.metric]}). The 95% interval is the Wilson score interval. Percentages are shown as whole numbers, rounded half away from zero.`;
  }
  return `The mean of all answers on the ${scale.min}–${scale.max} scale. The 95% interval is a Student t interval whose variance counts one extra answer split between the scale's ends, so answers that all agree still get an honest width. Means are shown to one decimal, rounded half away from zero.`;
}

const dateCache = new Map<string, Intl.DateTimeFormat>();
function dateFormat(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = JSON.stringify(options);
  let format = dateCache.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(PAGE_LOCALE, { timeZone: "UTC", ...options });
    dateCache.set(key, format);
  }
  return format;
}

const dayDate = (day: string) => new Date(`${day}T00:00:00Z`);
const DAY: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", year: "numeric" };

/** A calendar day (YYYY-MM-DD): "Nov 20, 2026". */
export function formatDay(day: string): string {
  return dateFormat(DAY).format(dayDate(day));
}

/** Two calendar days, both included, without repeating what they share: "Aug 23 – Nov 20, 2026". */
export function formatDays(from: string, to: string): string {
  if (from === to) return formatDay(from);
  // Written out rather than formatRange, whose spacing (thin spaces) differs between ICU versions.
  const start = from.slice(0, 4) === to.slice(0, 4) ? formatShortDay(dayDate(from)) : formatDay(from);
  return `${start} – ${formatDay(to)}`;
}

/** A short day for axes: "Nov 20". */
export function formatShortDay(day: Date): string {
  return dateFormat({ day: "numeric", month: "short" }).format(day);
}

/** A month period (YYYY-MM): "Nov 2026". */
export function formatMonth(period: string): string {
  return dateFormat({ month: "short", year: "numeric" }).format(dayDate(`${period}-01`));
}

/** An instant (ISO text) in the survey's time zone: "Nov 20, 2026, 7:00 AM". */
export function formatInstant(iso: string, timeZone: string): string {
  const time = Date.parse(iso);
  if (!Number.isFinite(time)) return iso;
  return new Intl.DateTimeFormat(PAGE_LOCALE, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(time));
}

/** The response rate of the survey emails sent in a range: "Emails: 1,204 sent, 412 answered (34%)". */
export function formatEmails(emails: { sent: number; answered: number; percent: number }): string {
  return `Emails: ${formatCount(emails.sent)} sent, ${formatCount(emails.answered)} answered (${formatPercent(emails.percent)})`;
}
