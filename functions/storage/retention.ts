import type { StoredEvent } from "./events";

/**
 * What per-survey retention (functions/retention/) reads and writes: surveys with `retain_days`,
 * comments to clear, raw events to cut from answers, and how far the sweep of answers has got
 * (`retention_sweep`). Every statement is bounded by a LIMIT, so one cron tick does a bounded amount.
 */

export interface RetainingSurvey {
  id: string;
  retain_days: number;
}

export async function surveysWithRetention(db: D1Database): Promise<RetainingSurvey[]> {
  const { results } = await db
    .prepare(
      `SELECT id, retain_days FROM surveys WHERE retain_days IS NOT NULL ORDER BY id`,
    )
    .all<RetainingSurvey>();
  return results;
}

/**
 * Clears up to `limit` comments of responses created before `before`. Reads only responses that still
 * have a comment (the answers_commented partial index), so a cleared history costs nothing later.
 * Responses keep score and status, and no event_seq moves: rollups stay as they are.
 */
export async function clearOldComments(db: D1Database, surveyId: string, before: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `UPDATE answers SET comment = NULL, version = version + 1 WHERE invitation_id IN
         (SELECT invitation_id FROM answers WHERE survey_id = ?1 AND created_at < ?2 AND comment IS NOT NULL LIMIT ?3)`,
    )
    .bind(surveyId, before, limit)
    .run();
  return result.meta.changes;
}

export interface SweptAnswer {
  invitation_id: string;
  events: StoredEvent[];
  version: number;
  /** Whether the answer has a decision (a response); one without, and without events, is deleted. */
  decided: boolean;
  /** Its survey's retention; null when it keeps everything. */
  retain_days: number | null;
}

/** Where the sweep of answers stands: the last invitation id it passed ("" at the start). */
export async function sweepCursor(db: D1Database): Promise<string> {
  return (await db.prepare("SELECT after FROM retention_sweep WHERE id = 1").first<string>("after")) ?? "";
}

/** The next `limit` answers after `after`, in id order, whatever their survey: every read is of a row the sweep passes. */
export async function sweepAnswers(db: D1Database, after: string, limit: number): Promise<SweptAnswer[]> {
  const { results } = await db
    .prepare(
      `SELECT a.invitation_id, a.events, a.version, a.status IS NOT NULL AS decided, s.retain_days
       FROM (SELECT invitation_id, survey_id, events, version, status FROM answers WHERE invitation_id > ?1 ORDER BY invitation_id LIMIT ?2) a
       LEFT JOIN surveys s ON s.id = a.survey_id ORDER BY a.invitation_id`,
    )
    .bind(after, limit)
    .all<Omit<SweptAnswer, "events" | "decided"> & { events: string; decided: number }>();
  return results.map((row) => ({ ...row, events: JSON.parse(row.events) as StoredEvent[], decided: row.decided === 1 }));
}

/**
 * Keeps only `kept` of each answer's events (an answer without a decision and without events goes) and
 * moves the cursor, in one batch. Each write lands only on the version that was read; one that lost
 * to a tap is trimmed on the next pass. Answers which trims landed.
 */
export async function trimAnswers(
  db: D1Database,
  trims: readonly { invitation_id: string; version: number; kept: readonly StoredEvent[]; remove: boolean }[],
  cursor: string,
  now: number,
): Promise<boolean[]> {
  const results = await db.batch([
    ...trims.map((trim) =>
      trim.remove
        ? db.prepare("DELETE FROM answers WHERE invitation_id = ?1 AND version = ?2 AND status IS NULL").bind(trim.invitation_id, trim.version)
        : db
            .prepare("UPDATE answers SET events = ?2, version = version + 1 WHERE invitation_id = ?1 AND version = ?3")
            .bind(trim.invitation_id, JSON.stringify(trim.kept), trim.version),
    ),
    db
      .prepare(
        `INSERT INTO retention_sweep (id, after, updated_at) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET after = excluded.after, updated_at = excluded.updated_at`,
      )
      .bind(cursor, now),
  ]);
  return trims.map((_, i) => (results[i]?.meta.changes ?? 0) > 0);
}
