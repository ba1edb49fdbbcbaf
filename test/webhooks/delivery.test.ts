import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { SETTLE_MS } from "../../functions/counting/record";
import { emitMetricDrop } from "../../functions/webhooks/announce";
import { deliverDueWebhooks, type Send } from "../../functions/webhooks/deliver";
import { MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../../functions/webhooks/retry";
import { api, errorOf } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, PERSON, visit } from "../helpers/respondent";
import { attempted, deleteAllWebhooks, deliveries, type DeliveryView } from "../helpers/webhooks";
import { metricDrop } from "../helpers/metric-drop";

/**
 * The receiver is a function standing in for an HTTP endpoint: outbound fetch from the Worker is
 * replaced by it (the test and the Worker share one isolate), and the cron's sender takes it directly.
 */
interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
}

let received: Received[] = [];
/** Status codes the receiver answers with, in order; 200 once they run out. */
let script: number[] = [];

const receiver: Send = async (url, init) => {
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  received.push({ url, headers, body: String(init.body) });
  return new Response("ok", { status: script.shift() ?? 200 });
};

beforeEach(() => {
  received = [];
  script = [];
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => receiver(String(input instanceof Request ? input.url : input), init ?? {}));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await deleteAllWebhooks();
});

/** The cron tick after taps have settled: it sends what they queued. */
const afterSettling = () => deliverDueWebhooks(env, Date.now() + SETTLE_MS + 1_000, receiver);

