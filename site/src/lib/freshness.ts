/**
 * When a page's numbers were taken and when they may change: the export's moment, the cron that runs
 * the rollup (read from the Worker's wrangler.toml at build time), and whether a deploy hook rebuilds
 * the pages after a rollup that changed something. A page promises a rebuild only when the export
 * says a deploy hook is configured. Pure.
 */
import { formatCount, PAGE_LOCALE } from "./format";

/** Minutes between runs of a cron that fires every N minutes ("* * * * *", "*\/5 * * * *"); null for any other schedule. */
export function cronEveryMinutes(cron: string | null): number | null {
  if (cron === null) return null;
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5 || fields.slice(1).some((f) => f !== "*")) return null;
  const minute = fields[0]!;
  if (minute === "*") return 1;
  const step = /^\*\/([1-9]\d?)$/.exec(minute)?.[1];
  return step === undefined || 60 % Number(step) !== 0 ? null : Number(step);
}

/** The first run of an every-N-minutes cron strictly after `at` (epoch ms): runs fall on whole minutes divisible by N. */
export function nextRun(at: number, minutes: number): number {
  const step = minutes * 60_000;
  return Math.floor(at / step) * step + step;
}

const TIME = new Intl.DateTimeFormat(PAGE_LOCALE, { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" });
const CLOCK = new Intl.DateTimeFormat(PAGE_LOCALE, { timeZone: "UTC", timeStyle: "short" });

// ICU writes a narrow no-break space before AM/PM; a plain space reads the same and copies cleanly.
const plain = (text: string) => text.replace(/\u202f/g, " ");

/** "Nov 20, 2026, 6:00 AM UTC" */
export function formatUtc(at: number): string {
  return `${plain(TIME.format(at))} UTC`;
}

export interface Freshness {
  generated_at: string;
  /** The Worker's cron expression, or null when the build could not read it. */
  cron: string | null;
  deploy_hook: boolean | null;
}

/** The sentences of a page's footer: when its numbers are from, and when they are next due to change. */
export function freshnessText({ generated_at, cron, deploy_hook }: Freshness): string {
  const at = Date.parse(generated_at);
  const asOf = Number.isFinite(at) ? `Numbers as of ${formatUtc(at)}.` : "";
  const minutes = cronEveryMinutes(cron);
  const cadence = minutes === null ? "Rollups run on the Worker's cron schedule" : `Rollups run every ${minutes === 1 ? "minute" : `${formatCount(minutes)} minutes`}`;
  const due = minutes !== null && Number.isFinite(at) ? `${plain(CLOCK.format(nextRun(at, minutes)))} UTC` : null;
  if (deploy_hook === true) {
    const next = due === null ? "" : ` The next rollup is due at ${due}; if it changes the numbers, a rebuild follows it.`;
    return `${asOf} ${cadence}; the pages are rebuilt after a rollup that changes them.${next}`.trim();
  }
  if (deploy_hook === false) return `${asOf} ${cadence}, but no deploy hook is configured: these pages change only when the site is built again.`.trim();
  return `${asOf} ${cadence}; these pages change when the site is built again (after each rollup that changes them where a deploy hook is configured).`.trim();
}
