import { localDay } from "../rollups/days";
import { ALL } from "../rollups/buckets";
import { detectDrop, dropReason, DROP_HISTORY_WEEKS } from "../scoring/drop";
import { headlineUnit } from "../scoring/summary";
import { readRollupRows } from "../storage/rollups";
import { listActiveSurveys } from "../storage/surveys";
import { emitMetricDrop } from "../webhooks/announce";
import { completedWeek, weeklyHistograms, weeksUpTo } from "./drop-window";

/**
 * After a rollup changed something: test each active survey's last completed ISO week (in its time
 * zone) with the drop CUSUM (functions/scoring/drop.ts) and announce a drop (`metric.drop`).
 * Announcing is idempotent per survey and week, so the later ticks of the same week, which test
 * that same week again with any late answers, add nothing: at most one alert per week. Answers how
 * many surveys' weeks alerted.
 */
export async function checkDrops(env: Pick<Env, "DB">, now: number): Promise<number> {
  let found = 0;
  for (const survey of await listActiveSurveys(env.DB)) {
    const week = completedWeek(localDay(now, survey.timezone));
    const weeks = weeksUpTo(week, DROP_HISTORY_WEEKS);
    const rows = await readRollupRows(env.DB, survey.id, ALL, weeks[0]?.from ?? week.from, week.to);
    const { alert } = detectDrop(survey, weeklyHistograms(survey.scale, weeks, rows));
    if (!alert) continue;
    found += 1;
    await emitMetricDrop(env, survey, { from: week.from, to: week.to, unit: headlineUnit(survey), method: "cusum", ...alert, reason: dropReason(survey, alert) }, now);
  }
  return found;
}
