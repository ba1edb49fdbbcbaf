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

describe("wrangler.toml run_worker_first", () => {
  it("covers every path of the route table", () => {
    expect(paths.length).toBeGreaterThan(50);
    expect(paths.filter((path) => !covered(path))).toEqual([]);
  });
});