async function createWebhook(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await api("POST", "/api/v1/webhooks", { body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

/** Verifies a Standard Webhooks signature from scratch, without the module under test. */
async function verifies(secret: string, request: Received): Promise<boolean> {
  const key = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const hmac = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const signed = `${request.headers["webhook-id"]}.${request.headers["webhook-timestamp"]}.${request.body}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, new TextEncoder().encode(signed)));
  const expected = `v1,${btoa(String.fromCharCode(...mac))}`;
  return (request.headers["webhook-signature"] ?? "").split(" ").includes(expected);
}

interface Envelope {
  type: string;
  timestamp: string;
  data: { survey: Record<string, unknown>; response: { recipient: string; score: number } & Record<string, unknown>; previous?: unknown };
}

const bodyOf = (request: Received) => JSON.parse(request.body) as Envelope;

beforeAll(async () => {
  await createSurvey("hooked", { name: "Support <CSAT> & co", follow_up: { en: "Why?" } });
  await createSurvey("hooked-nps", { metric: "nps" });
  await createSurvey("unhooked");
});

describe("webhook endpoints", () => {
  it("are created with a secret shown once, listed without it, and deleted", async () => {
    const created = await createWebhook({ url: "https://hooks.example.com/tapscore", events: ["response.created"] });
    expect(created).toMatchObject({ url: "https://hooks.example.com/tapscore", events: ["response.created"], survey: null, format: "standard" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const listed = (await (await api("GET", "/api/v1/webhooks")).json()) as { webhooks: Record<string, unknown>[] };
    expect(listed.webhooks.find((w) => w.id === created.id)).not.toHaveProperty("secret");
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect((await api("DELETE", `/api/v1/webhooks/${created.id}`)).status).toBe(204);
    expect((await api("DELETE", `/api/v1/webhooks/${created.id}`)).status).toBe(404);
    expect((await api("GET", `/api/v1/webhooks/${created.id}/deliveries`)).status).toBe(404);
  });

  it.each([
    [{ url: "http://hooks.example.com/x", events: ["response.created"] }, "url"],
    [{ url: "ftp://hooks.example.com/x", events: ["response.created"] }, "url"],
    [{ url: "https://user:pw@hooks.example.com/x", events: ["response.created"] }, "url"],
    [{ url: "not a url", events: ["response.created"] }, "url"],
    [{ url: "https://hooks.example.com/x", events: [] }, "events"],
    [{ url: "https://hooks.example.com/x", events: ["response.deleted"] }, "events.0"],
    [{ url: "https://hooks.example.com/x", events: ["metric.drop", "metric.drop"] }, "events"],
    [{ url: "https://hooks.example.com/x", events: ["metric.drop"], survey: "no-such-survey" }, "survey"],
    [{ url: "https://hooks.example.com/x", events: ["metric.drop"], format: "teams" }, "format"],
    [{ url: "https://hooks.example.com/x", events: ["metric.drop"], secret: "mine" }, "secret"],
  ])("refuses %j naming %s", async (body, field) => {
    const response = await api("POST", "/api/v1/webhooks", { body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
  });

  it("take http only to this machine, for a local receiver", async () => {
    const local = await createWebhook({ url: "http://127.0.0.1:8788/hook", events: ["metric.drop"], survey: "unhooked" });
    const localhost = await createWebhook({ url: "http://localhost:8788/hook", events: ["metric.drop"], survey: "unhooked" });
    await api("DELETE", `/api/v1/webhooks/${local.id}`);
    await api("DELETE", `/api/v1/webhooks/${localhost.id}`);
  });
});

describe("response events", () => {
  it("deliver a counted tap to a local receiver once it has settled, signed so that the signature verifies", async () => {
    const hook = await createWebhook({ url: "http://127.0.0.1:8788/hook", events: ["response.created", "response.low_score"], survey: "hooked" });
    const [invitation] = (await invite("hooked", [{ recipient: "cust-7", properties: { channel: "email" } }])).invitations;
    const page = await visit(invitation!.links["2"]!);
    expect(page.status).toBe(200);
    // A lone tap could still be a scanner's first click: nothing goes out until a sweep would have shown.
    expect(await deliverDueWebhooks(env, Date.now(), receiver)).toMatchObject({ attempted: 0 });
    expect(await afterSettling()).toMatchObject({ attempted: 2, delivered: 2 });

    const log = await deliveries(hook.id);
    expect(log.map((d) => [d.event, d.status, d.attempts]).sort()).toEqual([
      ["response.created", "delivered", 1],
      ["response.low_score", "delivered", 1],
    ]);
    expect(received).toHaveLength(2);
    for (const request of received) {
      expect(request.url).toBe("http://127.0.0.1:8788/hook");
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.headers["webhook-id"]).toMatch(/^msg_[A-Za-z0-9_-]{20}$/);
      expect(await verifies(hook.secret, request)).toBe(true);
      expect(await verifies(hook.secret, { ...request, body: request.body.replace('"score":2', '"score":5') })).toBe(false);
    }
    const created = bodyOf(received.find((r) => bodyOf(r).type === "response.created")!);
    expect(created.data.survey).toEqual({ id: "hooked", name: "Support <CSAT> & co", metric: "csat", scale: { min: 1, max: 5 } });
    expect(created.data.response).toMatchObject({
      invitation: invitation!.id,
      recipient: "cust-7",
      score: 2,
      status: "counted",
      survey: "hooked",
      properties: { channel: "email" },
    });
  });

  it("send a confirmed choice at once, after the page has gone out, and retry it after a failure", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/retry", events: ["response.created"], survey: "hooked" });
    script = [500];
    const [invitation] = (await invite("hooked", [{ recipient: "retry-me" }])).invitations;
    const html = await (await visit(invitation!.url)).text();
    expect((await postForm(invitation!.url, { action: "choose", score: "5", nonce: nonceOf(html) })).status).toBe(200);
    const [first] = await attempted(hook.id, 1);
    expect(first).toMatchObject({ status: "pending", attempts: 1, log: [{ status: 500, error: null }] });
    expect(Math.abs(Number(received[0]!.headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);

    // A cron tick before the backoff has passed sends nothing; after it, the retry is delivered.
    expect(await deliverDueWebhooks(env, Date.now() + 1_000, receiver)).toMatchObject({ attempted: 0 });
    expect(await deliverDueWebhooks(env, Date.now() + RETRY_DELAYS_MS[0] + 1_000, receiver)).toMatchObject({ attempted: 1, delivered: 1 });
    const [after] = await deliveries(hook.id);
    expect(after).toMatchObject({ id: first!.id, status: "delivered", attempts: 2, log: [{ status: 500 }, { status: 200 }] });
    expect(received.map((r) => r.headers["webhook-id"])).toEqual([first!.id, first!.id]);
    expect(received[0]!.body).toBe(received[1]!.body);
    for (const request of received) expect(await verifies(hook.secret, request)).toBe(true);
  });

  it("are given up as failed after the last retry", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/down", events: ["response.created"], survey: "hooked" });
    script = Array.from({ length: MAX_ATTEMPTS }, () => 503);
    const [invitation] = (await invite("hooked", [{ recipient: "down" }])).invitations;
    await visit(invitation!.links["4"]!);
    let at = Date.now() + SETTLE_MS + 1_000;
    await deliverDueWebhooks(env, at, receiver);
    for (const delay of RETRY_DELAYS_MS) {
      at += delay + 1_000;
      await deliverDueWebhooks(env, at, receiver);
    }
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    expect(received).toHaveLength(MAX_ATTEMPTS);
    expect(await deliverDueWebhooks(env, at + 86_400_000, receiver)).toMatchObject({ attempted: 0 });
  });

  it("raise low_score only for low scores: below satisfied_min, or an NPS detractor", async () => {
    await createWebhook({ url: "https://hooks.example.com/low", events: ["response.low_score"] });
    const csat = (await invite("hooked", [{ recipient: "happy" }, { recipient: "meh" }, { recipient: "sad" }])).invitations;
    await visit(csat[0]!.links["5"]!);
    await visit(csat[1]!.links["3"]!);
    await visit(csat[2]!.links["1"]!);
    const nps = (await invite("hooked-nps", [{ recipient: "promoter" }, { recipient: "passive" }, { recipient: "detractor" }])).invitations;
    await visit(nps[0]!.links["10"]!);
    await visit(nps[1]!.links["7"]!);
    await visit(nps[2]!.links["6"]!);
    await afterSettling();
    const scores = received.map((r) => [bodyOf(r).data.response.recipient, bodyOf(r).data.response.score]).sort();
    expect(scores).toEqual([
      ["detractor", 6],
      ["meh", 3],
      ["sad", 1],
    ]);
    expect(received.every((r) => bodyOf(r).type === "response.low_score")).toBe(true);
  });

  it("announce a change of a counted response as response.updated, with what it was", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/updates", events: ["response.created", "response.updated"], survey: "hooked" });
    const [invitation] = (await invite("hooked", [{ recipient: "changer" }])).invitations;
    const html = await (await visit(invitation!.links["4"]!)).text();
    await postForm(invitation!.url, { action: "comment", score: "4", comment: "Quick & friendly", nonce: nonceOf(html) });
    await afterSettling();
    const log = await deliveries(hook.id);
    expect(log.map((d) => [d.event, d.status]).sort()).toEqual([
      ["response.created", "delivered"],
      ["response.updated", "delivered"],
    ]);
    const updated = bodyOf(received.find((r) => bodyOf(r).type === "response.updated")!);
    expect(updated.data.response).toMatchObject({ score: 4, comment: "Quick & friendly", reason: "confirmed" });
    expect(updated.data.previous).toEqual({ score: 4, comment: null, status: "counted" });
  });

  it("deliver nothing for suspected (scanner) clicks, nor for other surveys", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/quiet", events: ["response.created", "response.updated", "response.low_score"], survey: "hooked" });
    const [scanned] = (await invite("hooked", [{ recipient: "scanned" }])).invitations;
    for (const link of Object.values(scanned!.links)) await visit(link, {}, { "user-agent": PERSON["user-agent"] });
    const [elsewhere] = (await invite("unhooked", [{ recipient: "elsewhere" }])).invitations;
    await visit(elsewhere!.links["1"]!);
    await afterSettling();
    expect(received).toEqual([]);
    // The scanner's first clicks looked like taps until its sweep showed: queued, then dropped unsent.
    const log = await deliveries(hook.id);
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((d) => d.status === "cancelled" && d.attempts === 0)).toBe(true);
  });

  it("post a Slack message with the comment escaped for mrkdwn", async () => {
    await createWebhook({ url: "https://hooks.slack.com/services/T0/B0/x", events: ["response.low_score"], survey: "hooked", format: "slack" });
    const [invitation] = (await invite("hooked", [{ recipient: "<!channel>" }])).invitations;
    const html = await (await visit(invitation!.url)).text();
    await postForm(invitation!.url, { action: "comment", score: "1", comment: "Slow <b>reply</b> & no <!here>", nonce: nonceOf(html) });
    await afterSettling();
    expect(received).toHaveLength(1);
    expect(Object.keys(JSON.parse(received[0]!.body) as object)).toEqual(["text"]);
    expect((JSON.parse(received[0]!.body) as { text: string }).text).toBe(
      ":warning: Low score *1* (1–5) on *Support &lt;CSAT&gt; &amp; co* from &lt;!channel&gt;\n> Slow &lt;b&gt;reply&lt;/b&gt; &amp; no &lt;!here&gt;",
    );
  });
});

describe("metric.drop", () => {
  it("is enqueued once per survey and period and sent by the cron", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/drops", events: ["metric.drop"], survey: "hooked" });
    const survey = { id: "hooked", name: "Support <CSAT> & co", metric: "csat" as const, scale: { min: 1, max: 5 }, satisfied_min: 4 };
    const drop = metricDrop("2026-03-02", "2026-03-08");
    expect(await emitMetricDrop(env, survey, drop)).toBe(1);
    expect(await emitMetricDrop(env, survey, drop)).toBe(0);

    // Through the Worker's own scheduled handler, as the cron trigger runs it.
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ scheduledTime: Date.now() + 1_000, cron: "*/5 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(received).toHaveLength(1);
    expect(bodyOf(received[0]!)).toMatchObject({ type: "metric.drop", data: { survey: { id: "hooked" }, ...drop } });
    expect(await verifies(hook.secret, received[0]!)).toBe(true);
    expect((await deliveries(hook.id))[0]).toMatchObject({ event: "metric.drop", status: "delivered" });
  });
});

describe("the delivery log", () => {
  it("pages with a cursor and refuses one it did not give out", async () => {
    const hook = await createWebhook({ url: "https://hooks.example.com/pages", events: ["metric.drop"], survey: "hooked" });
    const survey = { id: "hooked", name: "S", metric: "csat" as const, scale: { min: 1, max: 5 }, satisfied_min: 4 };
    for (let week = 1; week <= 3; week++) {
      await emitMetricDrop(env, survey, metricDrop(`2026-01-0${week}`, `2026-01-0${week}`), Date.now() + week);
    }
    const first = (await (await api("GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=2`)).json()) as { deliveries: DeliveryView[]; next_cursor: string };
    expect(first.deliveries).toHaveLength(2);
    const second = (await (await api("GET", `/api/v1/webhooks/${hook.id}/deliveries?limit=2&cursor=${first.next_cursor}`)).json()) as { deliveries: DeliveryView[]; next_cursor: null };
    expect(second).toMatchObject({ next_cursor: null });
    expect(second.deliveries).toHaveLength(1);
    expect((await api("GET", `/api/v1/webhooks/${hook.id}/deliveries?cursor=nope`)).status).toBe(400);
  });
});
