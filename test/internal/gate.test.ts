import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INTERNAL_HEADERS, safeNext } from "../../functions/internal/gate";
import worker from "../../functions/index";
import { SESSION_COOKIE, credentialFingerprint, signSession, verifySession } from "../../functions/internal/session";
import { base64url, hmacSha256 } from "../../functions/security/secrets";
import { api, createKey } from "../helpers/api";
import { checkAgainstDocument, fetchChecked } from "../helpers/document";

const BASE = "http://tapscore.test";
/** What a browser sends with a form posted from this site's own page. */
const OWN_PAGE = { "sec-fetch-site": "same-origin" };

const form = (token: string, next: string) => new URLSearchParams({ token, next }).toString();

function signIn(token: string, next = "/internal/", headers: Record<string, string> = OWN_PAGE) {
  return fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form(token, next),
    redirect: "manual",
  });
}

const signOut = (headers: Record<string, string> = OWN_PAGE) => fetchChecked(`${BASE}/internal/sign-out`, { method: "POST", headers, redirect: "manual" });

/** The Worker's own fetch with some of its bindings swapped; the answer must match the OpenAPI document. */
async function callWith(overrides: Partial<Env>, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, { redirect: "manual", ...init }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument(init.method ?? "GET", `${BASE}${path}`, response);
  return response;
}

const postSignIn = (overrides: Partial<Env>, token: string, headers: Record<string, string> = {}) =>
  callWith(overrides, "/internal/sign-in", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...OWN_PAGE, ...headers },
    body: form(token, "/internal/"),
  });

const cookieOf = (response: Response) => response.headers.get("set-cookie")?.split(";")[0] ?? "";

/** A fresh client address per run: the simulated limiter keeps its counts for the minute, across runs. */
const address = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

