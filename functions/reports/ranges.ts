/**
 * The ranges every survey report page is built for, as static variants: /s/{id}/ is the default (90
 * days), the others live under /s/{id}/{path}. "all" runs from the first day with an answer. The site
 * builds them (site/src/lib/report-view.ts); the Worker says "report coming" at each before a build.
 */
export const RANGES = [
  { key: "30", days: 30, label: "30 days", path: "30" },
  { key: "90", days: 90, label: "90 days", path: null },
  { key: "365", days: 365, label: "365 days", path: "365" },
  { key: "all", days: null, label: "Since the start", path: "all" },
] as const;
export type RangeKey = (typeof RANGES)[number]["key"];
export const DEFAULT_RANGE: RangeKey = "90";
/** The ranges that have a path of their own: every one but the default. */
export const RANGE_PATHS: readonly string[] = RANGES.flatMap((r) => (r.path === null ? [] : [r.path]));
