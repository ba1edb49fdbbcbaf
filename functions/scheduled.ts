import { checkDrops } from "./alerts/drop-check";
import { redecideStale } from "./counting/repair";
import { refreshReports, type DeployHookEnv } from "./reports/deploy-hook";
import { applyRetention } from "./retention/apply";
import { runRollups } from "./rollups/job";
import { sendDueEmails } from "./sending/deliver";
import { reanchorRecurring, scheduleRecurring } from "./sending/recurring";
import { scheduleReminders } from "./sending/reminders";
import type { RollupReport } from "./rollups/report";
import { deliverDueWebhooks } from "./webhooks/deliver";

/** What the cron does with the rollup: settle decisions, fold in the changes, then act on what they changed. */
export async function rollupTick(env: Env & DeployHookEnv, now: number): Promise<RollupReport> {
  await redecideStale(env, now);
  const outcome = await runRollups(env.DB, { now });
  if (outcome.buckets > 0) await checkDrops(env, now);
  await refreshReports(env, outcome);
  return outcome;
}

const EMAIL_STEPS = [scheduleRecurring, scheduleReminders, sendDueEmails, reanchorRecurring] as const;

/**
 * The survey emails of one tick, in order: members and reminders that fall due are scheduled first, so
 * their messages leave in the same tick, and members are re-anchored to what has just left. A step
 * that fails never holds up the next.
 */
export async function emailTick(env: Env, now: number): Promise<void> {
  for (const step of EMAIL_STEPS) {
    await step(env, now).catch((error: unknown) => console.error(`email step ${step.name} failed`, error instanceof Error ? error.name : typeof error));
  }
}

/** Every job of one cron tick. Each is independent: a failure in one never holds up the others. */
export function cronJobs(env: Env, now: number): Promise<unknown>[] {
  return [rollupTick(env, now), deliverDueWebhooks(env, now), applyRetention(env, now), emailTick(env, now)];
}
