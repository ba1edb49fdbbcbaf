import type { AttemptOutcome, NextState } from "../storage/webhooks";

/**
 * When a failed delivery is tried again. The first attempt is made at once; these are the waits
 * before each retry (the cron runs every minute, so the shortest waits round up to the next tick).
 * After the last one fails the delivery is given up as `failed`.
 */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;


/** Only a 2xx is a delivery; a redirect is not followed (the endpoint should be configured where it lives). */
export const isDelivered = (outcome: AttemptOutcome): boolean => outcome.status !== null && outcome.status >= 200 && outcome.status < 300;

export function afterAttempt(attemptsBefore: number, outcome: AttemptOutcome): NextState {
  const attempts = attemptsBefore + 1;
  if (isDelivered(outcome)) return { status: "delivered", attempts, next_attempt_at: null };
  // The URL will not become reachable by waiting: it takes a new webhook.
  if (outcome.error === "refused") return { status: "failed", attempts, next_attempt_at: null };
  const delay = RETRY_DELAYS_MS[attempts - 1];
  if (delay === undefined) return { status: "failed", attempts, next_attempt_at: null };
  return { status: "pending", attempts, next_attempt_at: outcome.at + delay };
}
