import { describe, expect, it } from "vitest";
import { cronEveryMinutes, freshnessText, formatUtc, nextRun } from "../../site/src/lib/freshness";

describe("the cron's cadence", () => {
  it("reads every-N-minutes schedules and nothing else", () => {
    expect(cronEveryMinutes("* * * * *")).toBe(1);
    expect(cronEveryMinutes("*/5 * * * *")).toBe(5);
    expect(cronEveryMinutes(" */15  * * * * ")).toBe(15);
    // 7 does not divide the hour: its runs are not evenly spaced.
    expect(cronEveryMinutes("*/7 * * * *")).toBeNull();
    expect(cronEveryMinutes("0 * * * *")).toBeNull();
    expect(cronEveryMinutes("*/5 9-17 * * *")).toBeNull();
    expect(cronEveryMinutes(null)).toBeNull();
  });

  it("finds the next run after a moment, on minutes divisible by N", () => {
    const at = Date.parse("2026-12-01T14:03:20.000Z");
    expect(new Date(nextRun(at, 5)).toISOString()).toBe("2026-12-01T14:05:00.000Z");
    expect(new Date(nextRun(at, 1)).toISOString()).toBe("2026-12-01T14:04:00.000Z");
    expect(new Date(nextRun(Date.parse("2026-12-01T14:05:00.000Z"), 5)).toISOString()).toBe("2026-12-01T14:10:00.000Z");
  });
});

describe("a page's freshness line", () => {
  const generated_at = "2026-12-01T14:03:20.000Z";

  it("writes the moment in en-US, UTC", () => {
    expect(formatUtc(Date.parse(generated_at))).toBe("Dec 1, 2026, 2:03 PM UTC");
  });

  it("promises a rebuild only with a deploy hook", () => {
    expect(freshnessText({ generated_at, cron: "*/5 * * * *", deploy_hook: true })).toBe(
      "Numbers as of Dec 1, 2026, 2:03 PM UTC. Rollups run every 5 minutes; the pages are rebuilt after a rollup that changes them. The next rollup is due at 2:05 PM UTC; if it changes the numbers, a rebuild follows it.",
    );
    expect(freshnessText({ generated_at, cron: "* * * * *", deploy_hook: false })).toBe(
      "Numbers as of Dec 1, 2026, 2:03 PM UTC. Rollups run every minute, but no deploy hook is configured: these pages change only when the site is built again.",
    );
    expect(freshnessText({ generated_at, cron: null, deploy_hook: null })).toBe(
      "Numbers as of Dec 1, 2026, 2:03 PM UTC. Rollups run on the Worker's cron schedule; these pages change when the site is built again (after each rollup that changes them where a deploy hook is configured).",
    );
  });
});
