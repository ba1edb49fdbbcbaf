import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { api, BASE } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";
import { checkAgainstDocument } from "../helpers/document";
import { createSurvey } from "../helpers/respondent";
import { clearDueSends, fakeEmail, inviteAndSend, tick } from "../sending/deliver-fake";

/**
 * Delighted's people through the Delighted-compatible API, called the way its clients call it: Node's
 * JSON with base64(key:), Python's bare-key auth, PHP's form bodies with bracket names.
 */

const SURVEY = "dl-people";
const DAY = 86_400_000;
let key = "";

interface SendRow {
  status: string;
  survey_id: string;
  email: string;
  send_at: number;
  created_at: number;
}

const sendsOf = async (recipient: string) =>
  (
    await env.DB.prepare("SELECT status, survey_id, email, send_at, created_at FROM sends WHERE recipient = ?1 ORDER BY created_at, id")
      .bind(recipient)
      .all<SendRow>()
  ).results;

const personRow = (recipient: string) =>
  env.DB.prepare("SELECT email, name, locale, properties FROM people WHERE recipient = ?1").bind(recipient).first<Record<string, unknown>>();

const create = (body: Record<string, unknown>, auth: "node" | "python" = "node") => delighted(key, "POST", "/v1/people", { json: body, auth });

async function created(body: Record<string, unknown>) {
  const response = await create(body);
  expect(response.status).toBe(200);
  return (await response.json()) as { id: string; email: string | null; name: string | null; survey_scheduled_at: number | null; properties: Record<string, string> };
}

beforeAll(async () => {
  await createSurvey(SURVEY, { segments: ["plan"] });
  await createSurvey("dl-people-other");
  key = await delightedKey(SURVEY);
});
beforeEach(clearDueSends);

