import { env } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";
import { createSurvey } from "../helpers/respondent";
import { clearDueSends, fakeEmail, inviteAndSend, tick } from "../sending/deliver-fake";

/**
 * Delighted's unsubscribes and bounces on Tapscore's suppression list: POST /v1/unsubscribes keeps the
 * address from every survey's emails, GET /v1/unsubscribes and /v1/bounces list the whole list by page.
 */

const SURVEY = "dl-suppress";
const OTHER = "dl-suppress-other";
// 2017-07-14T02:40:00Z: rows placed at known times, far from the ones the API writes now.
const T = 1_500_000_000_000;

let key: string;
let otherKey: string;

beforeAll(async () => {
  await createSurvey(SURVEY);
  await createSurvey(OTHER);
  key = await delightedKey(SURVEY);
  otherKey = await delightedKey(OTHER);
});
beforeEach(clearDueSends);

const suppressionRow = (email: string, reason: string, createdAt: number) =>
  env.DB.prepare("INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES (?1, ?2, 'api', NULL, ?3)").bind(email, reason, createdAt);

describe("POST /v1/unsubscribes", () => {
  it("puts the address on Tapscore's unsubscribe list: the invitations API then skips it as unsubscribed", async () => {
    const response = await delighted(key, "POST", "/v1/unsubscribes", { json: { person_email: " Una@Example.com " } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });

    const listed = (await (await api("GET", "/api/v1/unsubscribes")).json()) as { unsubscribes: Record<string, unknown>[] };
    expect(listed.unsubscribes.find((u) => u.email === "una@example.com")).toMatchObject({ source: "api", survey: SURVEY });

    const answer = await inviteAndSend(OTHER, [{ recipient: "una-1", email: "una@example.com" }]);
    expect(answer.invitations).toEqual([]);
    expect(answer.skipped).toEqual([{ recipient: "una-1", reason: "unsubscribed" }]);
  });

  it("stops a message already scheduled to the address: recorded as suppressed when due, never handed to Email Service", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "late-1", email: "late@example.com" }]);
    const sendId = answer.invitations[0]!.send!.id;
    expect((await delighted(key, "POST", "/v1/unsubscribes", { json: { person_email: "late@example.com" } })).status).toBe(200);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    expect(email.handed).toEqual([]);
    const send = (await (await api("GET", `/api/v1/sends/${sendId}`)).json()) as { status: string };
    expect(send.status).toBe("suppressed");
  });

  it("answers the same for an address already unsubscribed, keeping its first record", async () => {
    await env.DB.batch([suppressionRow("twice@example.com", "unsubscribed", T + 10_000)]);
    const response = await delighted(otherKey, "POST", "/v1/unsubscribes", { json: { person_email: "twice@example.com" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const row = await env.DB.prepare("SELECT created_at, survey_id FROM suppressions WHERE email = 'twice@example.com'").first();
    expect(row).toEqual({ created_at: T + 10_000, survey_id: null });
  });

  it("takes PHP's form body", async () => {
    const response = await delighted(key, "POST", "/v1/unsubscribes", { form: "person_email=form-unsub%40example.com" });
    expect(response.status).toBe(200);
    expect(await env.DB.prepare("SELECT reason FROM suppressions WHERE email = 'form-unsub@example.com'").first()).toEqual({ reason: "unsubscribed" });
  });

  it("refuses an address that is not one, or none, with 422 naming person_email", async () => {
    for (const json of [{ person_email: "not an address" }, { person_email: 42 }]) {
      const response = await delighted(key, "POST", "/v1/unsubscribes", { json });
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { person_email: ["is invalid"] } });
    }
    const none = await delighted(key, "POST", "/v1/unsubscribes", { json: {} });
    expect(none.status).toBe(422);
    expect(await none.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { person_email: ["can't be blank"] } });
  });
});

