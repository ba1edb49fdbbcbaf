import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { api, errorOf } from "../helpers/api";
import { PERSON, invite, visit } from "../helpers/respondent";

/** A survey's brand through the API: validated at the edge, kept in its settings, shown on its pages and emails. */

const create = (id: string, brand: unknown) => api("POST", "/api/v1/surveys", { body: { id, name: `Survey ${id}`, metric: "csat", brand } });

describe("a survey's brand in the API", () => {
  it.each([
    ["brand.accent", { accent: "orange" }, "brand.accent: must be a colour written #rrggbb"],
    ["brand.accent", { accent: "#fff" }, "brand.accent: must be a colour written #rrggbb"],
    ["brand.logo_url", { logo_url: "http://acme.test/logo.png" }, "brand.logo_url: must be an https URL"],
    ["brand.logo_url", { logo_url: "javascript:alert(1)" }, "brand.logo_url: must be an https URL"],
    ["brand.logo_url", { logo_url: `https://acme.test/${"a".repeat(490)}` }, "brand.logo_url: must be at most 500 characters"],
    ["brand.name", { name: "x".repeat(101) }, undefined],
    ["brand.colour", { colour: "#000000" }, 'Unknown field "brand.colour".'],
  ])("refuses a bad %s with 400 naming it", async (field, brand, message) => {
    const response = await create(`brand-bad-${field.replace(/[^a-z]/g, "-")}-${Math.random().toString(36).slice(2, 8)}`, brand);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.field).toBe(field);
    if (message) expect(error.message).toBe(message);
  });

  it("keeps a valid brand, the accent in lowercase, and patches it field by field", async () => {
    const created = await create("brand-kept", { name: "Acme", logo_url: "https://cdn.acme.test/logo.svg", accent: "#C2410C" });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { brand: unknown }).brand).toEqual({ name: "Acme", logo_url: "https://cdn.acme.test/logo.svg", accent: "#c2410c" });

    const patched = await api("PATCH", "/api/v1/surveys/brand-kept", { body: { brand: { accent: "#1d4ed8" } } });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { brand: unknown }).brand).toEqual({ name: "Acme", logo_url: "https://cdn.acme.test/logo.svg", accent: "#1d4ed8" });

    const cleared = await api("PATCH", "/api/v1/surveys/brand-kept", { body: { brand: { logo_url: null } } });
    expect(((await cleared.json()) as { brand: unknown }).brand).toEqual({ name: "Acme", logo_url: null, accent: "#1d4ed8" });
    const read = await api("GET", "/api/v1/surveys/brand-kept");
    expect(((await read.json()) as { brand: unknown }).brand).toEqual({ name: "Acme", logo_url: null, accent: "#1d4ed8" });
  });

  it("shows no brand of a survey's own as nulls", async () => {
    const created = await api("POST", "/api/v1/surveys", { body: { id: "brand-none", name: "No brand", metric: "nps" } });
    expect(((await created.json()) as { brand: unknown }).brand).toEqual({ name: null, logo_url: null, accent: null });
  });
});

describe("the brand on the respondent page", () => {
  it("names who asks, shows the logo from its origin only, and paints the adjusted accent in both modes", async () => {
    // Yellow: the light page needs it darkened to #999900; the dark page takes it as it is, both with near-black text.
    expect((await create("brand-page", { name: "Acme & Co", logo_url: "https://cdn.acme.test/logo.svg?v=2", accent: "#ffff00" })).status).toBe(201);
    const { invitations } = await invite("brand-page", [{ recipient: "p1" }]);
    const response = await visit(invitations[0]!.links["4"]!);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<header class="brand"><img src="https://cdn.acme.test/logo.svg?v=2" alt="Acme &amp; Co" height="40" referrerpolicy="no-referrer"><p>Acme &amp; Co would like your feedback</p></header>');
    expect(html).toContain(":root{--accent:#999900;--on-accent:#111111}@media (prefers-color-scheme:dark){:root{--accent:#ffff00;--on-accent:#111111}}");
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("img-src https://cdn.acme.test;");
    expect(csp).toContain("default-src 'none'");
  });

  it("allows no image at all without a logo", async () => {
    expect((await create("brand-no-logo", { name: "Acme" })).status).toBe(201);
    const { invitations } = await invite("brand-no-logo", [{ recipient: "p1" }]);
    const response = await visit(invitations[0]!.url);
    expect(response.headers.get("content-security-policy")).not.toContain("img-src");
    const html = await response.text();
    expect(html).toContain('<header class="brand"><p>Acme would like your feedback</p></header>');
    expect(html).not.toContain("--accent:#999900");
  });
});

describe("the brand in the email block", () => {
  it("paints the buttons in the accent adjusted for white and #121212 and names who asks", async () => {
    expect((await create("brand-mail", { name: "Acme", accent: "#000000" })).status).toBe(201);
    const { invitations } = await invite("brand-mail", [{ recipient: "m1", locale: "de" }], { snippets: true });
    const { html, text } = invitations[0]!;
    // Black lightened to #616161 (3.03:1 on #121212), white text on it; Tapscore's blue is gone.
    expect(html).toContain('bgcolor="#616161"');
    expect(html).toContain("background-color:#616161;");
    expect(html).toContain("color:#ffffff;");
    expect(html).not.toContain("#1a56db");
    expect(html).toContain(">Acme bittet um Ihr Feedback</td>");
    expect(text.split("\n")[0]).toBe("Acme bittet um Ihr Feedback");
  });
});

describe("the installation's brand", () => {
  /** The Worker with BRAND_* vars set, as wrangler.toml's [vars] would set them. */
  async function pageWith(vars: Partial<Env>, link: string): Promise<string> {
    const ctx = createExecutionContext();
    const request = new Request(link, { headers: PERSON }) as Request<unknown, IncomingRequestCfProperties>;
    const response = await worker.fetch(request, { ...env, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    return response.text();
  }

  const INSTALLATION = { BRAND_NAME: "Globex", BRAND_LOGO_URL: "", BRAND_ACCENT: "#000000" };

  it("brands a survey without its own, and yields to the survey's own fields", async () => {
    expect((await create("brand-installation", {})).status).toBe(201);
    expect((await create("brand-own-name", { name: "Initech" })).status).toBe(201);
    const [plain] = (await invite("brand-installation", [{ recipient: "i1" }])).invitations;
    const [own] = (await invite("brand-own-name", [{ recipient: "i2" }])).invitations;

    const installation = await pageWith(INSTALLATION, plain!.url);
    expect(installation).toContain("<p>Globex would like your feedback</p>");
    // Black as the light page's accent needs no change; the dark page lightens it to #616161.
    expect(installation).toContain(":root{--accent:#000000;--on-accent:#ffffff}@media (prefers-color-scheme:dark){:root{--accent:#616161;--on-accent:#ffffff}}");

    const mixed = await pageWith(INSTALLATION, own!.url);
    expect(mixed).toContain("<p>Initech would like your feedback</p>");
    expect(mixed).toContain("--accent:#616161");
    expect(mixed).not.toContain("Globex");
  });
});
