import { describe, expect, it } from "vitest";
import { createWranglerFilter } from "../../scripts/lib/wrangler-output";

// What wrangler 4 prints around a start and a reload (offline, so with the Request.cf warning).
const STARTUP = `
 ⛅️ wrangler 4.156.2 (update available 4.164.0)
───────────────────────────────────────────────
Using secrets defined in .dev.vars
Your Worker has access to the following bindings:
Binding                                        Resource                  Mode
env.TAPS (tapscore-taps)                       Queue                     local
env.DB (tapscore)                              D1 Database               local
env.ADMIN_TOKEN ("(hidden)")                   Environment Variable      local

\x1b[33m▲ \x1b[43;33m[\x1b[43;30mWARNING\x1b[43;33m]\x1b[0m \x1b[1mMissing required secrets: SESSION_SECRET.\x1b[0m

[wrangler:warn] Unable to fetch the \`Request.cf\` object! Falling back to a default placeholder...
Error: getaddrinfo ENOTFOUND workers.cloudflare.com
    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:123:26)
⎔ Starting local server...
⎔ Connection status updated
[wrangler:info] ✨ Parsed 2 valid header rules.
[wrangler:info] Ready on http://127.0.0.1:8787
[wrangler:info] GET /healthz 200 OK (1048ms)`;

const keep = (filter: ReturnType<typeof createWranglerFilter>, text: string) => text.split("\n").filter((line) => filter.keep(line));

describe("the wrangler output filter of npm start", () => {
  it("drops start-up boilerplate and keeps warnings", () => {
    const kept = keep(createWranglerFilter(), STARTUP);
    expect(kept.map((line) => line.replace(/\x1b\[[0-9;]*m/g, ""))).toEqual(["▲ [WARNING] Missing required secrets: SESSION_SECRET.", ""]);
  });

  it("keeps the Worker's logs, errors and requests, but not its own export checks", () => {
    let now = 0;
    const filter = createWranglerFilter(() => now);
    keep(filter, STARTUP);
    filter.markStarted();
    expect(
      keep(
        filter,
        [
          "rollup caught up",
          "✘ [ERROR] Uncaught TypeError: x is not a function",
          "[wrangler:info] GET /healthz 200 OK (3ms)",
          "[wrangler:info] GET /api/v1/reports/export 200 OK (40ms)",
          "[wrangler:info] GET /api/v1/reports/export 401 Unauthorized (4ms)",
          "[wrangler:info] POST /api/v1/surveys 201 Created (12ms)",
        ].join("\n"),
      ),
    ).toEqual([
      "rollup caught up",
      "✘ [ERROR] Uncaught TypeError: x is not a function",
      "[wrangler:info] GET /healthz 200 OK (3ms)",
      "[wrangler:info] GET /api/v1/reports/export 401 Unauthorized (4ms)",
      "[wrangler:info] POST /api/v1/surveys 201 Created (12ms)",
    ]);
    // A reload after a site rebuild is hidden; one after a code change shows.
    const reload = "⎔ Reloading local server...\nenv.DB (tapscore)     D1 Database     local\n\n⎔ Local server updated and ready";
    filter.quietReloads(10_000);
    expect(keep(filter, reload)).toEqual([]);
    now = 20_000;
    expect(keep(filter, reload)).toEqual(["⎔ Reloading local server...", "⎔ Local server updated and ready"]);
  });
});