describe("POST /v1/people", () => {
  it("creates the person, schedules one survey email, and the cron sends it", async () => {
    const person = await created({
      email: "Ada.Create@Example.com",
      name: "Ada",
      properties: { plan: "pro", seats: 3, trial: false, question_product_name: "Widget", locale: "NL" },
    });
    expect(person).toEqual({
      id: "ada.create@example.com",
      email: "Ada.Create@Example.com",
      name: "Ada",
      survey_scheduled_at: expect.any(Number),
      properties: { plan: "pro", seats: "3", trial: "false", question_product_name: "Widget" },
    });
    expect(await personRow("ada.create@example.com")).toEqual({
      email: "Ada.Create@Example.com",
      name: "Ada",
      locale: "nl",
      properties: '{"plan":"pro","seats":"3","trial":"false","question_product_name":"Widget"}',
    });
    const [send, ...others] = await sendsOf("ada.create@example.com");
    expect(others).toEqual([]);
    expect(send).toMatchObject({ status: "scheduled", survey_id: SURVEY, email: "Ada.Create@Example.com" });
    expect(person.survey_scheduled_at).toBe(Math.floor(send!.send_at / 1000));
    // Only the survey's segment goes onto the invitation; the other properties stay on the person.
    const invitation = await env.DB.prepare("SELECT properties, locale FROM invitations WHERE recipient = ?1").bind("ada.create@example.com").first();
    expect(invitation).toEqual({ properties: '{"plan":"pro"}', locale: "nl" });

    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    expect(email.handed.map((m) => m.to)).toEqual(["Ada.Create@Example.com"]);
    expect((await sendsOf("ada.create@example.com")).map((s) => s.status)).toEqual(["sent"]);
  });

  it("finds an existing person by address, in any case, and keeps their id", async () => {
    const saved = await api("POST", "/api/v1/people", { body: { recipient: "cust-42", email: "known@example.com", name: "Kim" } });
    expect(saved.status).toBe(200);
    const person = await created({ email: "KNOWN@example.com", send: false });
    expect(person).toEqual({ id: "cust-42", email: "KNOWN@example.com", name: "Kim", survey_scheduled_at: null, properties: {} });
    expect(await personRow("known@example.com")).toBeNull();
  });

  it("with send false only keeps the person", async () => {
    const person = await created({ email: "quiet@example.com", name: "Quinn", send: false, properties: { plan: "free" } });
    expect(person).toEqual({ id: "quiet@example.com", email: "quiet@example.com", name: "Quinn", survey_scheduled_at: null, properties: { plan: "free" } });
    expect(await sendsOf("quiet@example.com")).toEqual([]);
  });

  it("waits delay seconds before the email leaves", async () => {
    const person = await created({ email: "later@example.com", delay: 3600 });
    const [send] = await sendsOf("later@example.com");
    expect(send!.send_at - send!.created_at).toBe(3_600_000);
    expect(person.survey_scheduled_at).toBe(Math.floor(send!.send_at / 1000));
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    expect(email.handed).toEqual([]);
  });

  it("reads PHP's form bodies: bracket properties and every value as text", async () => {
    const quiet = await delighted(key, "POST", "/v1/people", { form: "email=php%40example.com&name=Pat&properties[plan]=pro&properties[seats]=2&send=false" });
    expect(quiet.status).toBe(200);
    expect(await quiet.json()).toEqual({ id: "php@example.com", email: "php@example.com", name: "Pat", survey_scheduled_at: null, properties: { plan: "pro", seats: "2" } });
    expect(await sendsOf("php@example.com")).toEqual([]);

    const sending = await delighted(key, "POST", "/v1/people", { form: "email=php2%40example.com&send=1&delay=60&unknown_field=x" });
    expect(sending.status).toBe(200);
    const [send] = await sendsOf("php2@example.com");
    expect(send!.status).toBe("scheduled");
    expect(send!.send_at - send!.created_at).toBe(60_000);
  });

  it("takes Python's Basic auth without the colon", async () => {
    const response = await create({ email: "python@example.com", send: false }, "python");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }).id).toBe("python@example.com");
  });

  it("refuses bad input with Delighted's 422 and writes nothing", async () => {
    const cases: [Record<string, unknown>, Record<string, string[]>][] = [
      [{ email: "not-an-address" }, { email: ["is invalid"] }],
      [{}, { email: ["can't be blank"] }],
      [{ email: "  " }, { email: ["can't be blank"] }],
      [{ phone_number: "+15555550100" }, { phone_number: ["is not supported: Tapscore sends email only, give an email"] }],
      [{ email: "sms@example.com", channel: "sms" }, { channel: ["is not supported: Tapscore sends email only"] }],
      [{ email: "nested@example.com", properties: { plan: { tier: "pro" } } }, { "properties.plan": ["must be a string, number or boolean"] }],
      [{ email: "list@example.com", properties: { plan: ["pro"] } }, { "properties.plan": ["must be a string, number or boolean"] }],
      [{ email: "delay@example.com", delay: -1 }, { delay: ["must be at least 0"] }],
      [{ email: "delay2@example.com", delay: "1.5" }, { delay: ["must be a whole number of seconds"] }],
      [{ email: "send@example.com", send: "maybe" }, { send: ["must be true or false"] }],
    ];
    for (const [body, errors] of cases) {
      const response = await create(body);
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors });
    }
    const written = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM people WHERE recipient IN ('sms@example.com', 'nested@example.com', 'list@example.com', 'delay@example.com', 'delay2@example.com', 'send@example.com')",
    ).first<{ n: number }>();
    expect(written!.n).toBe(0);
  });

  it("ignores a locale Tapscore does not speak, and unknown fields", async () => {
    const person = await created({ email: "pt@example.com", send: false, properties: { locale: "pt-BR" }, favourite_colour: "blue" });
    expect(person.properties).toEqual({});
    expect(await personRow("pt@example.com")).toMatchObject({ locale: null });
  });

  it("emails nobody unsubscribed, and still answers 200", async () => {
    const unsubscribed = await api("POST", "/api/v1/unsubscribes", { body: { email: "gone@example.com" } });
    expect(unsubscribed.status).toBe(201);
    const person = await created({ email: "gone@example.com" });
    expect(person.survey_scheduled_at).toBeNull();
    expect((await sendsOf("gone@example.com")).map((s) => s.status)).toEqual(["suppressed"]);
  });

  it("schedules nothing for someone surveyed elsewhere within THROTTLE_DAYS (last_sent_at)", async () => {
    const recent = await created({ email: "recent@example.com", last_sent_at: Math.floor((Date.now() - 10 * DAY) / 1000) });
    expect(recent.survey_scheduled_at).toBeNull();
    expect(await sendsOf("recent@example.com")).toEqual([]);
    const long = await created({ email: "long-ago@example.com", last_sent_at: String(Math.floor((Date.now() - 40 * DAY) / 1000)) });
    expect(long.survey_scheduled_at).not.toBeNull();
    expect((await sendsOf("long-ago@example.com")).map((s) => s.status)).toEqual(["scheduled"]);
  });

  it("schedules nothing for someone another survey emails within THROTTLE_DAYS", async () => {
    await inviteAndSend("dl-people-other", [{ recipient: "twice@example.com", email: "twice@example.com" }]);
    const person = await created({ email: "twice@example.com" });
    expect(person.survey_scheduled_at).toBeNull();
    expect((await sendsOf("twice@example.com")).map((s) => s.survey_id)).toEqual(["dl-people-other"]);
  });

  it("answers 422 for an archived survey", async () => {
    await createSurvey("dl-people-archived");
    const archivedKey = await delightedKey("dl-people-archived");
    expect((await api("DELETE", "/api/v1/surveys/dl-people-archived")).status).toBe(200);
    const response = await delighted(archivedKey, "POST", "/v1/people", { json: { email: "archived@example.com" } });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      status: 422,
      message: "Unprocessable Entity",
      errors: { base: ["The survey this key is bound to is archived and takes no new people."] },
    });
    expect(await personRow("archived@example.com")).toBeNull();
  });

  it("answers 409 when deployed without EMAIL_FROM, and writes nothing", async () => {
    const url = `${BASE}/v1/people`;
    const request = new Request(url, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${key}:`)}`, "content-type": "application/json" },
      body: JSON.stringify({ email: "no-sender@example.com" }),
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ENVIRONMENT: "production", PUBLIC_URL: "https://feedback.example.com", EMAIL_FROM: "" }, ctx);
    await waitOnExecutionContext(ctx);
    await checkAgainstDocument("POST", url, response.clone());
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      status: 409,
      message: 'EMAIL_FROM is not set: survey emails need a sender on a domain onboarded to Cloudflare Email Service, e.g. "Acme <support@acme.com>" (wrangler.toml [vars]).',
    });
    expect(await personRow("no-sender@example.com")).toBeNull();
  });
});