describe("GET /v1/unsubscribes", () => {
  beforeAll(async () => {
    const person = await api("POST", "/api/v1/people", { body: { recipient: "cust-a", email: "List-A@Example.com", name: "Ann" } });
    expect([200, 201]).toContain(person.status);
    // A second person with the address, on file later: the first is the one shown.
    const later = await api("POST", "/api/v1/people", { body: { recipient: "cust-a0", email: "list-a@example.com", name: "Other" } });
    expect([200, 201]).toContain(later.status);
    await env.DB.batch([
      suppressionRow("list-a@example.com", "unsubscribed", T),
      suppressionRow("list-d@example.com", "bounced", T + 500),
      suppressionRow("list-b@example.com", "unsubscribed", T + 1000),
      suppressionRow("list-c@example.com", "unsubscribed", T + 2000),
      suppressionRow("list-f@example.com", "unsubscribed", T + 2999),
      suppressionRow("list-e@example.com", "unsubscribed", T + 3000),
      suppressionRow("list-early@example.com", "unsubscribed", T - 1),
      // 25 in one second, 1499999900, for the default page size.
      ...Array.from({ length: 25 }, (_, i) => suppressionRow(`bulk-${String(i).padStart(2, "0")}@example.com`, "unsubscribed", T - 100_000 + i)),
    ]);
  });

  const page = async (query: string) => {
    const response = await delighted(key, "GET", `/v1/unsubscribes?since=1500000000&until=1500000002&${query}`);
    expect(response.status).toBe(200);
    return response.json();
  };

  it("lists them oldest first with the person who has the address, since and until both inclusive, page by page", async () => {
    expect(await page("per_page=2")).toEqual([
      { person_id: "cust-a", email: "list-a@example.com", name: "Ann", unsubscribed_at: 1_500_000_000 },
      { person_id: null, email: "list-b@example.com", name: null, unsubscribed_at: 1_500_000_001 },
    ]);
    expect(await page("per_page=2&page=2")).toEqual([
      { person_id: null, email: "list-c@example.com", name: null, unsubscribed_at: 1_500_000_002 },
      { person_id: null, email: "list-f@example.com", name: null, unsubscribed_at: 1_500_000_002 },
    ]);
    expect(await page("per_page=2&page=3")).toEqual([]);
  });

  it("shows every survey's unsubscribes to every key: the list is per address, not per survey", async () => {
    const response = await delighted(otherKey, "GET", "/v1/unsubscribes.json?since=1500000000&until=1500000000");
    expect(await response.json()).toEqual([{ person_id: "cust-a", email: "list-a@example.com", name: "Ann", unsubscribed_at: 1_500_000_000 }]);
  });

  it("pages by 20 by default, at most 100, and refuses other values with 422", async () => {
    const emailsOf = async (query: string) =>
      ((await (await delighted(key, "GET", `/v1/unsubscribes?since=1499999900&until=1499999999${query}`)).json()) as { email: string }[]).map((u) => u.email);
    const bulk = Array.from({ length: 25 }, (_, i) => `bulk-${String(i).padStart(2, "0")}@example.com`);
    expect(await emailsOf("")).toEqual(bulk.slice(0, 20));
    expect(await emailsOf("&page=2")).toEqual([...bulk.slice(20), "list-early@example.com"]);
    expect(await emailsOf("&per_page=100")).toEqual([...bulk, "list-early@example.com"]);
    for (const query of ["per_page=101", "per_page=0", "page=0", "since=yesterday"]) {
      const response = await delighted(key, "GET", `/v1/unsubscribes?${query}`);
      expect(response.status).toBe(422);
      const field = query.split("=")[0]!;
      expect(Object.keys(((await response.json()) as { errors: Record<string, string[]> }).errors)).toEqual([field]);
    }
  });
});

describe("GET /v1/bounces", () => {
  it("lists bounced and complained-of addresses reported through Tapscore's bounces API, once each, oldest first", async () => {
    const since = Math.floor(Date.now() / 1000);
    for (const body of [
      { email: "bounce-a@example.com", kind: "bounced" },
      { email: "bounce-b@example.com", kind: "complained" },
      { email: "bounce-a@example.com", kind: "complained" },
    ]) {
      expect((await api("POST", "/api/v1/bounces", { body })).status).toBe(201);
    }
    await api("POST", "/api/v1/unsubscribes", { body: { email: "bounce-c@example.com" } });
    const until = Math.floor(Date.now() / 1000);

    const response = await delighted(key, "GET", `/v1/bounces?since=${since}`);
    expect(response.status).toBe(200);
    const bounces = (await response.json()) as { person_id: string | null; email: string; name: string | null; bounced_at: number }[];
    expect(bounces.map((b) => [b.email, b.person_id, b.name])).toEqual([
      ["bounce-a@example.com", null, null],
      ["bounce-b@example.com", null, null],
    ]);
    for (const bounce of bounces) {
      expect(bounce.bounced_at).toBeGreaterThanOrEqual(since);
      expect(bounce.bounced_at).toBeLessThanOrEqual(until);
    }
  });

  it("pages like the unsubscribes, and leaves unsubscribes out", async () => {
    const first = await delighted(key, "GET", "/v1/bounces?since=1500000000&until=1500000002&per_page=1");
    expect(await first.json()).toEqual([{ person_id: null, email: "list-d@example.com", name: null, bounced_at: 1_500_000_000 }]);
    const second = await delighted(key, "GET", "/v1/bounces?since=1500000000&until=1500000002&per_page=1&page=2");
    expect(await second.json()).toEqual([]);
  });
});
