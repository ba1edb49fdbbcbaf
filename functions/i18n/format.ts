import type { Locale } from "./locales";

export type FormatValues = Record<string, string | number>;

const numberFormats = new Map<Locale, Intl.NumberFormat>();

/** Formats a number the way the locale writes it (e.g. 2,000 / 2.000 / 2 000). */
export function formatNumber(value: number, locale: Locale): string {
  let format = numberFormats.get(locale);
  if (!format) {
    format = new Intl.NumberFormat(locale);
    numberFormats.set(locale, format);
  }
  return format.format(value);
}

/**
 * Fills `{name}` placeholders; numbers go through the locale's number format. An unknown
 * placeholder stays visible rather than throwing, so a catalogue slip never breaks a page.
 */
export function format(template: string, values: FormatValues, locale: Locale = "en"): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) return placeholder;
    return typeof value === "number" ? formatNumber(value, locale) : value;
  });
}

/** The placeholder names a template uses, for catalogue checks. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
}
