/**
 * `npm run rollup`: one rollup tick on the local D1, the same code the cron trigger runs (without the
 * cron's chunk limit and time budget: it runs until caught up).
 * `npm run rollup -- --full` rebuilds every rollup from the source tables.
 */
import type { RollupReport } from "../functions/rollups/report.ts";
import { persistToArgument, withLocalDb, workerModule } from "./lib/worker-modules.ts";

type Rollup = (db: unknown, options: { now: number; maxChunks?: number; budgetMs?: number }) => Promise<RollupReport>;

export async function rollupLocal(full: boolean, persistTo?: string): Promise<RollupReport> {
  const job = await workerModule<{ runRollups: Rollup; rebuildRollups: Rollup }>("functions/rollups/job.ts");
  // Locally no invocation limits apply, so one run goes on until it has caught up.
  const options = { now: Date.now(), maxChunks: Number.MAX_SAFE_INTEGER, budgetMs: Number.POSITIVE_INFINITY };
  return withLocalDb(persistTo, (db) => (full ? job.rebuildRollups : job.runRollups)(db, options));
}

export function describeReport(report: RollupReport): string {
  return (
    `${report.responses} responses, ${report.invitations} invitations and ${report.touches} erasures → ` +
    `${report.buckets} day buckets, ${report.rows} rows in ${report.chunks} chunks` +
    (report.caughtUp ? "" : " (more to do: run again)")
  );
}

if (import.meta.main) {
  const full = process.argv.includes("--full");
  console.log(full ? "Rebuilding every rollup from the source tables …" : "Rolling up what changed since the last run …");
  console.log(describeReport(await rollupLocal(full, persistToArgument())));
}
