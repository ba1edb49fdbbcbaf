import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../functions/index";
import { touchBucket } from "../../functions/storage/rollups";
import { insertSurvey } from "../../functions/storage/surveys";
import { parseNewSurvey } from "../../functions/surveys/survey-input";

/**
 * Source rows written straight into D1, as the respondent flow would leave them, so rollup and metrics
 * tests control every score, status, time and segment. Tests may hold SQL; the Worker may not.
 */

export interface FakeResponse {
  at: number;
  score: number;
  status?: "counted" | "suspected" | "excluded";
  comment?: string | null;
  locale?: string | null;
  properties?: Record<string, string>;
  /** Invitation time; defaults to the response time. */
  invitedAt?: number;
}

export async function addSurvey(input: Record<string, unknown>, createdAt = Date.UTC(2025, 0, 1)): Promise<void> {
  const inserted = await insertSurvey(env.DB, parseNewSurvey({ name: `Survey ${String(input.id)}`, ...input }), createdAt);
  if (!inserted) throw new Error(`survey ${String(input.id)} exists`);
}

let invitationCounter = 0;

async function nextEventSeq(): Promise<number> {
  const row = await env.DB.prepare("SELECT COALESCE(MAX(event_seq), 0) AS seq FROM responses").first<{ seq: number }>();
  return row!.seq + 1;
}

const PER_STATEMENT = 2_000;

/** Inserts invitations and their responses; returns the invitation ids in order. */
export async function addResponses(surveyId: string, responses: readonly FakeResponse[]): Promise<string[]> {
  const ids = responses.map(() => `inv_${surveyId}_${++invitationCounter}`);
  let seq = await nextEventSeq();
  for (let offset = 0; offset < responses.length; offset += PER_STATEMENT) {
    const slice = responses.slice(offset, offset + PER_STATEMENT);
    const rows = slice.map((r, i) => ({
      id: ids[offset + i],
      locale: r.locale ?? null,
      properties: JSON.stringify(r.properties ?? {}),
      invited_at: r.invitedAt ?? r.at,
      at: r.at,
      score: r.score,
      status: r.status ?? "counted",
      comment: r.comment ?? null,
      seq: seq++,
    }));
    const json = JSON.stringify(rows);
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO invitations (id, survey_id, recipient, locale, properties, created_at, expires_at)
         SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.id'), json_extract(value, '$.locale'),
                json_extract(value, '$.properties'), json_extract(value, '$.invited_at'), json_extract(value, '$.invited_at') + 2592000000
         FROM json_each(?2)`,
      ).bind(surveyId, json),
      env.DB.prepare(
        `INSERT INTO answers (invitation_id, survey_id, events, version, score, comment, status, reason, created_at, updated_at, event_seq)
         SELECT json_extract(value, '$.id'), ?1, '[]', 1, json_extract(value, '$.score'),
                json_extract(value, '$.comment'), json_extract(value, '$.status'), 'tap', json_extract(value, '$.at'),
                json_extract(value, '$.at'), json_extract(value, '$.seq')
         FROM json_each(?2)`,
      ).bind(surveyId, json),
    ]);
  }
  return ids;
}

/** Invitations nobody answered. */
export async function addInvitations(surveyId: string, invitations: readonly { at: number; properties?: Record<string, string> }[]): Promise<void> {
  const rows = invitations.map((inv) => ({ id: `inv_${surveyId}_${++invitationCounter}`, at: inv.at, properties: JSON.stringify(inv.properties ?? {}) }));
  await env.DB.prepare(
    `INSERT INTO invitations (id, survey_id, recipient, properties, created_at, expires_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.id'), json_extract(value, '$.properties'),
            json_extract(value, '$.at'), json_extract(value, '$.at') + 2592000000
     FROM json_each(?2)`,
  )
    .bind(surveyId, JSON.stringify(rows))
    .run();
}

/** A later change to a response, as a new tap or an override leaves it: a higher event_seq. */
export async function changeResponse(invitationId: string, change: { score?: number; status?: string; comment?: string | null }, at = Date.UTC(2026, 5, 1)) {
  const seq = await nextEventSeq();
  await env.DB.prepare(
    `UPDATE answers SET score = COALESCE(?2, score), status = COALESCE(?3, status),
       comment = CASE WHEN ?4 = 1 THEN ?5 ELSE comment END, updated_at = ?6, event_seq = ?7, version = version + 1
     WHERE invitation_id = ?1`,
  )
    .bind(invitationId, change.score ?? null, change.status ?? null, change.comment === undefined ? 0 : 1, change.comment ?? null, at, seq)
    .run();
}

/** Erasure as the erasure issue will do it: touches first, deletes after, in one batch. */
export async function eraseInvitation(surveyId: string, invitationId: string): Promise<void> {
  const rows = await env.DB.prepare(
    `SELECT created_at AS at FROM responses WHERE invitation_id = ?1 UNION ALL SELECT created_at FROM invitations WHERE id = ?1`,
  )
    .bind(invitationId)
    .all<{ at: number }>();
  await env.DB.batch([
    ...rows.results.map((r) => touchBucket(env.DB, surveyId, r.at)),
    env.DB.prepare("DELETE FROM answers WHERE invitation_id = ?1").bind(invitationId),
    env.DB.prepare("DELETE FROM invitations WHERE id = ?1").bind(invitationId),
  ]);
}

export interface StoredRow {
  survey_id: string;
  day: string;
  dimension: string;
  value: string;
  counts: string;
  invitations: number;
  comments: number;
  excluded: number;
}

export async function rollupRows(surveyId?: string): Promise<StoredRow[]> {
  const { results } = await env.DB.prepare(
    `SELECT survey_id, day, dimension, value, counts, invitations, comments, excluded FROM rollup_days
     WHERE ?1 IS NULL OR survey_id = ?1 ORDER BY survey_id, day, dimension, value`,
  )
    .bind(surveyId ?? null)
    .all<StoredRow>();
  return results;
}

/** The time every tick uses unless told: later than all test data, so every change has settled. */
export const TICK_TIME = Date.UTC(2026, 10, 1);

/** One cron tick through the Worker's own scheduled handler, optionally on an instrumented binding. */
export async function tick(db: D1Database = env.DB, scheduledTime = TICK_TIME): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: "*/5 * * * *" });
  const ctx = createExecutionContext();
  worker.scheduled(controller, { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
}
