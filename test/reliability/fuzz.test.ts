import { env } from "cloudflare:test";
import fc from "fast-check";
import type { RouteEntry } from "itty-router";
import { beforeAll, describe, expect, it } from "vitest";
import { router } from "../../functions/router";
import { fetchChecked } from "../helpers/document";
import { createSurvey, invite, pathOf } from "../helpers/respondent";

/**
 * Fuzzing every route of the router with random path parameters, query strings, headers and bodies:
 * the Worker answers 2xx, 3xx or 4xx, never 5xx, and a 4xx leaves every table as it was.
 */

const routes = (router.routes as RouteEntry[]).map(([method, , , path]) => ({ method, path: path ?? "/" }));
const RUNS_PER_ROUTE = 25;

let tokens: string[] = [];

/** Row counts of every table, in one statement. */
async function tableCounts(): Promise<Record<string, number>> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY name",
  ).all<{ name: string }>();
  // Scalar subqueries, not UNION ALL: D1 allows only a few terms in a compound SELECT.
  const sql = `SELECT ${tables.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`).join(", ")}`;
  return (await env.DB.prepare(sql).first<Record<string, number>>())!;
}

const ascii = fc.string({ unit: "grapheme-ascii", maxLength: 40 });
const anyText = fc.string({ maxLength: 60 });

function segment(name: string): fc.Arbitrary<string> {
  if (name === "token") {
    return fc.oneof(
      fc.constantFrom(...tokens),
      // An authentic token with one character changed, cut short or lengthened.
      fc.tuple(fc.constantFrom(...tokens), fc.nat(), fc.constantFrom("A", "_", "-", "z", "")).map(([t, i, c]) => t.slice(0, i % t.length) + c + t.slice((i % t.length) + 1)),
      anyText,
    );
  }
  if (name === "score") return fc.oneof(fc.integer({ min: -3, max: 14 }).map(String), fc.constantFrom("signal", "05", "1e1", "", "%00"), anyText);
  // Ids: one that exists (another survey than the fuzzed one, so nothing is archived), or anything.
  return fc.oneof(fc.constantFrom("fuzz-other", "rsp_nothing", "k_000000000000", "wh_none"), anyText);
}

function fillPath(path: string): fc.Arbitrary<string> {
  const parts = path.split("/").map((part): fc.Arbitrary<string> => {
    if (part.startsWith(":")) return segment(part.slice(1)).map(encodeURIComponent);
    if (part === "*") return fc.array(anyText.map(encodeURIComponent), { maxLength: 3 }).map((p) => p.join("/"));
    return fc.constant(part);
  });
  return fc.tuple(...parts).map((p) => p.join("/"));
}

const query = fc
  .dictionary(fc.constantFrom("from", "to", "status", "cursor", "limit", "group_by", "granularity", "compare", "format", "survey", "x", "score"), anyText, { maxKeys: 4 })
  .map((q) => {
    const s = new URLSearchParams(q).toString();
    return s ? `?${s}` : "";
  });

const headers = fc.record(
  {
    authorization: fc.oneof(fc.constant(`Bearer ${env.ADMIN_TOKEN}`), fc.constant("Bearer tsk_nope"), ascii.map((s) => `Bearer ${s}`), ascii),
    "content-type": fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=utf-8"),
    "accept-language": fc.oneof(fc.constantFrom("de", "sv-SE,sv;q=0.9", "*", "xx"), ascii),
    "user-agent": fc.oneof(fc.constantFrom("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/142", "curl/8.0", ""), ascii),
    "sec-fetch-mode": fc.constantFrom("navigate", "cors", "no-cors"),
    "idempotency-key": ascii,
    cookie: ascii,
    "x-anything": ascii,
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom("score", "action", "comment", "nonce", "name", "metric", "recipients"), anyText, { maxKeys: 4 }).map((d) => new URLSearchParams(d).toString()),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ recipients: [v], name: v, metric: v, id: v, scopes: v, url: v, events: v, status: v })),
  anyText,
);

beforeAll(async () => {
  await createSurvey("fuzz");
  await createSurvey("fuzz-other");
  const { invitations } = await invite("fuzz", [{ recipient: "fz-1" }, { recipient: "fz-2", locale: "pl" }], { snippets: false });
  tokens = invitations.map((i) => pathOf(i.url).split("/")[2]!);
});

describe("every route under random input", () => {
  it.each(routes)("$method $path: never 5xx; a 4xx changes nothing", async ({ method, path }) => {
    const withBody = method !== "GET" && method !== "HEAD";
    await fc.assert(
      fc.asyncProperty(fillPath(path), query, headers, withBody ? fc.option(body, { nil: undefined }) : fc.constant(undefined), async (url, search, sent, payload) => {
        const before = await tableCounts();
        // Checked against the OpenAPI document too: every status and body random input meets is documented.
        const response = await fetchChecked(`http://tapscore.test${url}${search}`, { method, headers: sent, body: payload, redirect: "manual" });
        await response.arrayBuffer();
        expect(response.status, `${method} ${url}${search}`).toBeLessThan(500);
        if (response.status >= 400) expect(await tableCounts(), `${method} ${url}${search} → ${response.status}`).toEqual(before);
      }),
      { numRuns: RUNS_PER_ROUTE, seed: 7_2026, endOnFailure: true },
    );
  }, 30_000);
});
