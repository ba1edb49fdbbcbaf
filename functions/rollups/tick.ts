import { checkDrops } from "../alerts/drop-check";
import { refreshReports, type DeployHookEnv } from "../reports/deploy-hook";
import { redecideStale } from "../respondent/repair";
import { runRollups, type RollupReport } from "./job";

/** What the cron does with the rollup: settle decisions, fold in the changes, then act on what they changed. */
export async function rollupTick(env: Env & DeployHookEnv, now: number): Promise<RollupReport> {
  await redecideStale(env, now);
  const outcome = await runRollups(env.DB, { now });
  if (outcome.buckets > 0) await checkDrops(env, now);
  await refreshReports(env, outcome);
  return outcome;
}
