import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "../../functions/routes";
import { api, errorOf } from "../helpers/api";
import { fetchChecked } from "../helpers/document";
import { PERSON, createSurvey, invite, nonceOf, pathOf, responseOf, visit } from "../helpers/respondent";
import { tableCounts } from "../helpers/tables";

/**
 * Well-formed Unicode at every way in (issue #12, finding 2), and one rule for free-text fields
 * (finding 12b): a lone surrogate or a control character is refused with a 400 naming the field,
 * and nothing is written.
 */


/** Calls the API and expects a 400 naming `field`, with no table changed. */
async function expectRefused(method: string, path: string, body: unknown, field: string, headers: Record<string, string> = {}) {
  const before = await tableCounts();
  const response = await api(method, path, { body, headers });
  const error = await errorOf(response);
  expect(response.status, JSON.stringify(error)).toBe(400);
  // As JSON, so that a failure's message holds no lone surrogate (the test runner's socket refuses one).
  expect(JSON.stringify(error.field)).toBe(JSON.stringify(field));
  expect(await tableCounts()).toEqual(before);
  return error;
}

const LONE = "sur\ud800x";
const erasurePath = (recipient: string) => `/api/v1/respondents/${encodeURIComponent(recipient)}`;
let ingestKey = 0;
const idempotency = () => ({ "idempotency-key": `unicode-${++ingestKey}` });

beforeAll(async () => {
  await createSurvey("uni", { segments: ["plan"] });
});

describe("a lone surrogate in any JSON body", () => {
  // One request per operation that takes JSON, with a lone surrogate where the table says.
  const cases: { operationId: string; method: string; path: string; body: Record<string, unknown>; field: string; headers?: () => Record<string, string> }[] = [
    { operationId: "createKey", method: "POST", path: "/api/v1/keys", body: { name: LONE, scopes: ["admin"] }, field: "name" },
    { operationId: "createSurvey", method: "POST", path: "/api/v1/surveys", body: { id: "uni-new", name: "n", metric: "csat", question: { en: LONE } }, field: "question.en" },
    { operationId: "updateSurvey", method: "PATCH", path: "/api/v1/surveys/uni", body: { name: LONE }, field: "name" },
    { operationId: "createInvitations", method: "POST", path: "/api/v1/surveys/uni/invitations", body: { recipients: [{ recipient: "fine" }, { recipient: LONE }] }, field: "recipients.1.recipient" },
    { operationId: "ingestResponse", method: "POST", path: "/api/v1/surveys/uni/responses", body: { recipient: "someone", score: 4, comment: LONE }, field: "comment", headers: idempotency },
    { operationId: "overrideResponse", method: "PATCH", path: "/api/v1/responses/rsp_unicode", body: { status: LONE }, field: "status" },
    { operationId: "createAnnotation", method: "POST", path: "/api/v1/surveys/uni/annotations", body: { at: "2026-01-05", label: LONE }, field: "label" },
    { operationId: "createWebhook", method: "POST", path: "/api/v1/webhooks", body: { url: `https://example.com/${LONE}`, events: ["response.created"] }, field: "url" },
    { operationId: "enrollMembers", method: "POST", path: "/api/v1/surveys/uni/members", body: { members: [{ recipient: "fine" }, { recipient: LONE }] }, field: "members.1.recipient" },
    { operationId: "upsertPerson", method: "POST", path: "/api/v1/people", body: { recipient: "uni-person", name: LONE }, field: "name" },
    { operationId: "createUnsubscribe", method: "POST", path: "/api/v1/unsubscribes", body: { email: `a${LONE}@example.com` }, field: "email" },
    { operationId: "createBounce", method: "POST", path: "/api/v1/bounces", body: { email: `a${LONE}@example.com` }, field: "email" },
  ];

  // The Delighted-compatible routes answer in Delighted's shape: test/delighted/clients.test.ts tries them.
  it("is tried on every operation that takes JSON", () => {
    const json = ROUTES.filter((r) => !r.delighted && (r.body || r.handlerBody?.["application/json"])).map((r) => r.operationId);
    expect(cases.map((c) => c.operationId).sort()).toEqual(json.sort());
  });

  it.each(cases)("$operationId: 400 naming $field, nothing written", async ({ method, path, body, field, headers }) => {
    const error = await expectRefused(method, path, body, field, headers?.());
    expect(error.code).toBe("invalid_field");
    expect(error.message).toContain("well-formed Unicode");
  });

  it("names a key that holds one, and a string deep in an array", async () => {
    await expectRefused("POST", "/api/v1/surveys/uni/invitations", { recipients: [{ recipient: "a", properties: { plan: "ok" } }, { recipient: "b", properties: { plan: "x\udc00" } }] }, "recipients.1.properties.plan");
    await expectRefused("POST", "/api/v1/surveys", { id: "uni-key", name: "n", metric: "csat", ["x\udfff"]: 1 }, "x\ufffd");
  });
});