describe("internal reports", () => {
  it("redirect a signed-out visitor to sign-in and show no data", async () => {
    for (const path of ["/internal/", "/internal/s/support/", "/internal/index.html"]) {
      const response = await fetchChecked(`${BASE}${path}`, { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent(path)}`);
      expect(await response.text()).toBe("");
    }
  });

  it("send a signed-out visitor back to the page with its query, and a signed-out form post to /internal/", async () => {
    const page = await fetchChecked(`${BASE}/internal/manage/surveys/new?preset=csat-support`, { redirect: "manual" });
    expect(page.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent("/internal/manage/surveys/new?preset=csat-support")}`);
    const post = await fetchChecked(`${BASE}/internal/manage/surveys/new`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "name=x" });
    expect(post.status).toBe(302);
    expect(post.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent("/internal/")}`);
  });

  it("sign in with the admin token: a signed, HttpOnly, SameSite=Strict cookie that opens the pages", async () => {
    const response = await signIn(env.ADMIN_TOKEN, "/internal/s/support/");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/internal/s/support/");
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    const page = await fetchChecked(`${BASE}/internal/`, { headers: { cookie: cookieOf(response) }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toContain("no-store");
  });

  it("answer as the site's assets do once signed in: the page, 304 for an unchanged one, the 404 page", async () => {
    const cookie = cookieOf(await signIn(env.ADMIN_TOKEN));
    const get = (path: string, headers: Record<string, string> = {}) => fetchChecked(`${BASE}${path}`, { headers: { cookie, ...headers }, redirect: "manual" });
    const page = await get("/internal/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const etag = page.headers.get("etag");
    expect(etag).toBeTruthy();
    expect((await get("/internal/", { "if-none-match": etag! })).status).toBe(304);
    const missing = await get("/internal/s/no-such-survey/");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toMatch(/^text\/html/);
    expect(missing.headers.get("cache-control")).toBe("private, no-store");
  });

  it("accept a key with reports:read and end its sessions when the key is revoked", async () => {
    const key = await createKey(["reports:read"]);
    const cookie = cookieOf(await signIn(key));
    expect((await fetchChecked(`${BASE}/internal/`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);
    await api("DELETE", `/api/v1/keys/${key.split("_")[1]}`);
    expect((await fetchChecked(`${BASE}/internal/`, { headers: { cookie }, redirect: "manual" })).status).toBe(302);
  });

  it("end admin sessions when the ADMIN_TOKEN changes, and start the new token's", async () => {
    const cookie = cookieOf(await signIn(env.ADMIN_TOKEN));
    const page = (overrides: Partial<Env>, with_: string) => callWith(overrides, "/internal/", { headers: { cookie: with_ } });
    expect((await page({}, cookie)).status).toBe(200);
    const rotated = { ADMIN_TOKEN: "rotated-admin-token-fedcba9876543210" };
    expect((await page(rotated, cookie)).status).toBe(302);
    // The new token signs in, and its session is no good once the token changes back.
    const fresh = cookieOf(await postSignIn(rotated, rotated.ADMIN_TOKEN));
    expect((await page(rotated, fresh)).status).toBe(200);
    expect((await page({}, fresh)).status).toBe(302);
  });

  it("refuse wrong tokens and keys without the reports scope", async () => {
    expect((await signIn("wrong")).status).toBe(401);
    expect((await signIn(await createKey(["surveys:read"]))).status).toBe(401);
    expect((await signIn("")).status).toBe(401);
  });

  it("refuse forged, tampered, expired, unbound and wrongly bound cookies", async () => {
    const cred = await credentialFingerprint(env.SESSION_SECRET, `admin:${env.ADMIN_TOKEN}`);
    const expired = await signSession(env.SESSION_SECRET, { sub: "admin", cred, exp: Date.now() - 1 });
    const forged = await signSession("another-secret-entirely-0123456789", { sub: "admin", cred, exp: Date.now() + 60_000 });
    const good = await signSession(env.SESSION_SECRET, { sub: "admin", cred, exp: Date.now() + 60_000 });
    const tampered = good.replace(/\.([^.]+)\./, (_m, p: string) => `.${p.slice(0, -2)}${p.endsWith("AA") ? "BB" : "AA"}.`);
    // Signed with the right secret, but from before sessions were bound, or bound to another token.
    const payload = base64url(new TextEncoder().encode(JSON.stringify({ sub: "admin", exp: Date.now() + 60_000 })));
    const unbound = `v1.${payload}.${base64url(await hmacSha256(env.SESSION_SECRET, payload))}`;
    const otherCred = await credentialFingerprint(env.SESSION_SECRET, "admin:some-earlier-admin-token");
    const wronglyBound = await signSession(env.SESSION_SECRET, { sub: "admin", cred: otherCred, exp: Date.now() + 60_000 });
    const keyId = (await createKey(["reports:read"])).split("_")[1]!;
    const keyWronglyBound = await signSession(env.SESSION_SECRET, { sub: keyId, cred, exp: Date.now() + 60_000 });
    for (const value of [expired, forged, tampered, unbound, wronglyBound, keyWronglyBound, "v1.x.y", ""]) {
      const response = await fetchChecked(`${BASE}/internal/`, { headers: { cookie: `${SESSION_COOKIE}=${value}` }, redirect: "manual" });
      expect(response.status).toBe(302);
    }
    expect(await verifySession(env.SESSION_SECRET, good, Date.now())).toMatchObject({ sub: "admin", cred });
    expect((await fetchChecked(`${BASE}/internal/`, { headers: { cookie: `${SESSION_COOKIE}=${good}` }, redirect: "manual" })).status).toBe(200);
  });

  it.each([
    ["/internal/s/x/", "/internal/s/x/"],
    ["/internal/./s/x/", "/internal/s/x/"],
    ["/internal/s/x/../y/", "/internal/s/y/"],
    ["/internal/s/x/?q=1#top", "/internal/s/x/?q=1"],
    ["/internal/../evil?next=//evil.example", "/internal/"],
    ["/internal/../../evil", "/internal/"],
    ["/internal/..", "/internal/"],
    ["/internal/%2e%2e/evil", "/internal/"],
    ["/internal/%2E%2E/evil", "/internal/"],
    ["/internal/.%2e/evil", "/internal/"],
    ["/internal/%2e%2e%2fevil", "/internal/"],
    ["/internal/%252e%252e/evil", "/internal/"],
    ["/internal/%5c%5cevil.example", "/internal/"],
    ["/internal/\\evil", "/internal/"],
    ["/\\evil.example/internal/", "/internal/"],
    ["//evil.example", "/internal/"],
    ["//evil.example/internal/", "/internal/"],
    ["/internal//evil.example", "/internal/"],
    ["/internal/..//x", "/internal/"],
    ["https://evil.example/internal/", "/internal/"],
    ["/internal/\t/../../evil", "/internal/"],
    ["/api/v1/keys", "/internal/"],
    ["/internal", "/internal/"],
    ["javascript:alert(1)", "/internal/"],
    ["", "/internal/"],
    [null, "/internal/"],
    [undefined, "/internal/"],
  ])("only ever return to a path under /internal/: %j → %s", (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });

  it("take `next` from the form through safeNext", async () => {
    const response = await signIn(env.ADMIN_TOKEN, "/internal/%2e%2e/api/v1/keys");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/internal/");
  });

  it("sign out clears the cookie", async () => {
    const response = await signOut();
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toContain("Max-Age=0");
  });
});

describe("cross-site requests", () => {
  const refused: Record<string, string>[] = [
    { "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
    { "sec-fetch-site": "none" },
    // Sec-Fetch-Site is the browser's word and wins over an Origin that looks right.
    { "sec-fetch-site": "cross-site", origin: BASE },
    { origin: "https://evil.example" },
    { origin: "null" },
    { origin: "https://tapscore.test" },
    // Neither header: curl and scripts; sign-in is for browsers.
    {},
  ];
  const accepted: Record<string, string>[] = [{ "sec-fetch-site": "same-origin" }, { origin: BASE }, { "sec-fetch-site": "same-origin", origin: BASE }];

  it.each(refused)("refuse sign-in with %j: 403, the form again, no cookie", async (headers) => {
    const response = await signIn(env.ADMIN_TOKEN, "/internal/s/x/", headers);
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("did not come from this page");
    expect(html).toContain('value="/internal/s/x/"');
  });

  it.each(refused)("refuse sign-out with %j: 403 and this site's own sign-out button", async (headers) => {
    const response = await signOut(headers);
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain('<form method="post" action="/internal/sign-out">');
  });

  it.each(accepted)("accept sign-in and sign-out with %j", async (headers) => {
    expect((await signIn(env.ADMIN_TOKEN, "/internal/", headers)).status).toBe(303);
    expect((await signOut(headers)).status).toBe(303);
  });
});

describe("sign-in rate limit", () => {
  // TEST_LIMITER: 3 a minute per key (vitest.config.ts). Windows are aligned to the clock, so a test
  // may straddle two of them: 3 passes first, then a 429 within a few more attempts.
  const tight = { SIGNIN_LIMITER: env.TEST_LIMITER };

  it("answers wrong attempts past the limit with 429, Retry-After and the form, per client address", async () => {
    const from = address();
    for (let i = 0; i < 3; i++) expect((await postSignIn(tight, "wrong", { "cf-connecting-ip": from })).status).toBe(401);
    let limited: Response | undefined;
    for (let i = 0; i < 4 && !limited; i++) {
      const response = await postSignIn(tight, "wrong", { "cf-connecting-ip": from });
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(401);
    }
    if (!limited) throw new Error("never rate limited");
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await limited.text()).toContain("Too many sign-in attempts");
    // Past the limit the right token is refused the same way, or guessing would go on.
    const right = await postSignIn(tight, env.ADMIN_TOKEN, { "cf-connecting-ip": from });
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
    // Another address is not punished.
    expect((await postSignIn(tight, "wrong", { "cf-connecting-ip": address() })).status).toBe(401);
  });

  it("does not count cross-site posts against the address", async () => {
    const from = address();
    for (let i = 0; i < 6; i++) expect((await postSignIn(tight, "wrong", { "cf-connecting-ip": from, "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await postSignIn(tight, "wrong", { "cf-connecting-ip": from })).status).toBe(401);
  });

  it("lets sign-in through when the limiter fails", async () => {
    const broken: RateLimit = { limit: () => Promise.reject(new Error("limiter unavailable")) };
    expect((await postSignIn({ SIGNIN_LIMITER: broken }, env.ADMIN_TOKEN, { "cf-connecting-ip": address() })).status).toBe(303);
    expect((await postSignIn({ SIGNIN_LIMITER: broken }, "wrong", { "cf-connecting-ip": address() })).status).toBe(401);
  });
});

describe("security headers", () => {
  function expectSecurityHeaders(response: Response, what: string) {
    for (const [name, value] of Object.entries(INTERNAL_HEADERS)) expect(response.headers.get(name), `${what}: ${name}`).toBe(value);
    const csp = response.headers.get("content-security-policy")!;
    for (const directive of ["default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) expect(csp, what).toContain(directive);
    // One script only, by its hash (the manage pages' Copy buttons): never 'unsafe-inline', nothing remote.
    const scripts = csp.split(";").map((d) => d.trim()).filter((d) => d.startsWith("script-src"));
    expect(scripts, what).toHaveLength(1);
    expect(scripts[0], what).toMatch(/^script-src 'sha256-[A-Za-z0-9+/]{43}='$/);
    expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
    expect(response.headers.get("x-frame-options"), what).toBe("DENY");
    expect(response.headers.get("cache-control"), what).toContain("no-store");
  }

  it("are on every /internal/ answer: pages, the sign-in form, refusals and redirects", async () => {
    const signedIn = await signIn(env.ADMIN_TOKEN);
    const cookie = cookieOf(signedIn);
    const page = await fetchChecked(`${BASE}/internal/`, { headers: { cookie } });
    const answers: [string, Response][] = [
      ["signed-out 302", await fetchChecked(`${BASE}/internal/`, { redirect: "manual" })],
      ["sign-in form", await fetchChecked(`${BASE}/internal/sign-in`)],
      ["sign-in 303", signedIn],
      ["sign-in 401", await signIn("wrong")],
      ["sign-in 403", await signIn(env.ADMIN_TOKEN, "/internal/", { "sec-fetch-site": "cross-site" })],
      ["sign-in 429", await postSignIn({ SIGNIN_LIMITER: { limit: () => Promise.resolve({ success: false }) } }, env.ADMIN_TOKEN)],
      ["signed-in page", page],
      ["signed-in 304", await fetchChecked(`${BASE}/internal/`, { headers: { cookie, "if-none-match": page.headers.get("etag")! } })],
      ["signed-in 404", await fetchChecked(`${BASE}/internal/s/no-such-survey/`, { headers: { cookie } })],
      ["sign-out 303", await signOut()],
      ["sign-out 403", await signOut({})],
      ["Access 403", await callWith({ ACCESS_TEAM_DOMAIN: "team.example.com", ACCESS_AUD: "aud" }, "/internal/")],
      ["router 404", await fetchChecked(`${BASE}/internal/s/x/`, { method: "PUT" })],
    ];
    expect(page.status).toBe(200);
    for (const [what, response] of answers) expectSecurityHeaders(response, `${what} (${response.status})`);
    expect(answers.map(([, r]) => r.status)).toEqual([302, 200, 303, 401, 403, 429, 200, 304, 404, 303, 403, 403, 404]);
  });

  it("stay off the API and the public site", async () => {
    expect((await api("GET", "/api/v1/surveys")).headers.get("x-frame-options")).toBeNull();
    expect((await fetchChecked(`${BASE}/healthz`)).headers.get("content-security-policy")).toBeNull();
  });
});
