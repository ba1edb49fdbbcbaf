import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { emitMetricDrop } from "../../functions/webhooks/announce";
import { attemptDelivery, type Send } from "../../functions/webhooks/deliver";
import { api } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";
import { deleteAllWebhooks, deliveries, type DeliveryView } from "../helpers/webhooks";
import { metricDrop } from "../helpers/metric-drop";

/**
 * The error paths of one attempt: a receiver that never answers, one that cannot be reached, one that
 * fails with a 5xx. Each is recorded by its kind and retried on the schedule of functions/webhooks/retry.ts
 * (30 s, then 2 min after the second failure); a 2xx ends it as delivered.
 */

const SURVEY = "attempt-errors";
const URL_OK = "https://hooks.example.com/attempt-errors";

beforeAll(async () => {
  await createSurvey(SURVEY);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await deleteAllWebhooks();
});

/** A receiver that never answers: it settles only when the sender's own signal aborts it. */
function silentReceiver(signals: AbortSignal[]): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response> {
  return (_input, init) =>
    new Promise<Response>((_resolve, reject) => {
      const signal = init?.signal;
      if (!signal) return; // never settles: the test times out, which is the failure we want to see
      signals.push(signal);
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
}

const failingNetwork = (): Promise<Response> => Promise.reject(new TypeError("fetch failed"));
const answering = (status: number) => (): Promise<Response> => Promise.resolve(new Response(status === 204 ? null : "x", { status }));

async function tick(at: number): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function onlyDelivery(webhookId: string): Promise<DeliveryView> {
  const log = await deliveries(webhookId);
  expect(log).toHaveLength(1);
  return log[0]!;
}

describe("an attempt through the cron's scheduled handler", () => {
  it("records a silent receiver as timeout after 10 s, then network, then 500, each retried, then delivered", { timeout: 30_000 }, async () => {
    const created = await api("POST", "/api/v1/webhooks", { body: { url: URL_OK, events: ["metric.drop"], survey: SURVEY } });
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string };
    const t0 = Date.UTC(2026, 5, 1, 12, 0, 0);
    const drop = metricDrop("2026-05-25", "2026-05-31");
    expect(await emitMetricDrop(env, { id: SURVEY, name: "x", metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4 }, drop, t0)).toBe(1);

    // 1. Never answers: aborted by the attempt's own time limit, recorded as timeout, due again 30 s later.
    const signals: AbortSignal[] = [];
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(silentReceiver(signals));
    const started = performance.now();
    await tick(t0 + 1_000);
    const waited = performance.now() - started;
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(signals).toHaveLength(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(waited).toBeGreaterThanOrEqual(9_900);
    let delivery = await onlyDelivery(hook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, next_attempt_at: new Date(t0 + 1_000 + 30_000).toISOString() });
    expect(delivery.log).toHaveLength(1);
    expect(delivery.log[0]).toMatchObject({ status: null, error: "timeout" });
    expect(delivery.log[0]!.duration_ms).toBeGreaterThanOrEqual(9_900);

    // Not due before its retry time: a tick in between sends nothing.
    fetchSpy.mockImplementation(answering(200));
    await tick(t0 + 1_000 + 29_000);
    expect(fetchSpy).toHaveBeenCalledTimes(1);

    // 2. fetch throws TypeError: recorded as network, due again 2 min later.
    fetchSpy.mockImplementation(failingNetwork);
    const t1 = t0 + 1_000 + 30_000;
    await tick(t1);
    expect(fetchSpy).toHaveBeenCalledTimes(2);
    delivery = await onlyDelivery(hook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 2, next_attempt_at: new Date(t1 + 120_000).toISOString() });
    expect(delivery.log.map((a) => a.error).sort()).toEqual(["network", "timeout"]);
    expect(delivery.log.every((a) => a.status === null)).toBe(true);

    // 3. A 500: kept with its status, retried 10 min later.
    fetchSpy.mockImplementation(answering(500));
    const t2 = t1 + 120_000;
    await tick(t2);
    expect(fetchSpy).toHaveBeenCalledTimes(3);
    delivery = await onlyDelivery(hook.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 3, next_attempt_at: new Date(t2 + 600_000).toISOString() });
    expect(delivery.log.some((a) => a.status === 500 && a.error === null)).toBe(true);

    // 4. A 2xx: delivered, nothing due any more.
    fetchSpy.mockImplementation(answering(204));
    const t3 = t2 + 600_000;
    await tick(t3);
    expect(fetchSpy).toHaveBeenCalledTimes(4);
    delivery = await onlyDelivery(hook.id);
    expect(delivery).toMatchObject({ status: "delivered", attempts: 4, next_attempt_at: null });
    await tick(t3 + 86_400_000);
    expect(fetchSpy).toHaveBeenCalledTimes(4);
  });
});

describe("attemptDelivery alone", () => {
  const delivery = { id: "msg_attempt_errors", url: URL_OK, secret: `whsec_${btoa("0123456789abcdef0123456789abcdef")}`, format: "standard" as const, body: '{"type":"test"}', attempts: 0 };
  const rules = { localDevelopment: false };
  const NOW = Date.UTC(2026, 0, 1);

  it("gives the request a signal that is not yet aborted, and reports a thrown TypeError as network", async () => {
    const seen: RequestInit[] = [];
    const send: Send = (_url, init) => {
      seen.push(init);
      return Promise.reject(new TypeError("fetch failed: connect ECONNREFUSED 10.0.0.1:443"));
    };
    const outcome = await attemptDelivery(send, delivery, NOW, rules);
    expect(outcome).toMatchObject({ at: NOW, status: null, error: "network" });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(seen[0]!.signal!.aborted).toBe(false);
  });

  it("reports a 2xx and a 500 by their status, with no error", async () => {
    expect(await attemptDelivery(answering(202), delivery, NOW, rules)).toMatchObject({ at: NOW, status: 202, error: null });
    expect(await attemptDelivery(answering(500), delivery, NOW, rules)).toMatchObject({ at: NOW, status: 500, error: null });
  });

  it("reports an abort raised by the sender's signal as timeout, not network", async () => {
    const send: Send = () => Promise.reject(new DOMException("The operation timed out.", "TimeoutError"));
    expect(await attemptDelivery(send, delivery, NOW, rules)).toMatchObject({ status: null, error: "timeout" });
  });
});
