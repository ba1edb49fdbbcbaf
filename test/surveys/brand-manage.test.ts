import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";

/** The brand's three fields on the manage pages' survey form: saved through the API, its errors beside each field. */

const OWN_PAGE = { "sec-fetch-site": "same-origin" };

async function session(): Promise<{ cookie: string; csrf: string }> {
  const signedIn = await fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...OWN_PAGE },
    body: new URLSearchParams({ token: env.ADMIN_TOKEN, next: "/internal/" }).toString(),
    redirect: "manual",
  });
  const cookie = signedIn.headers.get("set-cookie")!.split(";")[0]!;
  const form = await (await fetchChecked(`${BASE}/internal/manage/surveys/new`, { headers: { cookie }, redirect: "manual" })).text();
  return { cookie, csrf: /name="csrf" value="([^"]+)"/.exec(form)![1]! };
}

const post = (cookie: string, path: string, fields: [string, string][]) =>
  fetchChecked(`${BASE}${path}`, { method: "POST", headers: { cookie, "content-type": "application/x-www-form-urlencoded", ...OWN_PAGE }, body: new URLSearchParams(fields).toString(), redirect: "manual" });

const base = (csrf: string, id: string): [string, string][] => [["csrf", csrf], ["id", id], ["name", "Branded"], ["metric", "csat"], ["scale", "1-5"], ["headline", "percent"], ["locale", "en"], ["timezone", "UTC"]];

describe("the brand on the survey form", () => {
  it("creates a survey with its brand, and shows it back on the edit form", async () => {
    const { cookie, csrf } = await session();
    const created = await post(cookie, "/internal/manage/surveys/new", [...base(csrf, "manage-brand"), ["brand_name", "Acme"], ["brand_logo_url", "https://cdn.acme.test/l.svg"], ["brand_accent", "#C2410C"]]);
    expect(created.status).toBe(303);
    expect(((await (await api("GET", "/api/v1/surveys/manage-brand")).json()) as { brand: unknown }).brand).toEqual({ name: "Acme", logo_url: "https://cdn.acme.test/l.svg", accent: "#c2410c" });
    const edit = await (await fetchChecked(`${BASE}/internal/manage/surveys/manage-brand/edit`, { headers: { cookie }, redirect: "manual" })).text();
    expect(edit).toContain('name="brand_accent" type="text" value="#c2410c"');
    expect(edit).toContain('name="brand_logo_url" type="url" value="https://cdn.acme.test/l.svg"');
  });

  it("shows the API's error beside the brand field it names, with what was typed", async () => {
    const { cookie, csrf } = await session();
    const refused = await post(cookie, "/internal/manage/surveys/new", [...base(csrf, "manage-brand-bad"), ["brand_name", "Acme"], ["brand_accent", "orange"]]);
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('<p class="error" id="brand_accent-error">brand.accent: must be a colour written #rrggbb</p>');
    expect(html).toContain('name="brand_accent" type="text" value="orange" aria-invalid="true"');
    expect((await api("GET", "/api/v1/surveys/manage-brand-bad")).status).toBe(404);

    const http = await post(cookie, "/internal/manage/surveys/new", [...base(csrf, "manage-brand-http"), ["brand_logo_url", "http://cdn.acme.test/l.svg"]]);
    expect(http.status).toBe(400);
    expect(await http.text()).toContain('<p class="error" id="brand_logo_url-error">brand.logo_url: must be an https URL</p>');
  });
});
