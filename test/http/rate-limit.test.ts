import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { router } from "../../functions/router";
import { BASE, api } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";
import { MAX_FORM_BYTES } from "../../functions/respondent/routes";
import { PERSON, createSurvey, invite, pathOf, postForm } from "../helpers/respondent";

/**
 * The real router and the real (simulated) Rate Limiting binding, with both limiters swapped for
 * TEST_LIMITER: 3 requests a minute per key (vitest.config.ts). Windows are aligned to the clock, so
 * a test may straddle two of them: each first expects 3 passes, then a 429 within a few more calls.
 */
const tight = { ...env, API_LIMITER: env.TEST_LIMITER, RESPONDENT_LIMITER: env.TEST_LIMITER };

/** The router with the tight limiters; the answer must match the OpenAPI document. */
async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await router.fetch(new Request(`${BASE}${path}`, init), tight, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument(init.method ?? "GET", `${BASE}${path}`, response);
  return response;
}

/** Calls until the first 429 and answers it; fails when three calls in a row do not pass first. */
async function untilLimited(make: () => Promise<Response>): Promise<Response> {
  for (let i = 0; i < 3; i++) expect((await make()).status).toBeLessThan(429);
  for (let i = 0; i < 4; i++) {
    const response = await make();
    if (response.status === 429) return response;
  }
  throw new Error("never rate limited");
}

let links: string[];
let pages: string[];

beforeAll(async () => {
  await createSurvey("limited");
  const { invitations } = await invite("limited", [{ recipient: "a" }, { recipient: "b" }]);
  links = invitations.map((i) => i.links["4"]!);
  pages = invitations.map((i) => i.url);
});

describe("respondent routes", () => {
  it("answer 429 with Retry-After and the localized page, per invitation token", async () => {
    const limited = await untilLimited(() => call(pathOf(links[0]!), { headers: { ...PERSON, "accept-language": "sv-SE,sv;q=0.9" } }));
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await limited.text();
    expect(html).toContain('<html lang="sv">');
    // Another person's link (same address, same office) is not punished.
    expect((await call(pathOf(links[1]!), { headers: PERSON })).status).toBe(200);
  });
});

describe("API routes", () => {
  it("answer 429 with Retry-After and a JSON error, per API key", async () => {
    const { key } = (await (await api("POST", "/api/v1/keys", { body: { name: "limited", scopes: ["surveys:read"] } })).json()) as { key: string };
    const limited = await untilLimited(() => call("/api/v1/surveys", { headers: { authorization: `Bearer ${key}` } }));
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Another key from the same address still gets through.
    const { key: other } = (await (await api("POST", "/api/v1/keys", { body: { name: "other", scopes: ["surveys:read"] } })).json()) as { key: string };
    expect((await call("/api/v1/surveys", { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
  });

  it("limit calls without a valid key per client address", async () => {
    const from = (ip: string, headers: Record<string, string> = {}) => () => call("/api/v1/surveys", { headers: { "cf-connecting-ip": ip, ...headers } });
    // Fresh addresses each run: the simulated limiter keeps its counts for the minute, across runs.
    const address = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
    const limited = await untilLimited(from(address()));
    expect(limited.status).toBe(429);
    expect((await from(address())()).status).toBe(401);
    // Wrong keys count against the address too, not against anyone's key.
    const wrong = await untilLimited(from(address(), { authorization: "Bearer tsk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));
    expect(wrong.headers.get("retry-after")).toBe("60");
  });
});

describe("body size limits", () => {
  it("refuse a respondent form over the largest a comment needs with 413 and the page", async () => {
    const response = await postForm(pages[1]!, { action: "comment", score: "4", comment: "x".repeat(MAX_FORM_BYTES) });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  });

  it("leave the respondent form's body to the form, even declared over 1 MiB: the page, not JSON", async () => {
    const response = await postForm(pages[1]!, { action: "comment", score: "4", comment: "x".repeat(1_048_577) });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain(`>${"x".repeat(2000)}</textarea>`);
  });

  it("refuse any declared body over 1 MiB before a route reads it", async () => {
    const response = await api("POST", "/api/v1/surveys", { body: "x".repeat(1_048_577) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });
});
