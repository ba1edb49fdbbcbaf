/**
 * When a message that failed for a passing reason is tried again: the waits after the first, second…
 * failed attempt (the cron runs every minute, so the shortest wait is the next run). The attempt after
 * the last wait is the final one: if it fails too, the message is given up as `failed`.
 */
export const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000, 7_200_000] as const;
export const MAX_SEND_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The next attempt's time after `attempts` attempts have failed, or null when that was the last one. */
export function nextAttemptAt(attempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : now + delay;
}
