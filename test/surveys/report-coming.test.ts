import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";

/**
 * A survey's report address before the site is rebuilt with it: "report coming" in the survey's
 * language where a page will come, the site's own 404 page everywhere else, alike for a private
 * survey and an unknown id.
 */

const get = (path: string, headers: Record<string, string> = {}) => fetchChecked(`${BASE}${path}`, { headers, redirect: "manual" });

async function create(id: string, extra: Record<string, unknown>): Promise<void> {
  const response = await api("POST", "/api/v1/surveys", { body: { id, metric: "csat", ...extra } });
  expect(response.status).toBe(201);
}

async function signedIn(): Promise<string> {
  const response = await fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
    body: new URLSearchParams({ token: env.ADMIN_TOKEN, next: "/internal/" }).toString(),
    redirect: "manual",
  });
  return response.headers.get("set-cookie")?.split(";")[0] ?? "";
}

/** The site's 404 page as the assets hold it; a bare page when the site is not built. */
async function siteNotFoundBody(): Promise<string> {
  const page = await env.ASSETS.fetch(new Request(`${BASE}/404`));
  return page.ok ? page.text() : (await get("/no-such-page-at-all")).text();
}

describe("a public report page not built yet", () => {
  it("says the report is coming, in the survey's language, with no number, noindex and no-store", async () => {
    await create("coming-public-nl", { name: "Levering & service", locale: "nl", public: true });
    const response = await get("/s/coming-public-nl/");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-robots-tag")).toBe("noindex");
    const html = await response.text();
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain("<h1>Rapport volgt</h1>");
    expect(html).toContain("Het rapport voor ‘Levering &amp; service’ komt eraan");
    expect(html).toContain('<meta name="robots" content="noindex">');
    // Nothing a reader could take for a result or a promise of a time.
    expect(/<main>(.*)<\/main>/s.exec(html)![1]!.replace(/<[^>]+>/g, "")).not.toMatch(/\d/);
    // Each range's own page too (the site builds /30/, /365/ and /all/ beside the 90-day page).
    for (const range of ["30", "365", "all"]) {
      const ranged = await get(`/s/coming-public-nl/${range}/`);
      expect(ranged.status, range).toBe(404);
      expect(await ranged.text(), range).toContain("<h1>Rapport volgt</h1>");
    }
  });

  it("answers a survey that is not public, an archived one and an unknown id with the same 404 page as any unknown address", async () => {
    await create("coming-private", { name: "Private", public: false });
    await create("coming-archived", { name: "Archived", public: true });
    expect((await api("DELETE", "/api/v1/surveys/coming-archived")).status).toBe(200);
    const expected = await siteNotFoundBody();
    for (const path of ["/s/coming-private/", "/s/coming-archived/", "/s/no-such-survey/", "/s/NOT%20an%20id/", "/no/such/page", "/s/coming-private/badge.svg", "/s/coming-private/30/", "/s/coming-public-nl/7/"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toMatch(/^text\/html/);
      expect(await response.text(), path).toBe(expected);
    }
  });

  it("leaves the API's unknown paths a JSON 404", async () => {
    const response = await get("/api/v1/no-such-resource");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("an internal report page not built yet", () => {
  it("is behind the gate", async () => {
    await create("coming-internal", { name: "Onboarding", locale: "de" });
    const response = await get("/internal/s/coming-internal/");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/internal/sign-in?next=${encodeURIComponent("/internal/s/coming-internal/")}`);
  });

  it("says the report is coming for any active survey, public or not, once signed in", async () => {
    const cookie = await signedIn();
    const response = await get("/internal/s/coming-internal/", { cookie });
    expect(response.status).toBe(404);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const html = await response.text();
    expect(html).toContain("<h1>Bericht folgt</h1>");
    expect(html).toContain("Der Bericht für „Onboarding“ kommt");
    const unknown = await get("/internal/s/no-such-survey/", { cookie });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe(await siteNotFoundBody());
  });
});
