import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { deliverDueWebhooks } from "../../functions/webhooks/deliver";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";
import { deliveries, recordingReceiver, type ReceivedDelivery } from "../helpers/webhooks";

/** POST /api/v1/webhooks/{id}/test through the Worker, the endpoint standing in as a recording function. */

const { received, receiver } = recordingReceiver();

async function createWebhook(body: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const response = await api("POST", "/api/v1/webhooks", { body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

interface TestResult {
  id: string;
  event: string;
  ok: boolean;
  status: number | null;
  error: string | null;
  duration_ms: number;
  at: string;
}

async function sendTest(id: string): Promise<TestResult> {
  const response = await api("POST", `/api/v1/webhooks/${id}/test`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as TestResult;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

async function hmac(key: Uint8Array, text: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, new TextEncoder().encode(text)));
}

/** Verifies the Standard Webhooks signature from scratch, as a receiver would. */
async function standardSignatureVerifies(secret: string, request: ReceivedDelivery): Promise<boolean> {
  const key = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const mac = await hmac(key, `${request.headers["webhook-id"]}.${request.headers["webhook-timestamp"]}.${request.body}`);
  return (request.headers["webhook-signature"] ?? "").split(" ").includes(`v1,${toBase64(mac)}`);
}

const MESSAGE = "A test event, sent on request from Tapscore. It says nothing about any survey, response or person.";

describe("POST /api/v1/webhooks/{id}/test", () => {
  it("sends a standard webhook one signed webhook.test event at once and logs it delivered", async () => {
    const { id, secret } = await createWebhook({ url: "https://hooks.example.com/test-standard", events: ["response.created", "metric.drop"] });
    const before = Date.now();
    const result = await sendTest(id);
    expect(result).toMatchObject({ event: "webhook.test", ok: true, status: 200, error: null });
    expect(result.id).toMatch(/^msg_[A-Za-z0-9_-]{20}$/);
    expect(result.duration_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(result.at)).toBeGreaterThanOrEqual(before - 1000);

    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.url).toBe("https://hooks.example.com/test-standard");
    expect(request.headers["webhook-id"]).toBe(result.id);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-delighted-webhook-signature"]).toBeUndefined();
    expect(await standardSignatureVerifies(secret, request)).toBe(true);
    expect(await standardSignatureVerifies(secret, { ...request, body: request.body.replace("test", "tost") })).toBe(false);
    const body = JSON.parse(request.body) as { type: string; timestamp: string; data: unknown };
    expect(body).toEqual({
      type: "webhook.test",
      timestamp: result.at,
      data: { webhook: { id, format: "standard", events: ["response.created", "metric.drop"], survey: null }, message: MESSAGE },
    });

    const log = await deliveries(id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ id: result.id, event: "webhook.test", status: "delivered", attempts: 1, next_attempt_at: null });
    expect(log[0]!.log).toEqual([{ at: result.at, status: 200, error: null, duration_ms: result.duration_ms }]);
  });

  it("sends a delighted webhook Delighted's envelope under webhook.test, with both signatures", async () => {
    await createSurvey("test-event-delighted");
    const { id, secret } = await createWebhook({ url: "https://hooks.example.com/test-delighted", events: ["response.created"], format: "delighted", survey: "test-event-delighted" });
    const result = await sendTest(id);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(JSON.parse(request.body)).toEqual({
      event_type: "webhook.test",
      event_id: result.id,
      event_data: { webhook: { id, format: "delighted", events: ["response.created"], survey: "test-event-delighted" }, message: MESSAGE },
    });
    expect(await standardSignatureVerifies(secret, request)).toBe(true);
    // Delighted's own: hex HMAC-SHA256 of the body, keyed with the whole secret as shown.
    const delighted = [...(await hmac(new TextEncoder().encode(secret), request.body))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(request.headers["x-delighted-webhook-signature"]).toBe(delighted);
    expect((await deliveries(id))[0]).toMatchObject({ id: result.id, event: "webhook.test", survey: null, status: "delivered" });
  });

  it("sends a slack webhook a message naming the webhook", async () => {
    const { id } = await createWebhook({ url: "https://hooks.slack.com/services/T000/B000/test", events: ["response.low_score"], format: "slack" });
    await sendTest(id);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ text: `:wave: Tapscore test event for webhook ${id}: this channel receives Tapscore's events. Nothing was answered.` });
  });

  it("answers how a failing endpoint answered, logs it failed, and never retries it", async () => {
    const { id } = await createWebhook({ url: "https://hooks.example.com/test-failing", events: ["response.created"] });
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => Promise.resolve(new Response("down", { status: 503 })));
    const answered = await sendTest(id);
    expect(answered).toMatchObject({ ok: false, status: 503, error: null });
    vi.mocked(globalThis.fetch).mockImplementationOnce(() => Promise.reject(new TypeError("connection refused")));
    const unreachable = await sendTest(id);
    expect(unreachable).toMatchObject({ ok: false, status: null, error: "network" });

    const log = await deliveries(id);
    expect(log.map((d) => [d.id, d.status, d.attempts, d.next_attempt_at])).toEqual([
      [unreachable.id, "failed", 1, null],
      [answered.id, "failed", 1, null],
    ]);
    expect(log[1]!.log).toEqual([{ at: answered.at, status: 503, error: null, duration_ms: answered.duration_ms }]);
    // Hours later the cron has nothing of them to send.
    const before = received.length;
    await deliverDueWebhooks(env, Date.now() + 7 * 3_600_000, receiver);
    expect(received).toHaveLength(before);
    expect((await deliveries(id)).map((d) => d.attempts)).toEqual([1, 1]);
  });

  it("sends nothing to a URL webhooks may no longer reach, and says refused", async () => {
    // Stored before the rule refused it: written here as an old row would be.
    const id = "wh_00000000000000aa";
    await env.DB.prepare("INSERT INTO webhooks (id, url, events, survey_id, format, secret, created_at) VALUES (?1, ?2, ?3, NULL, 'standard', ?4, ?5)")
      .bind(id, "https://10.0.0.1/hook", JSON.stringify(["response.created"]), "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", Date.now())
      .run();
    expect(await sendTest(id)).toMatchObject({ ok: false, status: null, error: "refused", duration_ms: 0 });
    expect(received).toHaveLength(0);
    expect((await deliveries(id))[0]).toMatchObject({ event: "webhook.test", status: "failed", attempts: 1 });
  });

  it("answers 404 for an unknown webhook, a malformed id and a deleted one, sending nothing", async () => {
    for (const path of ["/api/v1/webhooks/wh_0000000000000000/test", "/api/v1/webhooks/nope/test"]) {
      const unknown = await api("POST", path);
      expect(unknown.status, path).toBe(404);
      expect(await errorOf(unknown), path).toMatchObject({ code: "not_found" });
    }
    const { id } = await createWebhook({ url: "https://hooks.example.com/test-deleted", events: ["response.created"] });
    expect((await api("DELETE", `/api/v1/webhooks/${id}`)).status).toBe(204);
    expect((await api("POST", `/api/v1/webhooks/${id}/test`)).status).toBe(404);
    expect(received).toHaveLength(0);
  });

  it("needs the admin scope, like every webhook write", async () => {
    const { id } = await createWebhook({ url: "https://hooks.example.com/test-auth", events: ["response.created"] });
    expect((await api("POST", `/api/v1/webhooks/${id}/test`, { token: null })).status).toBe(401);
    expect((await api("POST", `/api/v1/webhooks/${id}/test`, { token: await createKey(["reports:read", "surveys:write", "responses:write"]) })).status).toBe(403);
    expect(received).toHaveLength(0);
    expect((await api("POST", `/api/v1/webhooks/${id}/test`, { token: await createKey(["admin"]) })).status).toBe(200);
    expect(received).toHaveLength(1);
  });
});
