import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { SETTLE_MS } from "../../functions/counting/record";
import { api } from "../helpers/api";
import { createSurvey, invite, PERSON, responseOf, visit } from "../helpers/respondent";
import { attempted, deliveries, recordingReceiver, type ReceivedDelivery } from "../helpers/webhooks";

/**
 * Every path that creates or changes a counted response announces it the same way: here ingestion
 * (POST …/responses, loud by default, quiet with `"webhooks": false`) and an admin's override. Taps,
 * forms and their settling are in delivery.test.ts; the queue path in test/queue/.
 */


const { received } = recordingReceiver();

const SURVEY = "announced";

beforeAll(async () => {
  await createSurvey(SURVEY);
});

async function subscribe(events: string[]): Promise<string> {
  const response = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example.com/announce", events, survey: SURVEY } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** The Worker's own scheduled handler, as the cron trigger runs it, late enough for anything held to be due. */
async function cronTick(): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: Date.now() + SETTLE_MS + 1_000, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const ingest = (body: Record<string, unknown>, key: string = crypto.randomUUID()) =>
  api("POST", `/api/v1/surveys/${SURVEY}/responses`, { body, headers: { "idempotency-key": key } });

const typesOf = (list: readonly ReceivedDelivery[]) => list.map((r) => (JSON.parse(r.body) as { type: string }).type).sort();

describe("an ingested score", () => {
  it("is announced as response.created and response.low_score at once, once", async () => {
    const hook = await subscribe(["response.created", "response.low_score"]);
    const response = await ingest({ recipient: "api-1", score: 1, comment: "Never again" }, "announce-1");
    expect(response.status).toBe(201);
    const log = await attempted(hook, 2);
    expect(log.map((d) => [d.event, d.status]).sort()).toEqual([
      ["response.created", "delivered"],
      ["response.low_score", "delivered"],
    ]);
    expect(typesOf(received)).toEqual(["response.created", "response.low_score"]);
    const created = JSON.parse(received.find((r) => r.body.includes('"response.created"'))!.body) as { data: { response: Record<string, unknown> } };
    expect(created.data.response).toMatchObject({ recipient: "api-1", score: 1, comment: "Never again", status: "counted" });

    // The cron has nothing left to send, and a retry of the request announces nothing again.
    await cronTick();
    expect((await ingest({ recipient: "api-1", score: 1, comment: "Never again" }, "announce-1")).status).toBe(200);
    await cronTick();
    expect(received).toHaveLength(2);
    expect(await deliveries(hook)).toHaveLength(2);
  });

  it("says nothing with \"webhooks\": false, even to the cron", async () => {
    const hook = await subscribe(["response.created", "response.low_score"]);
    const response = await ingest({ recipient: "history-1", score: 1, responded_at: "2024-05-01T10:00:00Z", webhooks: false });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ status: "counted" });
    await cronTick();
    expect(received).toEqual([]);
    expect(await deliveries(hook)).toEqual([]);
  });

  it("refuses a webhooks flag that is not true or false", async () => {
    const response = await ingest({ recipient: "history-2", score: 3, webhooks: "no" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { field: string } }).error.field).toBe("webhooks");
  });
});

describe("an override", () => {
  it("announces a quietly imported response it excludes as response.updated", async () => {
    const imported = (await (await ingest({ recipient: "history-3", score: 2, webhooks: false })).json()) as { id: string };
    const hook = await subscribe(["response.created", "response.updated", "response.low_score"]);
    expect((await api("PATCH", `/api/v1/responses/${imported.id}`, { body: { status: "excluded" } })).status).toBe(200);
    const [updated] = await attempted(hook, 1);
    expect(updated).toMatchObject({ event: "response.updated", status: "delivered" });
    expect(JSON.parse(received[0]!.body)).toMatchObject({ data: { response: { status: "excluded" }, previous: { status: "counted" } } });
  });

  it("announces a scanner's response it counts as response.created", async () => {
    const [invitation] = (await invite(SURVEY, [{ recipient: "scanned-then-counted" }])).invitations;
    // A mail scanner opens every link at once (a browser's user agent, none of a person's signals).
    for (const link of Object.values(invitation!.links)) await visit(link, {}, { "user-agent": PERSON["user-agent"] });
    const scanned = await responseOf(invitation!.id);
    expect(scanned).toMatchObject({ status: "suspected" });
    const hook = await subscribe(["response.created"]);
    expect((await api("PATCH", `/api/v1/responses/${scanned!.id}`, { body: { status: "counted" } })).status).toBe(200);
    const [created] = await attempted(hook, 1);
    expect(created).toMatchObject({ event: "response.created", status: "delivered" });
    await cronTick();
    expect(typesOf(received)).toEqual(["response.created"]);
  });
});