describe("people can always be erased", () => {
  it.each([
    ["an invitation", "POST", "/api/v1/surveys/uni/invitations", { recipients: [{ recipient: LONE }] }, "recipients.0.recipient", undefined],
    ["an ingested response", "POST", "/api/v1/surveys/uni/responses", { recipient: LONE, score: 3 }, "recipient", idempotency],
  ] as const)("a recipient with a lone surrogate is refused in %s", async (_where, method, path, body, field, headers) => {
    await expectRefused(method, path, body, field, headers?.());
  });

  it("counts a recipient in code points at invitation and erasure alike: 200 emoji are one person, found again", async () => {
    const emoji = "😀".repeat(200);
    const { invitations } = await invite("uni", [{ recipient: emoji }], { snippets: false });
    expect(invitations[0]!.recipient).toBe(emoji);
    const erased = await api("DELETE", erasurePath(emoji));
    expect(erased.status).toBe(200);
    expect(await erased.json()).toMatchObject({ erased: { invitations: 1 } });
    await expectRefused("POST", "/api/v1/surveys/uni/invitations", { recipients: [{ recipient: `${emoji}😀` }] }, "recipients.0.recipient");
  });

  it.each(["sur%ED%A0%80x", "%C3", "%FF%FE"])("refuses the path parameter %s, which is not UTF-8, with 400", async (escaped) => {
    const response = await api("DELETE", `/api/v1/respondents/${escaped}`);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_path", field: "recipient" });
  });
});

describe("query strings", () => {
  it.each([
    ["/api/v1/surveys?cursor=%ED%A0%80", "cursor"],
    ["/api/v1/surveys/uni/metrics?group_by=plan%C3", "group_by"],
    ["/api/v1/surveys/uni/annotations?from=2026-01-01%FF", "from"],
    ["/api/v1/surveys?limit=10&utm_source=sur%ED%A0%80x", "utm_source"],
  ])("%s: escapes that are not UTF-8 are refused with 400 naming %s", async (url, field) => {
    const response = await api("GET", url);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: "invalid_query", field });
    expect(error.message).toContain("well-formed Unicode");
  });

  it("still reads UTF-8 escapes and + as URLSearchParams does", async () => {
    expect((await api("GET", "/api/v1/surveys?limit=%32&utm_source=caf%C3%A9+x")).status).toBe(200);
  });
});

