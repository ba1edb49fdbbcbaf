import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";
import { createSurvey } from "../helpers/respondent";
import { fakeEmail, tick } from "../sending/deliver-fake";

/**
 * Delighted's Autopilot on a recurring survey: the configuration is the key's survey's recurrence, the
 * memberships its members, enrolled, listed with Link paging and removed the ways the clients send it.
 */

const RECURRING = "dl-auto";
const ONCE = "dl-auto-once";
const MINUTE = 60_000;

interface Membership {
  created_at: number;
  updated_at: number;
  person: { id: string; email: string | null; name: string | null; next_survey_scheduled_at: number | null; last_sent_at: number | null };
  next_survey_request: { id: string; created_at: number; survey_scheduled_at: number; properties: Record<string, string> } | null;
}

let key: string;
let onceKey: string;

beforeAll(async () => {
  await createSurvey(RECURRING, { metric: "nps", recurrence: { every_days: 90 }, segments: ["plan"] });
  await createSurvey(ONCE);
  key = await delightedKey(RECURRING);
  onceKey = await delightedKey(ONCE);
});

async function enroll(apiKey: string, json: Record<string, unknown>): Promise<Membership> {
  const response = await delighted(apiKey, "POST", "/v1/autopilot/email/memberships", { json });
  expect(response.status).toBe(200);
  return response.json();
}

async function surveyTimes(id: string): Promise<{ created_at: number; updated_at: number }> {
  const survey = (await (await api("GET", `/api/v1/surveys/${id}`)).json()) as { created_at: string; updated_at: string };
  return { created_at: Math.floor(Date.parse(survey.created_at) / 1000), updated_at: Math.floor(Date.parse(survey.updated_at) / 1000) };
}

describe("GET /v1/autopilot/email", () => {
  it("is active with the recurrence's interval in seconds on a recurring survey", async () => {
    const response = await delighted(key, "GET", "/v1/autopilot/email");
    expect(response.status).toBe(200);
    // 90 days × 86 400 s.
    expect(await response.json()).toEqual({ platform_id: "email", active: true, frequency: 7_776_000, ...(await surveyTimes(RECURRING)) });
  });

  it("is inactive without a frequency on a survey without recurrence, and once its survey is archived", async () => {
    const response = await delighted(onceKey, "GET", "/v1/autopilot/email.json");
    expect(await response.json()).toEqual({ platform_id: "email", active: false, frequency: null, ...(await surveyTimes(ONCE)) });

    await createSurvey("dl-auto-archived", { recurrence: { every_days: 7 } });
    const archivedKey = await delightedKey("dl-auto-archived");
    expect((await api("DELETE", "/api/v1/surveys/dl-auto-archived")).status).toBe(200);
    const archived = (await (await delighted(archivedKey, "GET", "/v1/autopilot/email")).json()) as Record<string, unknown>;
    expect(archived).toMatchObject({ active: false, frequency: 604_800 });
  });

  it("has no SMS platform: Tapscore sends email only", async () => {
    for (const path of ["/v1/autopilot/sms", "/v1/autopilot/sms/memberships"]) {
      const response = await delighted(key, "GET", path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ status: 404, message: "Not Found" });
    }
  });
});

