import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { linkSecrets } from "../../functions/links/link-secrets";
import { signTemplateToken } from "../../functions/links/template-token";
import { router } from "../../functions/router";
import { BASE, api, errorOf } from "../helpers/api";
import { checkAgainstDocument, fetchChecked } from "../helpers/document";
import { PERSON, createSurvey, invite, nonceOf, postForm } from "../helpers/respondent";

interface Snippet {
  platform: string;
  html: string;
  text: string;
  link_template: string;
  placeholders: { param: string; placeholder: string }[];
  expires_at: string | null;
}

async function snippet(surveyId: string, platform: string, extra = ""): Promise<Snippet> {
  const response = await api("GET", `/api/v1/surveys/${surveyId}/snippets?platform=${platform}${extra}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Snippet;
}

/** What the help desk does: every placeholder replaced by its text, nothing encoded. */
function fill(template: string, score: number, values: Record<string, string>): string {
  let link = template.replace("{score}", String(score));
  for (const [placeholder, value] of Object.entries(values)) link = link.split(placeholder).join(value);
  return link;
}

/** A tap on a full link (path and query), as a person's browser sends it. */
function tap(link: string, headers: Record<string, string> = PERSON, method = "GET") {
  const url = new URL(link);
  return fetchChecked(`${BASE}${url.pathname}${url.search}`, { method, headers });
}

interface Row {
  id: string;
  recipient: string;
  email: string | null;
  properties: string;
  source: string;
}

async function templateInvitations(surveyId: string): Promise<Row[]> {
  const { results } = await env.DB.prepare("SELECT id, recipient, email, properties, source FROM invitations WHERE survey_id = ?1 ORDER BY seq")
    .bind(surveyId)
    .all<Row>();
  return results;
}

async function responses(surveyId: string) {
  const response = await api("GET", `/api/v1/surveys/${surveyId}/responses`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { responses: Record<string, unknown>[] }).responses;
}

async function rowCounts(surveyId: string) {
  const one = (sql: string) => env.DB.prepare(sql).bind(surveyId).first<{ n: number }>().then((row) => row!.n);
  return {
    invitations: await one("SELECT COUNT(*) AS n FROM invitations WHERE survey_id = ?1"),
    events: await one("SELECT COUNT(*) AS n FROM events WHERE invitation_id IN (SELECT id FROM invitations WHERE survey_id = ?1)"),
    responses: await one("SELECT COUNT(*) AS n FROM responses WHERE survey_id = ?1"),
  };
}

const ZENDESK = "tpl-zendesk";

beforeAll(async () => {
  await createSurvey(ZENDESK, { segments: ["ticket_id", "agent"], touchpoint: "support" });
});

describe("a Zendesk snippet filled in as Zendesk would", () => {
  it("counts a tap with the ticket and the agent, source template, in the API and the export", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const link = fill(link_template, 4, { "{{ticket.id}}": "4711", "{{ticket.requester.email}}": "jan@example.com", "{{ticket.assignee.name}}": "Zoë" });
    const page = await tap(link);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="4" aria-pressed="true">');

    const stored = (await templateInvitations(ZENDESK)).filter((row) => row.recipient === "4711");
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ email: "jan@example.com", source: "template" });
    expect(JSON.parse(stored[0]!.properties)).toEqual({ touchpoint: "support", ticket_id: "4711", agent: "Zoë" });

    const answer = (await responses(ZENDESK)).find((r) => r.recipient === "4711");
    expect(answer).toMatchObject({
      score: 4,
      status: "counted",
      reason: "tap",
      email: "jan@example.com",
      source: "template",
      properties: { touchpoint: "support", ticket_id: "4711", agent: "Zoë" },
    });

    // The page's own forms go on under /r/ with the invitation's token: a comment is kept.
    const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    expect(action).toMatch(/^\/r\/[A-Za-z0-9_-]{43}$/);
    const commented = await postForm(`${BASE}${action}`, { action: "comment", score: "4", comment: "Quick and kind", nonce: nonceOf(html) });
    expect(commented.status).toBe(200);
    expect((await responses(ZENDESK)).find((r) => r.recipient === "4711")).toMatchObject({ comment: "Quick and kind", score: 4 });

    const csv = await (await api("GET", `/api/v1/surveys/${ZENDESK}/responses?format=csv`)).text();
    const [header, ...lines] = csv.replace("\ufeff", "").trim().split("\r\n");
    expect(header).toBe(
      "id,invitation,recipient,score,comment,status,reason,locale,created_at,updated_at,source," +
        "property.touchpoint,property.country,property.channel,property.variant,property.ticket_id,property.agent",
    );
    const row = lines.find((line) => line.includes(",4711,"))!;
    expect(row).toMatch(/,4711,4,Quick and kind,counted,confirmed,,[^,]+,[^,]+,template,support,,,,4711,Zoë$/);
  });

  it("takes a second tap with the same recipient id as that person changing their mind", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const values = { "{{ticket.id}}": "4800", "{{ticket.requester.email}}": "eva@example.com", "{{ticket.assignee.name}}": "Ian" };
    expect((await tap(fill(link_template, 2, values))).status).toBe(200);
    expect((await tap(fill(link_template, 5, values))).status).toBe(200);
    expect((await templateInvitations(ZENDESK)).filter((row) => row.recipient === "4800")).toHaveLength(1);
    const answers = (await responses(ZENDESK)).filter((r) => r.recipient === "4800");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ score: 5, status: "counted" });
  });

  it("makes one invitation when first taps with one recipient id arrive at once, and a link check makes none", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const values = { "{{ticket.id}}": "4900", "{{ticket.requester.email}}": "race@example.com", "{{ticket.assignee.name}}": "Ian" };
    expect((await tap(fill(link_template, 4, values), PERSON, "HEAD")).status).toBe(200);
    expect((await templateInvitations(ZENDESK)).filter((row) => row.recipient === "4900")).toHaveLength(0);
    const taps = await Promise.all([1, 2, 3, 4, 5].map((score) => tap(fill(link_template, score, values))));
    expect(taps.map((page) => page.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await templateInvitations(ZENDESK)).filter((row) => row.recipient === "4900")).toHaveLength(1);
    expect((await responses(ZENDESK)).filter((r) => r.recipient === "4900")).toHaveLength(1);
  });

  it("takes different recipient ids as different responses", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const values = (ticket: string) => ({ "{{ticket.id}}": ticket, "{{ticket.requester.email}}": "same@example.com", "{{ticket.assignee.name}}": "Ian" });
    expect((await tap(fill(link_template, 3, values("5001")))).status).toBe(200);
    expect((await tap(fill(link_template, 1, values("5002")))).status).toBe(200);
    const answers = (await responses(ZENDESK)).filter((r) => r.recipient === "5001" || r.recipient === "5002");
    expect(answers.map((r) => [r.recipient, r.score]).sort()).toEqual([
      ["5001", 3],
      ["5002", 1],
    ]);
  });

  it("takes everyone tapping one shared link without a recipient id as one answer", async () => {
    await createSurvey("tpl-shared");
    const { link_template } = await snippet("tpl-shared", "generic");
    const shared = link_template.replace("{score}", "5").replace(/\?.*$/, "");
    expect((await tap(shared)).status).toBe(200);
    expect((await tap(shared.replace(/\/5$/, "/3"), { ...PERSON, "accept-language": "nl-NL" })).status).toBe(200);
    const stored = await templateInvitations("tpl-shared");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.recipient).toMatch(/^link:/);
    const answers = await responses("tpl-shared");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ score: 3, source: "template" });
  });
});

describe("an unfilled placeholder as the recipient id", () => {
  it.each([
    ["{{ticket.id}}", "Zendesk's own"],
    ["%7B%7Bticket.id%7D%7D", "percent-encoded once more"],
    ["%257B%257Bticket.id%257D%257D", "percent-encoded twice more"],
    ["*|UNIQID|*", "Mailchimp"],
    ["{%conversation.number%}", "Help Scout"],
    ["%RECIPIENT%", "a %…% tag"],
    ["[[MISSING TOKEN - EMAIL]]", "a […] tag"],
  ])("%s (%s) gets a friendly page and writes nothing", async (recipient) => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const link = link_template.replace("{score}", "5").replace(/r=[^&]+/, `r=${recipient.replace("#", "%23")}`);
    const before = await rowCounts(ZENDESK);
    const page = await tap(link);
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain("This link is incomplete");
    expect(await rowCounts(ZENDESK)).toEqual(before);
  });

  it("is refused in the person's language, and a link check writes nothing either", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const before = await rowCounts(ZENDESK);
    const page = await tap(`${link_template.replace("{score}", "5")}&locale=de`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Dieser Link ist unvollständig");
    expect((await tap(link_template.replace("{score}", "5"), PERSON, "HEAD")).status).toBe(400);
    expect(await rowCounts(ZENDESK)).toEqual(before);
  });
});

describe("tokens", () => {
  it("refuse a forged template token, an invitation token and an unknown survey; a template token does not open /r/", async () => {
    const { link_template } = await snippet(ZENDESK, "zendesk");
    const token = /\/t\/([^/]+)\//.exec(link_template)![1]!;
    const forged = `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
    const [invitation] = (await invite(ZENDESK, [{ recipient: "signed-one" }])).invitations;
    const invitationToken = /\/r\/([^/]+)\//.exec(invitation!.links["4"]!)![1]!;
    const unknownSurvey = await signTemplateToken(linkSecrets(env), { surveyId: "no-such-survey", expiresAt: null });
    const before = await rowCounts(ZENDESK);
    for (const bad of [forged, invitationToken, unknownSurvey]) {
      const page = await tap(`${BASE}/t/${bad}/4?r=9999`);
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("This link isn’t valid");
    }
    expect((await tap(`${BASE}/r/${token}/4`)).status).toBe(404);
    expect(await rowCounts(ZENDESK)).toEqual(before);
  });

  it("answer an expired template link with 410 and a closed survey's with 410", async () => {
    const expired = await signTemplateToken(linkSecrets(env), { surveyId: ZENDESK, expiresAt: Date.UTC(2020, 0, 1) });
    expect((await tap(`${BASE}/t/${expired}/4?r=7000`)).status).toBe(410);
    await createSurvey("tpl-closed");
    const { link_template } = await snippet("tpl-closed", "generic");
    expect((await api("DELETE", "/api/v1/surveys/tpl-closed")).status).toBeLessThan(300);
    const page = await tap(fill(link_template, 4, { "{{recipient}}": "x1", "{{email}}": "" }));
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("This survey is closed");
  });

  it("say when a link with expires_in_days stops working", async () => {
    const { expires_at, link_template } = await snippet(ZENDESK, "generic", "&expires_in_days=30");
    expect(Date.parse(expires_at!) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(Date.parse(expires_at!) - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    expect((await tap(fill(link_template, 4, { "{{recipient}}": "exp-1", "{{email}}": "" }))).status).toBe(200);
  });
});

