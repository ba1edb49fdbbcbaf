import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Deployed and under `wrangler dev`, a request goes to the static site unless its path is listed in
 * wrangler.toml's run_worker_first: a route outside that list would answer the site's 404 page. Every
 * path of the route table must be covered (the respondent pages, the APIs, the internal pages).
 */
const root = resolve(import.meta.dirname, "../..");
const toml = readFileSync(resolve(root, "wrangler.toml"), "utf8");
const patterns = JSON.parse(/^run_worker_first = (\[.*\])$/m.exec(toml)?.[1] ?? "[]") as string[];
const paths = [...readFileSync(resolve(root, "functions/routes.ts"), "utf8").matchAll(/^\s+path: "([^"]+)",$/gm)].map((m) => m[1]!);

const covered = (path: string) => patterns.some((pattern) => (pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern));

/**
 * Routes for the site's own addresses that the Worker answers only when no page is built there
 * (functions/internal/report-coming.ts): they must stay out of run_worker_first, so built pages are
 * served without the Worker, and they work only while an asset miss goes on to the Worker.
 */
const AFTER_ASSETS = ["/s/:id", "/s/:id/:range"];
const notFoundHandling = /^not_found_handling = "([^"]*)"$/m.exec(toml)?.[1];

describe("wrangler.toml run_worker_first", () => {
  it("covers every path of the route table but those the Worker gets on an asset miss", () => {
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((path) => !covered(path) && !AFTER_ASSETS.includes(path))).toEqual([]);
  });

  it("leaves the report pages to the assets, and sends what they lack on to the Worker", () => {
    for (const path of AFTER_ASSETS) {
      expect(paths).toContain(path);
      expect(covered(path)).toBe(false);
    }
    // "404-page" (or "single-page-application") would answer a miss from the assets without the Worker.
    expect(notFoundHandling).toBe("none");
  });
});