describe("POST /v1/autopilot/email/memberships", () => {
  it("enrolls a new person, named by their address in lower case, asked at once", async () => {
    const before = Math.floor(Date.now() / 1000);
    const membership = await enroll(key, { person_email: "Ada@Example.com", person_name: "Ada", properties: { plan: "pro", locale: "NL", "Customer ID": "77" } });
    const after = Math.floor(Date.now() / 1000);
    expect(membership.person).toMatchObject({ id: "ada@example.com", email: "Ada@Example.com", name: "Ada", last_sent_at: null });
    expect(membership.next_survey_request).toBeNull();
    expect(membership.created_at).toBeGreaterThanOrEqual(before);
    expect(membership.created_at).toBeLessThanOrEqual(after);
    expect(membership.updated_at).toBe(membership.created_at);
    // No sending window: the first message is due at enrollment.
    expect(membership.person.next_survey_scheduled_at).toBe(membership.created_at);

    const members = (await (await api("GET", `/api/v1/surveys/${RECURRING}/members`)).json()) as { members: { recipient: string }[] };
    expect(members.members.map((m) => m.recipient)).toContain("ada@example.com");
    const person = (await (await api("GET", "/api/v1/people/ada%40example.com")).json()) as Record<string, unknown>;
    expect(person).toMatchObject({ locale: "nl", properties: { plan: "pro", "Customer ID": "77" } });
  });

  it("finds someone already on file by address, or by person_id, and keeps an existing member's enrollment", async () => {
    expect([200, 201]).toContain((await api("POST", "/api/v1/people", { body: { recipient: "cust-77", email: "seven@example.com", name: "Sev" } })).status);
    const byEmail = await enroll(key, { person_email: "SEVEN@example.com" });
    expect(byEmail.person).toMatchObject({ id: "cust-77", email: "SEVEN@example.com", name: "Sev" });
    const byId = await enroll(key, { person_id: "cust-77", person_name: "Seven" });
    expect(byId.person).toMatchObject({ id: "cust-77", email: "SEVEN@example.com", name: "Seven" });
    expect(byId.created_at).toBe(byEmail.created_at);
  });

  it("takes PHP's form body with bracketed properties", async () => {
    const response = await delighted(key, "POST", "/v1/autopilot/email/memberships", { form: "person_email=form-ap%40example.com&properties[plan]=basic" });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Membership).person.id).toBe("form-ap@example.com");
    const person = (await (await api("GET", "/api/v1/people/form-ap%40example.com")).json()) as Record<string, unknown>;
    expect(person).toMatchObject({ properties: { plan: "basic" } });
  });

  it("refuses with 422 a survey without recurrence, a bad address, and nobody named", async () => {
    const once = await delighted(onceKey, "POST", "/v1/autopilot/email/memberships", { json: { person_email: "x@example.com" } });
    expect(once.status).toBe(422);
    const onceBody = (await once.json()) as { status: number; errors: { base: string[] } };
    expect(onceBody.status).toBe(422);
    expect(onceBody.errors.base[0]).toMatch(/no recurrence/);

    const bad = await delighted(key, "POST", "/v1/autopilot/email/memberships", { json: { person_email: "not an address" } });
    expect(bad.status).toBe(422);
    expect(await bad.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { person_email: ["is invalid"] } });

    const nobody = await delighted(key, "POST", "/v1/autopilot/email/memberships", { json: { person_name: "Nobody" } });
    expect(nobody.status).toBe(422);
    expect(await nobody.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { person_email: ["can't be blank"] } });

    const unknownId = await delighted(key, "POST", "/v1/autopilot/email/memberships", { json: { person_id: "nobody-on-file" } });
    expect(unknownId.status).toBe(422);
  });
});

