import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { linkSecrets } from "../../functions/links/link-secrets";
import { signToken } from "../../functions/links/token";
import { api } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { tableCounts } from "../helpers/tables";
import { createSurvey, invite, pathOf, postBody, postForm, visit, type Invited } from "../helpers/respondent";

const BASE = "http://tapscore.test";

const unsubscribeUrl = (invitation: Invited) => `${invitation.url}/unsubscribe`;
const tokenOf = (invitation: Invited) => pathOf(invitation.url).split("/")[2]!;

/** What a mail provider sends for RFC 8058 one-click: a bare form POST from its server, no cookies, no browser headers. */
const oneClick = (url: string) => postBody(url, "List-Unsubscribe=One-Click", { "user-agent": "Mail-Provider-Unsubscriber/1.0" });

const suppressionsOf = (email: string) =>
  env.DB.prepare("SELECT email, reason, source, survey_id, created_at FROM suppressions WHERE email = ?1").bind(email).all<Record<string, unknown>>();

async function invited(recipient: string, extra: Record<string, unknown> = {}, survey = "unsub-page"): Promise<Invited> {
  const [invitation] = (await invite(survey, [{ recipient, ...extra }])).invitations;
  return invitation!;
}

beforeAll(async () => {
  await createSurvey("unsub-page");
  await createSurvey("unsub-closed");
});

describe("GET /r/{token}/unsubscribe", () => {
  it("shows one button that posts back, and unsubscribes no one (a scanner fetches every link)", async () => {
    const invitation = await invited("getter", { email: "getter@example.com" });
    for (let i = 0; i < 3; i++) {
      const response = await visit(unsubscribeUrl(invitation));
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`<form method="post" action="/r/${tokenOf(invitation)}/unsubscribe">`);
      expect(html.match(/<button/g)).toHaveLength(1);
      expect(html).toContain("Stop survey emails?");
    }
    expect((await suppressionsOf("getter@example.com")).results).toEqual([]);
  });

  it("keeps the respondent pages' security headers", async () => {
    const response = await visit(unsubscribeUrl(await invited("headers", { email: "headers@example.com" })));
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    expect(response.headers.get("content-security-policy")).toContain("form-action 'self'");
  });

  it.each([
    ["nl", "Geen enquête-e-mails meer ontvangen?", "Afmelden"],
    ["de", "Keine Umfrage-E-Mails mehr erhalten?", "Abmelden"],
    ["sv", "Vill du sluta få enkätmejl?", "Avregistrera mig"],
    ["pl", "Zrezygnować z e-maili z ankietami?", "Wypisz mnie"],
  ])("speaks the invitation's language: %s", async (locale, heading, button) => {
    const response = await visit(unsubscribeUrl(await invited(`lang-${locale}`, { email: `lang-${locale}@example.com`, locale })));
    const html = await response.text();
    expect(html).toContain(`<html lang="${locale}">`);
    expect(html).toContain(heading);
    expect(html).toContain(`>${button}</button>`);
  });
});

