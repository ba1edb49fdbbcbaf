/**
 * `npm run rollup`: one rollup tick on the local D1, the same code the cron trigger runs (without the
 * cron's chunk limit and time budget: it runs until caught up).
 * `npm run rollup -- --full` rebuilds every rollup from the source tables.
 * `npm run rollup -- --redecide [--survey <id>]` re-runs the counting rule over the stored events of
 * every invitation (or one survey's), writes the decisions that changed, and rolls them up.
 */
import type { RollupReport } from "../functions/rollups/report.ts";
import { persistToArgument, withLocalDb, workerModule } from "./lib/worker-modules.ts";

type Rollup = (db: unknown, options: { now: number; maxChunks?: number; budgetMs?: number }) => Promise<RollupReport>;
type Redecide = (db: unknown, options: { surveyId?: string | null; now: number }) => Promise<{ invitations: number; changed: number }>;

export async function rollupLocal(full: boolean, persistTo?: string): Promise<RollupReport> {
  const job = await workerModule<{ runRollups: Rollup; rebuildRollups: Rollup }>("functions/rollups/job.ts");
  // Locally no invocation limits apply, so one run goes on until it has caught up.
  const options = { now: Date.now(), maxChunks: Number.MAX_SAFE_INTEGER, budgetMs: Number.POSITIVE_INFINITY };
  return withLocalDb(persistTo, (db) => (full ? job.rebuildRollups : job.runRollups)(db, options));
}

/** Re-decides the stored events with the current counting rule, then rolls up what changed, in one run. */
export async function redecideLocal(surveyId: string | null, persistTo?: string): Promise<{ invitations: number; changed: number; rollup: RollupReport }> {
  const { redecideHistory } = await workerModule<{ redecideHistory: Redecide }>("functions/counting/redecide.ts");
  const job = await workerModule<{ runRollups: Rollup }>("functions/rollups/job.ts");
  const now = Date.now();
  return withLocalDb(persistTo, async (db) => {
    const report = await redecideHistory(db, { surveyId, now });
    const rollup = await job.runRollups(db, { now, maxChunks: Number.MAX_SAFE_INTEGER, budgetMs: Number.POSITIVE_INFINITY });
    return { ...report, rollup };
  });
}

/** "re-decided 1,234 invitations: 12 changed". */
export const describeRedecide = (report: { invitations: number; changed: number }): string =>
  `re-decided ${report.invitations.toLocaleString("en-US")} invitations: ${report.changed.toLocaleString("en-US")} changed`;

/** The value of `--survey <id>`, if given. */
export function surveyArgument(argv: readonly string[] = process.argv): string | null {
  const at = argv.indexOf("--survey");
  return at >= 0 ? (argv[at + 1] ?? null) : null;
}

export function describeReport(report: RollupReport): string {
  return (
    `${report.responses} responses, ${report.invitations} invitations and ${report.touches} erasures → ` +
    `${report.buckets} day buckets, ${report.rows} rows in ${report.chunks} chunks` +
    (report.caughtUp ? "" : " (more to do: run again)")
  );
}

if (import.meta.main && process.argv.includes("--redecide")) {
  const survey = surveyArgument();
  console.log(survey ? `Re-deciding survey ${survey}'s invitations with the current counting rule …` : "Re-deciding every invitation with the current counting rule …");
  const report = await redecideLocal(survey, persistToArgument());
  console.log(describeRedecide(report));
  console.log(describeReport(report.rollup));
} else if (import.meta.main) {
  const full = process.argv.includes("--full");
  console.log(full ? "Rebuilding every rollup from the source tables …" : "Rolling up what changed since the last run …");
  console.log(describeReport(await rollupLocal(full, persistToArgument())));
}
