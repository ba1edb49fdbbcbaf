import { isDevelopment } from "../http/environment";
import { checkWebhookUrl, type WebhookUrlRules } from "../security/webhook-url";
import { type AttemptOutcome, claimDueDeliveries, pruneDeliveries, type ReadyDelivery, recordAttempts } from "../storage/webhooks";
import { afterAttempt } from "./retry";
import { DELIGHTED_SIGNATURE_HEADER, delightedSignature, signWebhook } from "./signing";

/**
 * Sending: one signed POST per attempt, results written back in one batch. Nothing here logs a URL
 * (Slack URLs are secrets), a body (it names people) or a secret.
 */

/** How outbound requests are made; `fetch` in production, a recording function in tests. */
export type Send = (url: string, init: RequestInit) => Promise<Response>;

/** What sending needs of the environment: the database, and whether this machine may be called. */
export type DeliveryEnv = Pick<Env, "DB" | "ENVIRONMENT">;

/** The URL rules of this deployment: the same at creation and before every attempt. */
export const webhookUrlRules = (env: Pick<Env, "ENVIRONMENT">): WebhookUrlRules => ({ localDevelopment: isDevelopment(env) });

/** A receiver that has not answered by then is treated as down; its delivery is retried later. */
export const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a sender holds deliveries it took; after that an unfinished attempt is due again. */
export const LEASE_MS = 120_000;
/** The delivery log keeps finished deliveries this long. */
export const DELIVERY_LOG_MS = 30 * 86_400_000;

const CLAIM_LIMIT = 25;
const MAX_ROUNDS = 8;

export const defaultSend: Send = (url, init) => fetch(url, init);

export async function attemptDelivery(send: Send, delivery: ReadyDelivery, now: number, rules: WebhookUrlRules): Promise<AttemptOutcome> {
  // Judged again before every attempt: a URL stored before the rule existed, or one this environment
  // does not allow (http://127.0.0.1 once deployed), is never called. The reason stays generic.
  const target = checkWebhookUrl(delivery.url, rules);
  if (!target.ok) return { at: now, status: null, error: "refused", duration_ms: 0 };
  const headers: Record<string, string> = { ...(await signWebhook(delivery.secret, delivery.id, Math.floor(now / 1000), delivery.body)) };
  if (delivery.format === "delighted") headers[DELIGHTED_SIGNATURE_HEADER] = await delightedSignature(delivery.secret, delivery.body);
  const started = Date.now();
  try {
    // The URL as judged: what is called is exactly what was checked.
    const response = await send(target.url.href, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "Tapscore-Webhooks/1.0" },
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    // redirect: "manual" answers a 3xx as it is, and a 3xx is not a delivery (functions/webhooks/retry.ts):
    // a Location is never followed, so it cannot lead past the check above.
    await response.body?.cancel();
    return { at: now, status: response.status, error: null, duration_ms: Date.now() - started };
  } catch (error) {
    // Only the kind of failure is kept: an error's message can name the addresses fetch() tried.
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { at: now, status: null, error: timedOut ? "timeout" : "network", duration_ms: Date.now() - started };
  }
}

/** Attempts each delivery once, in parallel, and records every outcome with its next state. */
export async function deliverAll(env: DeliveryEnv, deliveries: readonly ReadyDelivery[], now: number, send: Send = defaultSend): Promise<number> {
  const rules = webhookUrlRules(env);
  const outcomes = await Promise.all(deliveries.map((d) => attemptDelivery(send, d, now, rules)));
  await recordAttempts(
    env.DB,
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
export async function deliverDueWebhooks(env: DeliveryEnv, now: number, send: Send = defaultSend): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, delivered: 0, pruned: 0 };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const due = await claimDueDeliveries(env.DB, now, now + LEASE_MS, CLAIM_LIMIT);
    if (due.length === 0) break;
    report.attempted += due.length;
    report.delivered += await deliverAll(env, due, now, send);
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

export function webhookOutbox(env: DeliveryEnv, ctx: ExecutionContext, send: Send = defaultSend): Outbox {
  return {
    leaseUntil: (now) => now + LEASE_MS,
    send(deliveries) {
      if (deliveries.length === 0) return;
      ctx.waitUntil(
        deliverAll(env, deliveries, Date.now(), send).catch((error: unknown) => {
          // The cron retries once the lease ends; only the error's type is logged.
          console.error("webhook send failed", error instanceof Error ? error.name : typeof error);
        }),
      );
    },
  };
}
