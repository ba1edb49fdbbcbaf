import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTLE_MS } from "../../functions/counting/record";
import { deliverDueWebhooks } from "../../functions/webhooks/deliver";
import { api, errorOf } from "../helpers/api";
import { createSurvey, invite, nonceOf, PERSON, postBody, postForm, responseOf, visit, type Invited } from "../helpers/respondent";
import { attempted, deliveries, recordingReceiver } from "../helpers/webhooks";

/**
 * The `delighted` webhook format and the `unsubscribe.created` event, through the Worker: a tap or a
 * comment, the unsubscribe link and the unsubscribes API, down to the body a receiver gets.
 */


const { received, receiver } = recordingReceiver();

beforeAll(async () => {
  await createSurvey("dl-hooked");
  await createSurvey("dl-unsub");
  await createSurvey("dl-other");
});

/** The cron's delivery run once taps have settled. */
const cronRun = () => deliverDueWebhooks(env, Date.now() + SETTLE_MS + 1_000, receiver);

async function createWebhook(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await api("POST", "/api/v1/webhooks", { body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

async function createPerson(recipient: string, email: string, name: string): Promise<number> {
  const response = await api("POST", "/api/v1/people", { body: { recipient, email, name } });
  expect(response.status).toBe(200);
  return unix(((await response.json()) as { created_at: string }).created_at);
}

/** An ISO time or epoch milliseconds as Unix seconds. */
const unix = (time: string | number) => Math.floor((typeof time === "string" ? Date.parse(time) : time) / 1000);

const bodyAt = (url: string) => {
  const found = received.filter((r) => r.url === url);
  expect(found, url).toHaveLength(1);
  return JSON.parse(found[0]!.body) as Record<string, unknown>;
};

/** Delighted's check, written from its description rather than with the module under test. */
async function delightedSignatureOf(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function responseTimes(invitationId: string) {
  return (await env.DB.prepare("SELECT id, created_at, updated_at FROM responses WHERE invitation_id = ?1").bind(invitationId).first<{
    id: string;
    created_at: number;
    updated_at: number;
  }>())!;
}

const oneClick = (invitation: Invited) => postBody(`${invitation.url}/unsubscribe`, "List-Unsubscribe=One-Click", { "user-agent": "Mail-Provider-Unsubscriber/1.0" });

describe("format: delighted, for responses", () => {
  it("sends a tap as survey_response.created with the person expanded, signed both ways", async () => {
    const personCreated = await createPerson("dl-ann", "ann@example.com", "Ann");
    const hook = await createWebhook({ url: "http://127.0.0.1:8788/delighted", events: ["response.created", "response.updated"], survey: "dl-hooked", format: "delighted" });
    const [invitation] = (await invite("dl-hooked", [{ recipient: "dl-ann", email: "ann@example.com", properties: { channel: "email" } }])).invitations;
    await visit(invitation!.links["2"]!);
    expect(await cronRun()).toMatchObject({ attempted: 1, delivered: 1 });

    const stored = await responseTimes(invitation!.id);
    const [request] = received;
    expect(JSON.parse(request!.body)).toEqual({
      event_type: "survey_response.created",
      event_id: request!.headers["webhook-id"],
      event_data: {
        id: stored.id,
        person: {
          id: "dl-ann",
          email: "ann@example.com",
          name: "Ann",
          phone_number: null,
          created_at: personCreated,
          last_sent_at: null,
          last_responded_at: unix(stored.created_at),
          next_survey_scheduled_at: null,
        },
        survey_type: "csat",
        score: 2,
        comment: null,
        permalink: `/api/v1/responses/${stored.id}`,
        created_at: unix(stored.created_at),
        updated_at: unix(stored.updated_at),
        person_properties: { channel: "email" },
        notes: [],
        tags: [],
        additional_answers: [],
      },
    });
    expect(request!.headers["webhook-id"]).toMatch(/^msg_[A-Za-z0-9_-]{20}$/);
    expect(request!.headers["webhook-signature"]).toMatch(/^v1,/);
    expect(request!.headers["x-delighted-webhook-signature"]).toBe(await delightedSignatureOf(hook.secret, request!.body));
  });

  it("sends a comment as survey_response.updated, at once", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/delighted-updates", events: ["response.updated"], survey: "dl-hooked", format: "delighted" });
    const [invitation] = (await invite("dl-hooked", [{ recipient: "dl-commenter" }])).invitations;
    const html = await (await visit(invitation!.links["4"]!)).text();
    await postForm(invitation!.url, { action: "comment", score: "4", comment: "Quick & friendly", nonce: nonceOf(html) });
    const [delivery] = await attempted(hook.id, 1);
    expect(delivery).toMatchObject({ event: "response.updated", status: "delivered" });
    const body = JSON.parse(received[0]!.body) as { event_type: string; event_id: string; event_data: Record<string, unknown> };
    expect(body.event_type).toBe("survey_response.updated");
    expect(body.event_id).toBe(delivery!.id);
    // No person record: Delighted's person id alone.
    expect(body.event_data).toMatchObject({ person: "dl-commenter", score: 4, comment: "Quick & friendly", survey_type: "csat" });
  });

  it("is not sent low-score or drop events, which Delighted did not have: creating such a webhook is refused", async () => {
    for (const events of [["response.created", "response.low_score"], ["metric.drop"]]) {
      const response = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example.com/no", events, format: "delighted" } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.field).toBe("events");
      expect(error.message).toContain(events.at(-1));
    }
    const listed = (await (await api("GET", "/api/v1/webhooks")).json()) as { webhooks: unknown[] };
    expect(listed.webhooks).toEqual([]);
    await createWebhook({ url: "https://hooks.example.com/yes", events: ["response.created", "response.updated", "unsubscribe.created"], format: "delighted" });
  });

  it("leaves a standard endpoint's body and headers as they were", async () => {
    await createWebhook({ url: "https://hooks.example.com/standard", events: ["response.created"], survey: "dl-hooked" });
    const [invitation] = (await invite("dl-hooked", [{ recipient: "dl-standard" }])).invitations;
    await visit(invitation!.links["5"]!);
    await cronRun();
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "response.created", data: { response: { recipient: "dl-standard", score: 5 } } });
    expect(received[0]!.headers).not.toHaveProperty("x-delighted-webhook-signature");
  });
});

describe("unsubscribe.created", () => {
  it("follows the unsubscribe link, in each format, to that survey's and every survey's endpoints only, once", async () => {
    const personCreated = await createPerson("dl-bo", "Bo@Example.com", "Bo");
    const standard = await createWebhook({ url: "https://hooks.example.com/std", events: ["unsubscribe.created"], survey: "dl-unsub" });
    const delighted = await createWebhook({ url: "https://hooks.example.com/dl", events: ["unsubscribe.created"], format: "delighted" });
    await createWebhook({ url: "https://hooks.slack.com/services/T0/B0/unsub", events: ["unsubscribe.created"], survey: "dl-unsub", format: "slack" });
    const otherSurvey = await createWebhook({ url: "https://hooks.example.com/other-survey", events: ["unsubscribe.created"], survey: "dl-other" });
    const otherEvent = await createWebhook({ url: "https://hooks.example.com/other-event", events: ["response.created"], survey: "dl-unsub" });
    const [invitation] = (await invite("dl-unsub", [{ recipient: "dl-bo", email: "Bo@Example.com" }])).invitations;

    expect((await oneClick(invitation!)).status).toBe(200);
    expect(await deliverDueWebhooks(env, Date.now() + 1_000, receiver)).toMatchObject({ attempted: 3, delivered: 3 });

    const envelope = bodyAt("https://hooks.example.com/std");
    expect(envelope).toEqual({
      type: "unsubscribe.created",
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      data: { email: "bo@example.com", recipient: "dl-bo", source: "link", survey: { id: "dl-unsub", name: "Survey dl-unsub", metric: "csat", scale: { min: 1, max: 5 } } },
    });
    const [delightedDelivery] = await deliveries(delighted.id);
    expect(bodyAt("https://hooks.example.com/dl")).toEqual({
      event_type: "unsubscribe.created",
      event_id: delightedDelivery!.id,
      event_data: {
        id: "dl-bo",
        email: "Bo@Example.com",
        name: "Bo",
        phone_number: null,
        created_at: personCreated,
        last_sent_at: null,
        last_responded_at: null,
        next_survey_scheduled_at: null,
      },
    });
    expect(bodyAt("https://hooks.slack.com/services/T0/B0/unsub")).toEqual({
      text: ":no_bell: bo@example.com unsubscribed from *Survey dl-unsub*: Tapscore sends them no more survey emails.",
    });
    expect(await deliveries(otherSurvey.id)).toEqual([]);
    expect(await deliveries(otherEvent.id)).toEqual([]);

    // Posting again (a provider's retry, a second click) changes nothing and says nothing.
    expect((await oneClick(invitation!)).status).toBe(200);
    expect(await deliverDueWebhooks(env, Date.now() + 1_000, receiver)).toMatchObject({ attempted: 0 });
    expect(await deliveries(standard.id)).toHaveLength(1);
  });

  it("follows POST /api/v1/unsubscribes to every endpoint, with the person when one has the address", async () => {
    const personCreated = await createPerson("dl-cy", "cy@example.com", "Cy");
    const boundToASurvey = await createWebhook({ url: "https://hooks.example.com/api-std", events: ["unsubscribe.created"], survey: "dl-other" });
    await createWebhook({ url: "https://hooks.example.com/api-dl", events: ["unsubscribe.created"], format: "delighted" });

    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "Nobody@Example.com" } })).status).toBe(201);
    await deliverDueWebhooks(env, Date.now() + 1_000, receiver);
    expect(bodyAt("https://hooks.example.com/api-std")).toMatchObject({ type: "unsubscribe.created", data: { email: "nobody@example.com", recipient: null, source: "api", survey: null } });
    expect(bodyAt("https://hooks.example.com/api-dl")).toMatchObject({ event_type: "unsubscribe.created", event_data: { email: "nobody@example.com" } });
    expect(Object.keys((bodyAt("https://hooks.example.com/api-dl") as { event_data: object }).event_data)).toEqual(["email"]);

    received.length = 0;
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "CY@example.com" } })).status).toBe(201);
    await deliverDueWebhooks(env, Date.now() + 1_000, receiver);
    expect(bodyAt("https://hooks.example.com/api-std")).toMatchObject({ data: { email: "cy@example.com", recipient: "dl-cy" } });
    expect(bodyAt("https://hooks.example.com/api-dl")).toMatchObject({ event_data: { id: "dl-cy", email: "cy@example.com", name: "Cy", created_at: personCreated } });

    // Already on the list: 200 with the first record, and no event.
    received.length = 0;
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "cy@example.com" } })).status).toBe(200);
    expect(await deliverDueWebhooks(env, Date.now() + 1_000, receiver)).toMatchObject({ attempted: 0 });
    expect(await deliveries(boundToASurvey.id)).toHaveLength(2);
  });

  it("goes out even when a scanner's clicks made the invitation's response suspected", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/scanned", events: ["unsubscribe.created"], survey: "dl-unsub" });
    const [invitation] = (await invite("dl-unsub", [{ recipient: "dl-scanned", email: "scanned@example.com" }])).invitations;
    for (const link of Object.values(invitation!.links)) await visit(link, {}, { "user-agent": PERSON["user-agent"] });
    expect((await responseOf(invitation!.id))?.status).toBe("suspected");
    await oneClick(invitation!);
    await cronRun();
    expect(await deliveries(hook.id)).toMatchObject([{ event: "unsubscribe.created", status: "delivered" }]);
  });

  it("is erased with the person who unsubscribed, by link or by API", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/erased", events: ["unsubscribe.created"] });
    const [byLink] = (await invite("dl-unsub", [{ recipient: "dl-di", email: "di@example.com" }, { recipient: "dl-ed", email: "ed@example.com" }])).invitations;
    await oneClick(byLink!);
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "ed@example.com" } })).status).toBe(201);
    expect(await deliveries(hook.id)).toHaveLength(2);

    expect((await api("DELETE", "/api/v1/respondents/dl-di")).status).toBe(200);
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect((await api("DELETE", "/api/v1/respondents/dl-ed")).status).toBe(200);
    expect(await deliveries(hook.id)).toEqual([]);
  });
});
