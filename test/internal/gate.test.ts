import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { safeNext } from "../../functions/internal/gate";
import { SESSION_COOKIE, signSession, verifySession } from "../../functions/internal/session";
import { api, createKey } from "../helpers/api";
import { fetchChecked } from "../helpers/document";

const BASE = "http://tapscore.test";

function signIn(token: string, next = "/internal/") {
  return fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, next }).toString(),
    redirect: "manual",
  });
}

const cookieOf = (response: Response) => response.headers.get("set-cookie")?.split(";")[0] ?? "";

describe("internal reports", () => {
  it("redirect a signed-out visitor to sign-in and show no data", async () => {
    for (const path of ["/internal/", "/internal/s/support/", "/internal/index.html"]) {
      const response = await fetchChecked(`${BASE}${path}`, { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent(path)}`);
      expect(await response.text()).toBe("");
    }
  });

  it("sign in with the admin token: a signed, HttpOnly, SameSite=Strict cookie that opens the pages", async () => {
    const response = await signIn(env.ADMIN_TOKEN, "/internal/s/support/");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/internal/s/support/");
    const setCookie = response.headers.get("set-cookie")!;
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    const page = await fetchChecked(`${BASE}/internal/`, { headers: { cookie: cookieOf(response) }, redirect: "manual" });
    expect(page.status).not.toBe(302);
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
    expect((await fetchChecked(`${BASE}/internal/`, { headers: { cookie }, redirect: "manual" })).status).not.toBe(302);
    await api("DELETE", `/api/v1/keys/${key.split("_")[1]}`);
    expect((await fetchChecked(`${BASE}/internal/`, { headers: { cookie }, redirect: "manual" })).status).toBe(302);
  });

  it("refuse wrong tokens and keys without the reports scope", async () => {
    expect((await signIn("wrong")).status).toBe(401);
    expect((await signIn(await createKey(["surveys:read"]))).status).toBe(401);
    expect((await signIn("")).status).toBe(401);
  });

  it("refuse forged, tampered and expired cookies", async () => {
    const expired = await signSession(env.SESSION_SECRET, { sub: "admin", exp: Date.now() - 1 });
    const forged = await signSession("another-secret-entirely-0123456789", { sub: "admin", exp: Date.now() + 60_000 });
    const good = await signSession(env.SESSION_SECRET, { sub: "admin", exp: Date.now() + 60_000 });
    const tampered = good.replace(/\.([^.]+)\./, (_m, p: string) => `.${p.slice(0, -2)}${p.endsWith("AA") ? "BB" : "AA"}.`);
    for (const value of [expired, forged, tampered, "v1.x.y", ""]) {
      const response = await fetchChecked(`${BASE}/internal/`, { headers: { cookie: `${SESSION_COOKIE}=${value}` }, redirect: "manual" });
      expect(response.status).toBe(302);
    }
    expect(await verifySession(env.SESSION_SECRET, good, Date.now())).toMatchObject({ sub: "admin" });
  });

  it("only ever return to a path under /internal/", () => {
    expect(safeNext("/internal/s/x/")).toBe("/internal/s/x/");
    for (const bad of ["https://evil.example/", "//evil.example/internal/", "/api/v1/keys", "/internal/..//x", "javascript:alert(1)", null]) {
      expect(safeNext(bad)).toBe("/internal/");
    }
  });

  it("sign out clears the cookie", async () => {
    const response = await fetchChecked(`${BASE}/internal/sign-out`, { method: "POST", redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toContain("Max-Age=0");
  });
});