describe("POST /r/{token}/unsubscribe", () => {
  it("unsubscribes the invitation's address on a one-click POST, once, however often it comes", async () => {
    const invitation = await invited("clicker", { email: "Clicker@Example.com" });
    const response = await oneClick(unsubscribeUrl(invitation));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You are unsubscribed");
    const [row] = (await suppressionsOf("clicker@example.com")).results;
    expect(row).toMatchObject({ email: "clicker@example.com", reason: "unsubscribed", source: "link", survey_id: "unsub-page" });

    expect((await oneClick(unsubscribeUrl(invitation))).status).toBe(200);
    expect((await suppressionsOf("clicker@example.com")).results).toEqual([row]);
    // A later visit says so instead of offering the button again.
    const html = await (await visit(unsubscribeUrl(invitation))).text();
    expect(html).toContain("You are unsubscribed");
    expect(html).not.toContain("<button");
  });

  it("takes a multipart one-click too", async () => {
    const invitation = await invited("multipart", { email: "multipart@example.com" });
    const form = new FormData();
    form.set("List-Unsubscribe", "One-Click");
    const response = await fetchChecked(`${BASE}${pathOf(unsubscribeUrl(invitation))}`, { method: "POST", body: form });
    expect(response.status).toBe(200);
    expect((await suppressionsOf("multipart@example.com")).results).toHaveLength(1);
  });

  it("unsubscribes with the page's own button, in the page's language", async () => {
    const invitation = await invited("button", { email: "button@example.com", locale: "de" });
    const page = await (await visit(unsubscribeUrl(invitation))).text();
    const field = /<input type="hidden" name="(\w+)" value="(\w+)">/.exec(page)!;
    const response = await postForm(unsubscribeUrl(invitation), { [field[1]!]: field[2]! });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Sie sind abgemeldet");
    expect((await suppressionsOf("button@example.com")).results).toMatchObject([{ reason: "unsubscribed", source: "link" }]);
  });

  it("changes nothing for a body that is neither, and shows the button again", async () => {
    const invitation = await invited("empty-post", { email: "empty-post@example.com" });
    for (const body of ["", "List-Unsubscribe=Maybe", "action=choose&score=3"]) {
      const response = await postBody(unsubscribeUrl(invitation), body, {});
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("<button");
    }
    expect((await suppressionsOf("empty-post@example.com")).results).toEqual([]);
  });

  it("still unsubscribes from a closed survey's message: the wish is about every survey", async () => {
    const invitation = await invited("closed", { email: "closed@example.com" }, "unsub-closed");
    expect((await api("DELETE", "/api/v1/surveys/unsub-closed")).status).toBe(200);
    expect((await visit(invitation.url)).status).toBe(410);
    expect((await oneClick(unsubscribeUrl(invitation))).status).toBe(200);
    expect((await suppressionsOf("closed@example.com")).results).toHaveLength(1);
  });
});

describe("links that cannot unsubscribe", () => {
  it("an invitation without an address: a page saying there is nothing to unsubscribe", async () => {
    const invitation = await invited("no-address", { locale: "nl" });
    const before = await tableCounts();
    const shown = await visit(unsubscribeUrl(invitation));
    expect(shown.status).toBe(404);
    const html = await shown.text();
    expect(html).toContain("Er is niets om af te melden");
    expect(html).not.toContain("<button");
    expect((await oneClick(unsubscribeUrl(invitation))).status).toBe(404);
    expect(await tableCounts()).toEqual(before);
  });

  it("an expired link still unsubscribes: the address must be reachable by its footer long after the survey", async () => {
    const invitation = await invited("expired", { email: "expired@example.com", locale: "nl" });
    const token = await signToken(linkSecrets(env), { invitationId: invitation.id, expiresAt: Date.now() - 1000 });
    const url = `${BASE}/r/${token}/unsubscribe`;
    const shown = await visit(url);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain("<button");
    expect((await suppressionsOf("expired@example.com")).results).toEqual([]);
    expect((await oneClick(url)).status).toBe(200);
    expect((await suppressionsOf("expired@example.com")).results).toMatchObject([{ reason: "unsubscribed", source: "link" }]);
  });

  it("a forged link: the invalid-link page, and nothing written", async () => {
    const invitation = await invited("forged", { email: "forged@example.com" });
    const token = tokenOf(invitation);
    const forged = `${BASE}/r/${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}/unsubscribe`;
    const posted = await oneClick(forged);
    expect(posted.status).toBe(404);
    expect(await posted.text()).toContain("This link isn’t valid");
    expect((await suppressionsOf("forged@example.com")).results).toEqual([]);
  });

  it("the score route does not take 'unsubscribe' for a score", async () => {
    const invitation = await invited("not-a-score", { email: "not-a-score@example.com" });
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(invitation.id).first("n");
    await visit(unsubscribeUrl(invitation));
    await oneClick(unsubscribeUrl(invitation));
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(invitation.id).first("n")).toBe(before);
  });
});