describe("rate limits", () => {
  const tight = { ...env, API_LIMITER: env.TEST_LIMITER, RESPONDENT_LIMITER: env.TEST_LIMITER };
  async function call(path: string, address: string): Promise<Response> {
    const ctx = createExecutionContext();
    const headers = { ...PERSON, "cf-connecting-ip": address };
    const response = await router.fetch(new Request(`${BASE}${path}`, { headers }), tight, ctx);
    await waitOnExecutionContext(ctx);
    await checkAgainstDocument("GET", `${BASE}${path}`, response);
    return response;
  }

  it("limit a template link per survey token and address, with the respondent's page", async () => {
    await createSurvey("tpl-limited");
    const { link_template } = await snippet("tpl-limited", "generic");
    const url = new URL(fill(link_template, 4, { "{{recipient}}": "limit-1", "{{email}}": "" }));
    const path = `${url.pathname}${url.search}`;
    for (let i = 0; i < 3; i++) expect((await call(path, "203.0.113.7")).status).toBe(200);
    let limited: Response | null = null;
    for (let i = 0; i < 4 && !limited; i++) {
      const response = await call(path, "203.0.113.7");
      if (response.status === 429) limited = response;
    }
    expect(limited?.headers.get("retry-after")).toBe("60");
    expect(await limited!.text()).toContain("Too many requests");
    // Someone else answering the same survey from another address is not held up.
    expect((await call(path.replace("limit-1", "limit-2"), "198.51.100.9")).status).toBe(200);
  });
});