describe("GET /v1/people", () => {
  // Made long ago (2001), so that the people the other tests create fall outside since/until.
  const T = 1_000_000_000_000;
  const rows: [string, number][] = [
    // Not alphabetical: the order is by creation, then id.
    ["list-0", T - 1],
    ["list-z", T],
    ["list-c", T + 1000],
    ["list-b", T + 1000],
    ["list-y", T + 2000],
    ["list-a", T + 4500],
    ["list-f", T + 5000],
  ];

  beforeAll(async () => {
    await env.DB.batch(
      rows.map(([recipient, at]) =>
        env.DB.prepare("INSERT INTO people (recipient, email, name, locale, timezone, properties, created_at, updated_at) VALUES (?1, ?2, NULL, NULL, NULL, '{}', ?3, ?3)").bind(
          recipient,
          `${recipient}@example.com`,
          at,
        ),
      ),
    );
  });

  it("pages oldest first with a Link to the next page until the last", async () => {
    const pages: string[][] = [];
    let path: string | null = `/v1/people?per_page=2&since=${T / 1000}&until=${T / 1000 + 4}`;
    while (path !== null) {
      const response = await delighted(key, "GET", path);
      expect(response.status).toBe(200);
      pages.push(((await response.json()) as { id: string }[]).map((p) => p.id));
      const link = response.headers.get("link");
      const next = link ? /^<([^>]+)>; rel="next"$/.exec(link) : null;
      if (link) expect(next).not.toBeNull();
      path = next ? new URL(next[1]!).pathname + new URL(next[1]!).search : null;
      expect(pages.length).toBeLessThanOrEqual(3);
    }
    expect(pages).toEqual([["list-z", "list-b"], ["list-c", "list-y"], ["list-a"]]);
  });

  it("shows each person in Delighted's shape, and filters by address", async () => {
    const response = await delighted(key, "GET", "/v1/people?email=LIST-B%40example.com");
    expect(response.status).toBe(200);
    expect(response.headers.get("link")).toBeNull();
    expect(await response.json()).toEqual([
      {
        id: "list-b",
        email: "list-b@example.com",
        name: null,
        phone_number: null,
        created_at: T / 1000 + 1,
        last_sent_at: null,
        last_responded_at: null,
        next_survey_scheduled_at: null,
      },
    ]);
  });

  it("refuses a cursor it did not give out with 422", async () => {
    const response = await delighted(key, "GET", "/v1/people?cursor=bm90LWEtY3Vyc29y");
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { cursor: ["is invalid"] } });
  });

  it("is served at .json too, as Delighted's documentation writes it", async () => {
    const response = await delighted(key, "GET", `/v1/people.json?per_page=1&since=${T / 1000}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { id: string }[]).map((p) => p.id)).toEqual(["list-z"]);
    expect(response.headers.get("link")).toContain("/v1/people.json?");
  });
});

describe("GET and DELETE /v1/people/{id}", () => {
  it("shows one person, and 404 for someone unknown or an id that is not UTF-8", async () => {
    const person = await created({ email: "One@Example.com", name: "Oona", delay: 600 });
    const response = await delighted(key, "GET", `/v1/people/${encodeURIComponent(person.id)}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      id: "one@example.com",
      email: "One@Example.com",
      name: "Oona",
      phone_number: null,
      created_at: expect.any(Number),
      last_sent_at: null,
      last_responded_at: null,
      next_survey_scheduled_at: person.survey_scheduled_at,
    });
    for (const path of ["/v1/people/nobody-here", "/v1/people/%E0%A4%A"]) {
      const missing = await delighted(key, "GET", path);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ status: 404, message: "Not Found" });
    }
  });

  it("erases by id everywhere, and again answers the same", async () => {
    const person = await created({ email: "erase-id@example.com" });
    expect(await sendsOf(person.id)).toHaveLength(1);
    for (let round = 0; round < 2; round++) {
      const response = await delighted(key, "DELETE", `/v1/people/${encodeURIComponent(person.id)}`);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ ok: true });
    }
    expect((await api("GET", `/api/v1/people/${encodeURIComponent(person.id)}`)).status).toBe(404);
    expect(await sendsOf(person.id)).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM invitations WHERE recipient = ?1").bind(person.id).first("n")).toBe(0);
  });

  it("erases by email: as the Node client sends it, everyone with that address", async () => {
    expect((await api("POST", "/api/v1/people", { body: { recipient: "cust-erase", email: "Erase-Me@example.com" } })).status).toBe(200);
    const response = await delighted(key, "DELETE", `/v1/people/${encodeURIComponent("email:erase-me@example.com")}`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true });
    expect((await api("GET", "/api/v1/people/cust-erase")).status).toBe(404);
  });

  it("answers 202 for a phone number, erasing nobody", async () => {
    // Even someone whose own id reads like one: Tapscore keeps no phone numbers, so the identifier names nobody.
    expect((await api("POST", "/api/v1/people", { body: { recipient: "phone_number:+15555550100", email: "phone@example.com" } })).status).toBe(200);
    const kept = { id: "phone_number:+15555550100" };
    const response = await delighted(key, "DELETE", `/v1/people/${encodeURIComponent("phone_number:+15555550100")}`);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true });
    expect((await api("GET", `/api/v1/people/${encodeURIComponent(kept.id)}`)).status).toBe(200);
  });
});

describe("DELETE /v1/people/{email}/survey_requests/pending", () => {
  it("cancels this survey's scheduled emails to the address, and no other survey's", async () => {
    await created({ email: "Pending@example.com", delay: 3600 });
    await inviteAndSend("dl-people-other", [{ recipient: "pending-other", email: "pending@example.com" }], { send_at: new Date(Date.now() + DAY).toISOString() });
    const response = await delighted(key, "DELETE", `/v1/people/${encodeURIComponent("pending@example.com")}/survey_requests/pending`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect((await sendsOf("pending@example.com")).map((s) => s.status)).toEqual(["cancelled"]);
    expect((await sendsOf("pending-other")).map((s) => s.status)).toEqual(["scheduled"]);
  });

  it("leaves sent emails as they were", async () => {
    await created({ email: "sent-first@example.com" });
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    const response = await delighted(key, "DELETE", `/v1/people/${encodeURIComponent("sent-first@example.com")}/survey_requests/pending`);
    expect(response.status).toBe(200);
    expect((await sendsOf("sent-first@example.com")).map((s) => s.status)).toEqual(["sent"]);
  });
});
