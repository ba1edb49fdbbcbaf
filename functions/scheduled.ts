import { checkDrops } from "./alerts/drop-check";
import { redecideStale } from "./counting/repair";
import { pruneSeenMessages } from "./queue/prune";
import { refreshReports, type DeployHookEnv } from "./reports/deploy-hook";
import { applyRetention } from "./retention/apply";
import { runRollups } from "./rollups/job";
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

/** Every job of one cron tick. Each is independent: a failure in one never holds up the others. */
export function cronJobs(env: Env, now: number): Promise<unknown>[] {
  return [rollupTick(env, now), deliverDueWebhooks(env, now), applyRetention(env, now), pruneSeenMessages(env, now)];
}