describe("the API", () => {
  it.each([
    ["POST", "/api/v1/surveys/tpl-zendesk/invitations", { recipients: [{ recipient: "{{ticket.requester.email}}" }] }, "recipients.0.recipient"],
    ["POST", "/api/v1/surveys/tpl-zendesk/invitations", { recipients: [{ recipient: "%7B%7Bticket.id%7D%7D" }] }, "recipients.0.recipient"],
    ["POST", "/api/v1/people", { recipient: "*|EMAIL|*" }, "recipient"],
    ["POST", "/api/v1/people", { recipient: "{%customer.email%}" }, "recipient"],
  ])("%s %s refuses a placeholder recipient with 400 naming the field", async (method, path, body, field) => {
    const response = await api(method, path, { body });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.field).toBe(field);
    expect(error.message).toContain("placeholder");
  });

  it("refuses an unknown platform with 400 naming it", async () => {
    const response = await api("GET", `/api/v1/surveys/${ZENDESK}/snippets?platform=outlook`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe("platform");
  });
});

describe("every platform's snippet", () => {
  // By hand, from each platform's documented placeholders (docs/template-links.md).
  const expected: Record<string, Record<string, string>> = {
    zendesk: { r: "{{ticket.id}}", email: "{{ticket.requester.email}}", channel: "{{ticket.via}}", ticket_id: "{{ticket.id}}", agent: "{{ticket.assignee.name}}" },
    freshdesk: { r: "{{ticket.id}}", email: "{{ticket.requester.email}}", ticket_id: "{{ticket.id}}", agent: "{{ticket.agent.name}}" },
    intercom: { r: "{{user_id}}", email: "{{email}}" },
    helpscout: { r: "{%conversation.number%}", email: "{%customer.email%}", ticket_id: "{%conversation.number%}", agent: "{%user.fullName%}" },
    hubspot: { r: "{{ticket.hs_object_id}}", email: "{{contact.email}}", ticket_id: "{{ticket.hs_object_id}}" },
    mailchimp: { r: "*|UNIQID|*", email: "*|EMAIL|*" },
    generic: {
      r: "{{recipient}}",
      email: "{{email}}",
      touchpoint: "{{touchpoint}}",
      country: "{{country}}",
      channel: "{{channel}}",
      variant: "{{variant}}",
      ticket_id: "{{ticket_id}}",
      agent: "{{agent}}",
    },
  };

  it.each(Object.entries(expected))("%s carries its own placeholders in valid links, one per score", async (platform, query) => {
    const answer = await snippet(ZENDESK, platform);
    expect(answer.platform).toBe(platform);
    expect(Object.fromEntries(answer.placeholders.map((p) => [p.param, p.placeholder]))).toEqual(query);
    const hrefs = [...answer.html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replaceAll("&amp;", "&"));
    expect(hrefs).toHaveLength(5);
    hrefs.forEach((href, index) => {
      const url = new URL(href);
      expect(url.origin).toBe(BASE);
      expect(url.pathname).toMatch(new RegExp(`^/t/[A-Za-z0-9_-]+/${index + 1}$`));
      // The platform must find each placeholder verbatim in the link.
      for (const [param, placeholder] of Object.entries(query)) expect(href).toContain(`${param}=${placeholder}`);
      expect(answer.text).toContain(href);
    });
    expect(answer.link_template).toBe(hrefs[0]!.replace("/1?", "/{score}?"));
  });
});
