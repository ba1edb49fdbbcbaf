import { localDay } from "../rollups/days";
import { ALL } from "../rollups/buckets";
import { detectDrop } from "../scoring/drop";
import { headlineUnit } from "../scoring/summary";
import { readRollupRows } from "../storage/rollups";
import { listActiveSurveys } from "../storage/surveys";
import { emitMetricDrop } from "../webhooks/announce";
import { dropWindow, weeklyHistograms } from "./drop-window";

/**
 * After a rollup changed something: test each active survey's last week against the four before
 * it and announce a significant drop (`metric.drop`). Announcing is idempotent per survey and week,
 * so later ticks that find the same drop add nothing. Answers how many drops were found.
 */
export async function checkDrops(env: Pick<Env, "DB">, now: number): Promise<number> {
  let found = 0;
  for (const survey of await listActiveSurveys(env.DB)) {
    const window = dropWindow(localDay(now, survey.timezone));
    const rows = await readRollupRows(env.DB, survey.id, ALL, window.baselineFrom, window.to);
    const result = detectDrop(survey, weeklyHistograms(survey.scale, window, rows));
    if (!result.dropped) continue;
    found += 1;
    await emitMetricDrop(
      env,
      survey,
      { from: window.from, to: window.to, unit: headlineUnit(survey), delta: result.delta, p_value: result.p_value, n_latest: result.n_latest, n_baseline: result.n_baseline },
      now,
    );
  }
  return found;
}