describe("one rule for every free-text field", () => {
  const survey = (extra: Record<string, unknown>) => ({ id: "uni-text", name: "n", metric: "csat", ...extra });
  const fields: [string, string, string, (text: string) => unknown, string, (() => Record<string, string>)?][] = [
    ["survey name", "POST", "/api/v1/surveys", (t) => survey({ name: t }), "name"],
    ["survey name (patch)", "PATCH", "/api/v1/surveys/uni", (t) => ({ name: t }), "name"],
    ["question", "POST", "/api/v1/surveys", (t) => survey({ question: { en: t } }), "question.en"],
    ["follow-up question", "PATCH", "/api/v1/surveys/uni", (t) => ({ follow_up: { de: t } }), "follow_up.de"],
    ["attribute", "POST", "/api/v1/surveys", (t) => survey({ metric: "rating", attribute: t }), "attribute"],
    ["benchmark label", "POST", "/api/v1/surveys", (t) => survey({ benchmark: { value: 50, label: t } }), "benchmark.label"],
    ["annotation label", "POST", "/api/v1/surveys/uni/annotations", (t) => ({ at: "2026-01-05", label: t }), "label"],
    ["API key name", "POST", "/api/v1/keys", (t) => ({ name: t, scopes: ["surveys:read"] }), "name"],
    ["recipient", "POST", "/api/v1/surveys/uni/invitations", (t) => ({ recipients: [{ recipient: t }] }), "recipients.0.recipient"],
    ["recipient (ingested)", "POST", "/api/v1/surveys/uni/responses", (t) => ({ recipient: t, score: 3 }), "recipient", idempotency],
    ["property value", "POST", "/api/v1/surveys/uni/invitations", (t) => ({ recipients: [{ recipient: "p", properties: { plan: t } }] }), "recipients.0.properties.plan"],
  ];
  const cases = fields.flatMap(([name, method, path, body, field, headers]) =>
    (
      [
        ["NUL", "a\u0000b"],
        ["NEL (U+0085)", "a\u0085b"],
        ["a line break", "a\nb"],
      ] as const
    ).map(([what, text]) => ({ name, what, method, path, body: body(text), field, headers })),
  );

  it.each(cases)("$name refuses $what", async ({ method, path, body, field, headers }) => {
    const error = await expectRefused(method, path, body, field, headers?.());
    expect(error.message).toContain("control characters");
  });

  it("counts code points alike in every field: 200 emoji make a survey name, 201 do not", async () => {
    const created = await api("POST", "/api/v1/surveys", { body: survey({ name: "😀".repeat(200) }) });
    expect(created.status).toBe(201);
    await expectRefused("PATCH", "/api/v1/surveys/uni-text", { name: "😀".repeat(201) }, "name");
  });
});

describe("the respondent form", () => {
  const post = (url: string, body: string) =>
    fetchChecked(`http://tapscore.test${pathOf(url)}`, {
      method: "POST",
      headers: { ...PERSON, "accept-language": "de", "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body,
    });

  it("answers escapes that are not UTF-8 with the page in the person's language, 400, the comment shown back, nothing kept", async () => {
    const { invitations } = await invite("uni", [{ recipient: "form-person", locale: "de" }], { snippets: false });
    const invitation = invitations[0]!;
    const nonce = nonceOf(await (await visit(invitation.links["4"]!)).text());
    const before = await tableCounts();
    const response = await post(invitation.url, `nonce=${nonce}&action=comment&score=4&comment=Sehr+gut%2C+caf%C3`);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('lang="de"');
    expect(html).toContain("Ein Teil Ihres Kommentars konnte nicht gelesen werden");
    expect(html).toContain(">Sehr gut, caf\ufffd</textarea>");
    expect(await tableCounts()).toEqual(before);
    expect((await responseOf(invitation.id))?.comment ?? null).toBeNull();
  });

  it("keeps no choice from a form with such escapes either", async () => {
    const { invitations } = await invite("uni", [{ recipient: "form-person-2" }], { snippets: false });
    const before = await tableCounts();
    const response = await post(invitations[0]!.url, "action=choose&score=3&nonce=%ED%A0%80");
    expect(response.status).toBe(400);
    expect(await tableCounts()).toEqual(before);
  });
});

describe("the internal sign-in form", () => {
  it("reads no field whose escapes are not UTF-8: a next path so sent is left out, not read as U+FFFD", async () => {
    const response = await fetchChecked("http://tapscore.test/internal/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body: `token=${env.ADMIN_TOKEN}&next=/internal/caf%C3`,
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/internal/");
  });
});
