import { type AttemptOutcome, claimDueDeliveries, pruneDeliveries, type ReadyDelivery, recordAttempts } from "../storage/webhooks";
import { afterAttempt } from "./retry";
import { signWebhook } from "./signing";

/**
 * Sending: one signed POST per attempt, results written back in one batch. Nothing here logs a URL
 * (Slack URLs are secrets), a body (it names people) or a secret.
 */

/** How outbound requests are made; `fetch` in production, a recording function in tests. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** A receiver that has not answered by then is treated as down; its delivery is retried later. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a sender holds deliveries it took; after that an unfinished attempt is due again. */
export const LEASE_MS = 120_000;
/** The delivery log keeps finished deliveries this long. */
export const DELIVERY_LOG_MS = 30 * 86_400_000;

const CLAIM_LIMIT = 25;
const MAX_ROUNDS = 8;

const defaultSend: Send = (url, init) => fetch(url, init);

export async function attemptDelivery(send: Send, delivery: ReadyDelivery, now: number): Promise<AttemptOutcome> {
  const headers = await signWebhook(delivery.secret, delivery.id, Math.floor(now / 1000), delivery.body);
  const started = Date.now();
  try {
    const response = await send(delivery.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "Tapscore-Webhooks/1.0" },
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { at: now, status: response.status, error: null, duration_ms: Date.now() - started };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { at: now, status: null, error: timedOut ? "timeout" : "network", duration_ms: Date.now() - started };
  }
}

/** Attempts each delivery once, in parallel, and records every outcome with its next state. */
export async function deliverAll(db: D1Database, deliveries: readonly ReadyDelivery[], now: number, send: Send = defaultSend): Promise<number> {
  const outcomes = await Promise.all(deliveries.map((d) => attemptDelivery(send, d, now)));
  await recordAttempts(
    db,
    deliveries.map((d, i) => ({ id: d.id, attemptsBefore: d.attempts, outcome: outcomes[i]!, next: afterAttempt(d.attempts, outcomes[i]!) })),
  );
  return outcomes.filter((o) => o.status !== null && o.status >= 200 && o.status < 300).length;
}

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  pruned: number;
}

/**
 * The cron's part: sends every due delivery — lone taps once settled, metric drops, first attempts a
 * request could not finish, and retries — after dropping those whose response turned out a scanner's.
 */
export async function deliverDueWebhooks(env: Pick<Env, "DB">, now: number, send: Send = defaultSend): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, delivered: 0, pruned: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const due = await claimDueDeliveries(env.DB, now, now + LEASE_MS, CLAIM_LIMIT);
    if (due.length === 0) break;
    report.attempted += due.length;
    report.delivered += await deliverAll(env.DB, due, now, send);
    if (due.length < CLAIM_LIMIT) break;
  }
  report.pruned = await pruneDeliveries(env.DB, now - DELIVERY_LOG_MS, 500);
  return report;
}

/** Sends a request's new deliveries after its response has gone out, without delaying it. */
export interface Outbox {
  /** Deliveries given to this outbox are enqueued due at this time, so the cron leaves them to it unless it dies. */
  readonly leaseUntil: (now: number) => number;
  send(deliveries: readonly ReadyDelivery[]): void;
}

export function webhookOutbox(env: Pick<Env, "DB">, ctx: ExecutionContext, send: Send = defaultSend): Outbox {
  return {
    leaseUntil: (now) => now + LEASE_MS,
    send(deliveries) {
      if (deliveries.length === 0) return;
      ctx.waitUntil(
        deliverAll(env.DB, deliveries, Date.now(), send).catch((error: unknown) => {
          // The cron retries once the lease ends; only the error's type is logged.
          console.error("webhook send failed", error instanceof Error ? error.name : typeof error);
        }),
      );
    },
  };
}
