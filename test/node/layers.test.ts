import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The house rule of functions/: a request travels one way, and no import runs from a lower layer up to
 * a higher one. The layers, top first (CONTRIBUTING.md says the same in words):
 */
const LAYERS: readonly (readonly string[])[] = [
  // The entry: fetch, scheduled and queue, and the cron's jobs.
  ["index.ts", "scheduled.ts"],
  // The route table, the router made from it and the OpenAPI document made from it.
  ["router.ts", "routes.ts", "openapi.ts"],
  // HTTP faces: the developer API, the respondent pages, the gated internal reports, the Delighted-compatible API.
  ["api", "respondent", "internal", "delighted"],
  // The work: counting choices, ingestion, the queue, rollups, metrics, alerts, webhooks, exports, sending…
  ["auth", "counting", "ingest", "queue", "rollups", "metrics", "alerts", "webhooks", "exports", "reports", "retention", "sending"],
  // Storage: every SQL statement, and the words its columns hold.
  ["storage"],
  // The ground: survey input, links, languages, statistics, secrets and HTTP helpers. No I/O but Web Crypto.
  ["surveys", "links", "i18n", "scoring", "security", "http"],
];

/** Pure modules: no storage, no bindings, no network. They carry the most tests. */
const PURE = ["scoring", "i18n", "links", "counting/counting-rule.ts", "counting/request-signals.ts", "rollups/days.ts", "rollups/buckets.ts", "rollups/plan.ts", "webhooks/events.ts", "webhooks/payloads.ts", "webhooks/delighted-events.ts", "webhooks/delighted-format.ts", "webhooks/retry.ts", "security/webhook-url.ts", "sending/message.ts", "sending/schedule.ts", "sending/backoff.ts", "sending/email-errors.ts"];

const root = resolve(import.meta.dirname, "../../functions");

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith(".ts") ? [path] : [];
  });
}

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

const IMPORT = /^import\s+(type\s+)?[^;]*?from\s+"(\.{1,2}\/[^"]+)";/gms;

const imports: Import[] = filesUnder(root).flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(IMPORT)].map((match) => ({
    from: relative(root, file),
    to: relative(root, resolve(dirname(file), match[2]!)).replace(/\.ts$/, "") + ".ts",
    typeOnly: Boolean(match[1]),
  })),
);

const placeOf = (file: string) => file.split("/")[0]!;
const layerOf = (file: string) => LAYERS.findIndex((layer) => layer.includes(placeOf(file)));

describe("the layers of functions/", () => {
  it("places every folder and top-level file in a layer", () => {
    const places = new Set(filesUnder(root).map((file) => placeOf(relative(root, file))));
    expect([...places].filter((place) => layerOf(place) < 0)).toEqual([]);
  });

  it("has no import from a lower layer up to a higher one", () => {
    const upward = imports.filter(({ from, to }) => layerOf(to) < layerOf(from)).map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it("has no loop between folders", () => {
    const edges = new Set(imports.map(({ from, to }) => `${placeOf(from)} ${placeOf(to)}`).filter((edge) => edge.split(" ")[0] !== edge.split(" ")[1]));
    const loops = [...edges].filter((edge) => edges.has(edge.split(" ").reverse().join(" ")));
    expect(loops).toEqual([]);
  });

  it("keeps pure modules away from storage, bindings and the network", () => {
    const isPure = (file: string) => PURE.some((place) => file === place || file.startsWith(`${place}/`));
    const reaching = imports.filter(({ from, to, typeOnly }) => isPure(from) && placeOf(to) === "storage" && !typeOnly).map(({ from, to }) => `${from} -> ${to}`);
    expect(reaching).toEqual([]);
    const io = filesUnder(root)
      .map((file) => relative(root, file))
      .filter((file) => isPure(file) && /\b(D1Database|env\.DB|fetch\()/.test(readFileSync(join(root, file), "utf8")));
    expect(io).toEqual([]);
  });

  it("reads the imports it judges (the check is not vacuous)", () => {
    expect(imports.length).toBeGreaterThan(200);
    expect(imports).toContainEqual({ from: "router.ts", to: "routes.ts", typeOnly: false });
  });
});
