/**
 * What per-survey retention (functions/retention/) reads and writes: surveys with `retain_days`,
 * comments to clear, raw events to delete, and how far each survey's event scan has got
 * (`retention_cursors`). Every statement is bounded by a LIMIT, so one cron tick does a bounded amount.
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
 * have a comment (the responses_commented partial index), so a cleared history costs nothing later.
 * Responses keep score and status, and no event_seq moves: rollups stay as they are.
 */
export async function clearOldComments(db: D1Database, surveyId: string, before: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `UPDATE responses SET comment = NULL WHERE id IN
         (SELECT id FROM responses WHERE survey_id = ?1 AND created_at < ?2 AND comment IS NOT NULL LIMIT ?3)`,
    )
    .bind(surveyId, before, limit)
    .run();
  return result.meta.changes;
}

export async function eventCursor(db: D1Database, surveyId: string): Promise<number> {
  const row = await db.prepare("SELECT events_seq FROM retention_cursors WHERE survey_id = ?1").bind(surveyId).first<{ events_seq: number }>();
  return row?.events_seq ?? 0;
}

export interface ScannedEvent {
  seq: number;
  at: number;
  survey_id: string | null;
}

/** The next events after `afterSeq` in the order they were stored, with the survey each belongs to. */
export async function scanEvents(db: D1Database, afterSeq: number, limit: number): Promise<ScannedEvent[]> {
  const { results } = await db
    .prepare(
      `SELECT e.seq, e.at, i.survey_id FROM events e LEFT JOIN invitations i ON i.id = e.invitation_id
       WHERE e.seq > ?1 ORDER BY e.seq LIMIT ?2`,
    )
    .bind(afterSeq, limit)
    .all<ScannedEvent>();
  return results;
}

/** Deletes the given events and moves the survey's cursor, together. */
export async function deleteEventsAndAdvance(db: D1Database, surveyId: string, seqs: readonly number[], cursor: number, now: number): Promise<void> {
  await db.batch([
    db.prepare("DELETE FROM events WHERE seq IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(seqs)),
    db
      .prepare(
        `INSERT INTO retention_cursors (survey_id, events_seq, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (survey_id) DO UPDATE SET events_seq = MAX(events_seq, excluded.events_seq), updated_at = excluded.updated_at`,
      )
      .bind(surveyId, cursor, now),
  ]);
}