describe("GET /v1/autopilot/email/memberships", () => {
  const SURVEY = "dl-auto-list";
  let listKey: string;
  beforeAll(async () => {
    await createSurvey(SURVEY, { recurrence: { every_days: 30 } });
    listKey = await delightedKey(SURVEY);
    for (const n of [3, 1, 5, 2, 4]) await enroll(listKey, { person_email: `l${n}@example.com`, person_name: `L${n}` });
  });

  it("pages by id with a Link to the next page until the last", async () => {
    const first = await delighted(listKey, "GET", "/v1/autopilot/email/memberships?per_page=2");
    expect(first.status).toBe(200);
    expect(((await first.json()) as Membership[]).map((m) => m.person.id)).toEqual(["l1@example.com", "l2@example.com"]);
    const link = first.headers.get("link");
    expect(link).toMatch(/^<http:\/\/tapscore\.test\/v1\/autopilot\/email\/memberships\?per_page=2&cursor=[A-Za-z0-9_-]+>; rel="next"$/);

    const next = (header: string | null) => {
      const url = new URL(/^<([^>]+)>/.exec(header ?? "")![1]!);
      return `${url.pathname}${url.search}`;
    };
    const second = await delighted(listKey, "GET", next(link));
    expect(((await second.json()) as Membership[]).map((m) => m.person.id)).toEqual(["l3@example.com", "l4@example.com"]);
    const third = await delighted(listKey, "GET", next(second.headers.get("link")));
    expect(((await third.json()) as Membership[]).map((m) => m.person.id)).toEqual(["l5@example.com"]);
    expect(third.headers.get("link")).toBeNull();
  });

  it("pages by 20 by default, and narrows to one person by person_email or person_id", async () => {
    const all = await delighted(listKey, "GET", "/v1/autopilot/email/memberships.json");
    expect(((await all.json()) as Membership[]).length).toBe(5);
    expect(all.headers.get("link")).toBeNull();
    const byEmail = await delighted(listKey, "GET", "/v1/autopilot/email/memberships?person_email=L4%40Example.com");
    expect(((await byEmail.json()) as Membership[]).map((m) => [m.person.id, m.person.name])).toEqual([["l4@example.com", "L4"]]);
    const byId = await delighted(listKey, "GET", "/v1/autopilot/email/memberships?person_id=l2%40example.com");
    expect(((await byId.json()) as Membership[]).map((m) => m.person.id)).toEqual(["l2@example.com"]);
    expect((await delighted(listKey, "GET", "/v1/autopilot/email/memberships?per_page=101")).status).toBe(422);
    expect((await delighted(listKey, "GET", "/v1/autopilot/email/memberships?cursor=%21")).status).toBe(422);
    // Base64url of the byte 0xFF, which is not UTF-8: not a cursor this API gave out either.
    expect((await delighted(listKey, "GET", "/v1/autopilot/email/memberships?cursor=_w")).status).toBe(422);
  });

  it("shows the next survey request once the cron has scheduled it, and none once it has left", async () => {
    const SURVEY_CRON = "dl-auto-cron";
    await createSurvey(SURVEY_CRON, { recurrence: { every_days: 60 }, segments: ["plan"] });
    const cronKey = await delightedKey(SURVEY_CRON);
    await enroll(cronKey, { person_email: "cron@example.com", properties: { plan: "team" } });
    const t0 = Date.now() + 1000;

    // Email Service is over its rate: the message is scheduled and waits.
    await tick(fakeEmail(() => "E_RATE_LIMIT_EXCEEDED").binding, t0);
    const sends = (await (await api("GET", `/api/v1/sends?survey=${SURVEY_CRON}`)).json()) as { sends: { id: string; status: string }[] };
    expect(sends.sends.map((s) => s.status)).toEqual(["scheduled"]);
    const [scheduled] = (await (await delighted(cronKey, "GET", "/v1/autopilot/email/memberships?person_email=cron%40example.com")).json()) as Membership[];
    const t0s = Math.floor(t0 / 1000);
    expect(scheduled!.next_survey_request).toEqual({ id: sends.sends[0]!.id, created_at: t0s, survey_scheduled_at: t0s, properties: { plan: "team" } });

    const email = fakeEmail();
    await tick(email.binding, t0 + 5 * MINUTE);
    // The other members of this file's surveys are due too: theirs leave in the same tick.
    expect(email.handed.map((m) => m.to)).toContain("cron@example.com");
    const [sent] = (await (await delighted(cronKey, "GET", "/v1/autopilot/email/memberships?person_email=cron%40example.com")).json()) as Membership[];
    expect(sent!.next_survey_request).toBeNull();
    expect(sent!.person.last_sent_at).toBe(Math.floor((t0 + 5 * MINUTE) / 1000));
    // 60 days after it left.
    expect(sent!.person.next_survey_scheduled_at).toBe(Math.floor((t0 + 5 * MINUTE) / 1000) + 60 * 86_400);
  });
});

describe("DELETE /v1/autopilot/email/memberships", () => {
  const SURVEY = "dl-auto-delete";
  let deleteKey: string;
  beforeAll(async () => {
    await createSurvey(SURVEY, { recurrence: { every_days: 14 } });
    deleteKey = await delightedKey(SURVEY);
    for (const n of [1, 2, 3]) await enroll(deleteKey, { person_email: `d${n}@example.com`, person_name: `D${n}` });
  });

  const membersOf = async () =>
    ((await (await delighted(deleteKey, "GET", "/v1/autopilot/email/memberships")).json()) as Membership[]).map((m) => m.person.id);

  it("removes a member named in the query (Node), answering with the person; again it is 404", async () => {
    const response = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships?person_email=D1%40example.com");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { person: Membership["person"] };
    expect(body.person).toMatchObject({ id: "d1@example.com", email: "d1@example.com", name: "D1", next_survey_scheduled_at: null });
    expect(await membersOf()).toEqual(["d2@example.com", "d3@example.com"]);

    const again = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships?person_email=d1%40example.com");
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ status: 404, message: "Not Found" });
  });

  it("takes the person in a JSON body (Python) or a form (PHP), by person_id or address", async () => {
    const python = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships", { json: { person_id: "d2@example.com" }, auth: "python" });
    expect(python.status).toBe(200);
    expect(((await python.json()) as { person: { id: string } }).person.id).toBe("d2@example.com");
    const php = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships.json", { form: "person_email=d3%40example.com" });
    expect(php.status).toBe(200);
    expect(await membersOf()).toEqual([]);
  });

  it("is 404 for a person who is not a member of this survey, 422 without a person", async () => {
    // A member of another survey is not one of this survey's.
    const response = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships?person_email=ada%40example.com");
    expect(response.status).toBe(404);
    const none = await delighted(deleteKey, "DELETE", "/v1/autopilot/email/memberships");
    expect(none.status).toBe(422);
  });
});
