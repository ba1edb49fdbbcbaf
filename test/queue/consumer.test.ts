import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { appendEvent } from "../../functions/storage/answers";
import { parseTapMessage, retryDelaySeconds, type TapMessage } from "../../functions/queue/messages";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import { createSurvey, invite, pathOf, PERSON } from "../helpers/respondent";

/** The TAPS binding of a Worker in queue mode, keeping what it was sent. */
function capturingQueue(): { queue: Queue; sent: unknown[] } {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => {
      sent.push(body);
    },
    sendBatch: async () => {
      throw new Error("not used");
    },
  };
  return { queue: queue as unknown as Queue, sent };
}

// [vars] are typed as their literal defaults; a test environment may set the other mode.
const queueEnv = (queue: Queue, db: D1Database = env.DB) => ({ ...env, DB: db, INGEST_MODE: "queue", TAPS: queue }) as unknown as Env;

async function fetchIn(environment: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://tapscore.test${path}`, { headers: PERSON, ...init }) as Request<unknown, IncomingRequestCfProperties>, environment, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let attempt = 0;
/** Delivers messages to the Worker's queue handler, as Queues would. */
async function deliver(bodies: readonly unknown[], environment: Env = env, attempts = 1) {
  const batch = createMessageBatch(
    "tapscore-taps",
    bodies.map((body, i) => ({ id: `m${++attempt}-${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch, environment, ctx);
  return { batch, result: await getQueueResult(batch, ctx) };
}

/**
 * A D1 binding through which another write to the same answers lands between the consumer's read and
 * its first write, as a person's second request would: a page view of each invitation.
 */
function racingDB(db: D1Database, invitationIds: readonly string[]): D1Database {
  let raced = false;
  const view = (invitationId: string) =>
    appendEvent(db, "queued", { invitation_id: invitationId, kind: "view", score: null, at: Date.now(), client: "browser", asn: null, country: null, signals: {} }, { stale: false, now: Date.now() });
  return new Proxy(db, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (!raced) {
            raced = true;
            await target.batch(invitationIds.map(view));
          }
          return target.batch(statements);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function state(invitationIds: readonly string[]) {
  const ids = JSON.stringify(invitationIds);
  const events = await env.DB.prepare(
    "SELECT invitation_id, kind, score, at, message_id FROM events WHERE invitation_id IN (SELECT value FROM json_each(?1)) ORDER BY invitation_id, seq",
  )
    .bind(ids)
    .all();
  const responses = await env.DB.prepare(
    "SELECT invitation_id, score, status, reason, comment, event_seq FROM responses WHERE invitation_id IN (SELECT value FROM json_each(?1)) ORDER BY invitation_id",
  )
    .bind(ids)
    .all();
  return { events: events.results, responses: responses.results };
}

beforeAll(async () => {
  await createSurvey("queued");
});

describe("INGEST_MODE = queue", () => {
  it("answers a tap at once with the page, writes nothing, and sends one message", async () => {
    const { invitations } = await invite("queued", [{ recipient: "q-1" }], { snippets: false });
    const { queue, sent } = capturingQueue();
    const response = await fetchIn(queueEnv(queue), pathOf(invitations[0]!.links["4"]!));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('value="4" aria-pressed="true"');
    expect(sent).toHaveLength(1);
    const message = parseTapMessage(sent[0]);
    expect(message).toMatchObject({ invitation_id: invitations[0]!.id, survey_id: "queued", kind: "tap", score: 4, client: "browser" });
    expect(await state([invitations[0]!.id])).toEqual({ events: [], responses: [] });
  });

  it("still refuses a bad score or a forged token synchronously, sending nothing", async () => {
    const { invitations } = await invite("queued", [{ recipient: "q-bad" }], { snippets: false });
    const { queue, sent } = capturingQueue();
    expect((await fetchIn(queueEnv(queue), pathOf(invitations[0]!.links["4"]!).replace(/\/4$/, "/9"))).status).toBe(400);
    expect((await fetchIn(queueEnv(queue), "/r/forged-token-forged-token-forged-token-forged/3")).status).toBe(404);
    expect(sent).toEqual([]);
  });

  it("sends the page's form posts too, comments included", async () => {
    const { invitations } = await invite("queued", [{ recipient: "q-form" }], { snippets: false });
    const { queue, sent } = capturingQueue();
    const form = (fields: Record<string, string>) =>
      fetchIn(queueEnv(queue), pathOf(invitations[0]!.url), {
        method: "POST",
        headers: { ...PERSON, "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await form({ action: "choose", score: "2" })).status).toBe(200);
    expect((await form({ action: "comment", score: "2", comment: "slow" })).status).toBe(200);
    expect(sent.map((m) => parseTapMessage(m))).toMatchObject([{ kind: "choose", score: 2 }, { kind: "comment", score: 2, comment: "slow" }]);
  });
});

describe("the TAPS consumer", () => {
  async function queuedTaps(recipients: string[], score = "5"): Promise<{ ids: string[]; messages: TapMessage[] }> {
    const { invitations } = await invite("queued", recipients.map((recipient) => ({ recipient })), { snippets: false });
    const { queue, sent } = capturingQueue();
    for (const invitation of invitations) await fetchIn(queueEnv(queue), pathOf(invitation.links[score]!));
    return { ids: invitations.map((i) => i.id), messages: sent.map((m) => parseTapMessage(m)!) };
  }

  it("writes a batch: one event per message, one counted response per invitation, all acknowledged", async () => {
    const { ids, messages } = await queuedTaps(["c-1", "c-2", "c-3"]);
    const { batch, result } = await deliver(messages);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks.sort()).toEqual(batch.messages.map((m) => m.id).sort());
    const stored = await state(ids);
    expect(stored.events).toHaveLength(3);
    expect(stored.responses).toMatchObject(ids.map((id) => ({ invitation_id: id, score: 5, status: "counted", reason: "tap" })).sort((a, b) => a.invitation_id.localeCompare(b.invitation_id)));
  });

  it("is idempotent under at-least-once delivery: the same batch twice, or a message twice in a batch, gives the same state", async () => {
    const { ids, messages } = await queuedTaps(["d-1", "d-2"]);
    await deliver([...messages, messages[0]]);
    const once = await state(ids);
    await deliver(messages);
    await deliver([...messages].reverse());
    expect(await state(ids)).toEqual(once);
    // One event per message, kept under the message's id.
    expect(once.events.map((e) => e.message_id).sort()).toEqual(messages.map((m) => m.id).sort());
  });

  it("acknowledges a redelivered message whose event is stored and writes nothing", async () => {
    const { ids, messages } = await queuedTaps(["e-1"]);
    await deliver(messages);
    const version = () => env.DB.prepare("SELECT version FROM answers WHERE invitation_id = ?1").bind(ids[0]).first<number>("version");
    const before = { state: await state(ids), version: await version() };
    expect(before.state.responses).toMatchObject([{ score: 5, status: "counted" }]);

    const metered = new InstrumentedD1(env.DB);
    const { batch, result } = await deliver(messages, queueEnv(capturingQueue().queue, metered.binding), 2);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(metered.counters.rowsWritten).toBe(0);
    expect({ state: await state(ids), version: await version() }).toEqual(before);
  });

  it("acknowledges a tap queued before message ids were kept (migration 0008) and redelivered after, and writes nothing", async () => {
    const { ids, messages } = await queuedTaps(["upgraded-1"]);
    await deliver(messages);
    // What the upgrade left of the tap the consumer had written: its event, naming no message.
    await env.DB.prepare("UPDATE answers SET events = json_remove(events, '$[0].message') WHERE invitation_id = ?1").bind(ids[0]).run();
    const before = await state(ids);
    expect(before.events).toMatchObject([{ kind: "tap", score: 5, message_id: null }]);

    const metered = new InstrumentedD1(env.DB);
    const { batch, result } = await deliver(messages, queueEnv(capturingQueue().queue, metered.binding), 2);
    expect(result.explicitAcks).toEqual(batch.messages.map((m) => m.id));
    expect(metered.counters.rowsWritten).toBe(0);
    expect(await state(ids)).toEqual(before);

    // Another tap of the same person a millisecond later is no redelivery: it is kept.
    const later = { ...messages[0]!, id: `${messages[0]!.id}-later`, at: messages[0]!.at + 1 };
    await deliver([later]);
    expect((await state(ids)).events).toMatchObject([{ message_id: null }, { message_id: later.id, at: later.at }]);
  });

  it("keeps the person's order within a batch: the latest choice counts", async () => {
    const { invitations } = await invite("queued", [{ recipient: "order" }], { snippets: false });
    const { queue, sent } = capturingQueue();
    await fetchIn(queueEnv(queue), pathOf(invitations[0]!.links["1"]!));
    await new Promise((r) => setTimeout(r, 5));
    await fetchIn(queueEnv(queue), pathOf(invitations[0]!.links["4"]!));
    await deliver([...sent].reverse()); // Queues do not promise order
    expect((await state([invitations[0]!.id])).responses).toMatchObject([{ score: 4, status: "counted" }]);
  });

  it("retries the whole batch with backoff when D1 refuses to read it, and then writes it once", async () => {
    const { ids, messages } = await queuedTaps(["f-1", "f-2"]);
    const failing = new InstrumentedD1(env.DB, 1); // the read of the batch's answers
    const { batch, result } = await deliver(messages, queueEnv(capturingQueue().queue, failing.binding), 3);
    expect(failing.failed).toBe(true);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(batch.messages.map((m) => m.id).sort());
    // (getQueueResult does not report the delay asked for; retryDelaySeconds is proven below.)
    expect(await state(ids)).toEqual({ events: [], responses: [] });

    await deliver(messages, env, 4);
    const stored = await state(ids);
    expect(stored.events).toHaveLength(2);
    expect(stored.responses).toHaveLength(2);
  });

  it("retries the whole batch when its one write transaction fails, which writes nothing; the redelivery writes each event once", async () => {
    const { ids, messages } = await queuedTaps(["g-1", "g-2"]);
    // Statements: the read (1), then one batch holding both invitations' writes (4 each, the first
    // invitation's answer second): the failure lands in it, and D1 rolls the whole batch back.
    const failing = new InstrumentedD1(env.DB, 3);
    const first = await deliver(messages, queueEnv(capturingQueue().queue, failing.binding));
    expect(failing.failed).toBe(true);
    expect(first.result.retryMessages.map((m) => m.msgId).sort()).toEqual(first.batch.messages.map((m) => m.id).sort());
    expect(first.result.explicitAcks).toEqual([]);
    expect(await state(ids)).toEqual({ events: [], responses: [] });

    await deliver(messages, env, 2);
    const stored = await state(ids);
    expect(stored.events.map((e) => e.message_id).sort()).toEqual(messages.map((m) => m.id).sort());
    expect(stored.responses).toMatchObject([...ids].sort().map((id) => ({ invitation_id: id, score: 5, status: "counted" })));
  });

  it("writes a batch's invitations in one round trip after one read", async () => {
    const { messages } = await queuedTaps(["k-1", "k-2", "k-3"]);
    const meter = new InstrumentedD1(env.DB);
    const { result } = await deliver(messages, queueEnv(capturingQueue().queue, meter.binding));
    expect(result.explicitAcks).toHaveLength(3);
    expect(meter.counters.roundTrips).toBe(2);
    expect(meter.counters.rowsWritten).toBe(9);
  });

  it("retries a message whose write lost the race to another request, and the redelivery decides over both", async () => {
    const { ids, messages } = await queuedTaps(["h-1"], "2");
    // A page view of the invitation lands between the consumer's read and its write.
    const first = await deliver(messages, queueEnv(capturingQueue().queue, racingDB(env.DB, ids)));
    expect(first.result.retryMessages.map((m) => m.msgId)).toEqual(first.batch.messages.map((m) => m.id));
    expect(first.result.explicitAcks).toEqual([]);
    expect(await state(ids)).toMatchObject({ events: [{ kind: "view", message_id: null }], responses: [] });

    const second = await deliver(messages, env, 2);
    expect(second.result.explicitAcks).toEqual(second.batch.messages.map((m) => m.id));
    const stored = await state(ids);
    expect(stored.events).toMatchObject([
      { kind: "view", message_id: null },
      { kind: "tap", score: 2, message_id: messages[0]!.id },
    ]);
    expect(stored.responses).toMatchObject([{ score: 2, status: "counted" }]);
  });

  it("acknowledges a malformed message without writing anything", async () => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<number>("n");
    const { result } = await deliver([{ id: "x" }, "not even an object", null]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(3);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM events").first<number>("n")).toBe(before);
  });

  it("grows the retry delay with each attempt, up to 15 minutes", () => {
    expect([1, 2, 3, 4, 8, 20].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 900, 900]);
  });
});
