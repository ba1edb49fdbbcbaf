import { SURVEY_COLUMNS, surveyFromRow, type StoredSurvey, type SurveyRow } from "./surveys";
import type { D1Reads } from "./reads";

/**
 * The rollup tables (`rollup_days`, `rollup_watermarks`, `rollup_touches`) and the reads the rollup
 * makes of its sources: every SQL statement of the rollup lives here. Lists of buckets and rows
 * travel as one JSON parameter (json_each), so a chunk costs the same few statements however many
 * buckets it touches.
 */

/** A local calendar day of a survey's time zone, "YYYY-MM-DD" (functions/rollups/days.ts). */
export type DayKey = string;
/** A breakdown: "all", a built-in dimension such as locale, or a survey's custom segment key. */
export type Dimension = string;

/** Responses of one bucket, already grouped by everything that decides their rows. */
export interface ResponseGroup {
  locale: string | null;
  /** The invitation's properties as stored: JSON text. */
  properties: string;
  score: number;
  status: string;
  commented: number;
  n: number;
}

/** Invitations of one bucket (ingested ones and template links' left out: nobody was asked by them), grouped like the responses. */
export interface InvitationGroup {
  locale: string | null;
  properties: string;
  n: number;
  /** Of those, the ones with a counted answer, whenever it came. */
  answered: number;
}

/** One rollup row: counts[i] is the number of counted answers with score scale.min + i. */
export interface RollupRow {
  survey_id: string;
  day: DayKey;
  dimension: Dimension;
  value: string;
  counts: number[];
  /** Invitations created this day; ingested ones (answers that came without an invitation) and template links' (made by the answer itself) left out. */
  invitations: number;
  comments: number;
  /** Suspected (scanner) and excluded responses: kept out of counts, shown as excluded clicks. */
  excluded: number;
  /** Of this day's invitations, those with a counted answer on any day: the response rate's cohort. */
  answered: number;
}

export type StoredCounts = Pick<RollupRow, "counts" | "invitations" | "comments" | "excluded" | "answered">;

export interface Watermark {
  responsesSeq: number;
  invitationsSeq: number;
}

export interface ResponseChange {
  seq: number;
  survey_id: string;
  created_at: number;
  updated_at: number;
  /** Its invitation's created_at: that day counts whether the invitation was answered. */
  invited_at: number | null;
}

export interface InvitationChange {
  seq: number;
  survey_id: string;
  created_at: number;
}

export interface Touch {
  id: number;
  survey_id: string;
  at: number;
}

export interface Changes {
  responses: ResponseChange[];
  invitations: InvitationChange[];
  touches: Touch[];
}

/** A bucket with the epoch-ms range of its local day, as the source queries need it. */
export interface BucketRange {
  surveyId: string;
  day: DayKey;
  start: number;
  end: number;
}

export async function readWatermark(db: D1Database): Promise<Watermark> {
  const { results } = await db
    .prepare("SELECT responses_seq, invitations_seq FROM rollup_watermarks WHERE id = 1")
    .all<{ responses_seq: number; invitations_seq: number }>();
  const row = results[0];
  return { responsesSeq: row?.responses_seq ?? 0, invitationsSeq: row?.invitations_seq ?? 0 };
}

/** The next changes after the watermark, oldest first, at most `limit` of each kind, in one round trip. */
export async function readChanges(db: D1Database, watermark: Watermark, limit: number): Promise<Changes> {
  const [responses, invitations, touches] = await db.batch([
    // answers_by_change: the scan starts at the watermark, so it never reads older history.
    db
      .prepare(
        `SELECT r.event_seq AS seq, r.survey_id, r.created_at, r.updated_at, i.created_at AS invited_at
         FROM responses AS r LEFT JOIN invitations AS i ON i.id = r.invitation_id
         WHERE r.event_seq > ?1 ORDER BY r.event_seq LIMIT ?2`,
      )
      .bind(watermark.responsesSeq, limit),
    db.prepare("SELECT seq, survey_id, created_at FROM invitations WHERE seq > ?1 ORDER BY seq LIMIT ?2").bind(watermark.invitationsSeq, limit),
    db.prepare("SELECT id, survey_id, at FROM rollup_touches ORDER BY id LIMIT ?1").bind(limit),
  ]);
  return {
    responses: (responses?.results ?? []) as ResponseChange[],
    invitations: (invitations?.results ?? []) as InvitationChange[],
    touches: (touches?.results ?? []) as Touch[],
  };
}

export async function readSurveys(db: D1Database, ids: readonly string[]): Promise<StoredSurvey[]> {
  if (ids.length === 0) return [];
  const { results } = await db
    .prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys WHERE id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(ids))
    .all<SurveyRow>();
  return results.map(surveyFromRow);
}

export interface BucketSources {
  /** Indexed like the buckets passed in. */
  responses: ResponseGroup[][];
  invitations: InvitationGroup[][];
}

/**
 * Every source row of the given buckets, grouped by what decides their rollup rows. Each bucket reads
 * only its own survey-day through the (survey_id, created_at) indexes; CROSS JOIN keeps the bucket
 * list as the outer loop so SQLite cannot choose to scan a whole table instead.
 */
export async function readBucketSources(db: D1Database, buckets: readonly BucketRange[]): Promise<BucketSources> {
  const list = JSON.stringify(buckets.map((b) => [b.surveyId, b.start, b.end]));
  const [responses, invitations] = await db.batch([
    db
      .prepare(
        `SELECT b.key AS bucket, i.locale AS locale, i.properties AS properties, r.score AS score, r.status AS status,
                (r.comment IS NOT NULL AND r.comment <> '') AS commented, COUNT(*) AS n
         FROM json_each(?1) AS b
         CROSS JOIN responses AS r
         JOIN invitations AS i ON i.id = r.invitation_id
         WHERE r.survey_id = json_extract(b.value, '$[0]')
           AND r.created_at >= json_extract(b.value, '$[1]') AND r.created_at < json_extract(b.value, '$[2]')
         GROUP BY b.key, i.locale, i.properties, r.score, r.status, commented`,
      )
      .bind(list),
    db
      .prepare(
        `SELECT b.key AS bucket, i.locale AS locale, i.properties AS properties, COUNT(*) AS n,
                SUM(EXISTS (SELECT 1 FROM responses AS r WHERE r.invitation_id = i.id AND r.status = 'counted')) AS answered
         FROM json_each(?1) AS b
         CROSS JOIN invitations AS i
         WHERE i.survey_id = json_extract(b.value, '$[0]')
           AND i.created_at >= json_extract(b.value, '$[1]') AND i.created_at < json_extract(b.value, '$[2]')
           AND i.ingested = 0 AND i.source = 'invitation'
         GROUP BY b.key, i.locale, i.properties`,
      )
      .bind(list),
  ]);
  const byBucket = <T>(rows: readonly (T & { bucket: number })[]): T[][] => {
    const grouped = buckets.map((): T[] => []);
    for (const { bucket, ...row } of rows) grouped[bucket]?.push(row as T);
    return grouped;
  };
  return {
    responses: byBucket((responses?.results ?? []) as (ResponseGroup & { bucket: number })[]),
    invitations: byBucket((invitations?.results ?? []) as (InvitationGroup & { bucket: number })[]),
  };
}

/** Rows per INSERT: keeps each JSON parameter far below D1's 2 MB value limit. */
const ROWS_PER_INSERT = 2_000;

export interface BucketWrite {
  buckets: readonly { surveyId: string; day: DayKey }[];
  rows: readonly RollupRow[];
  /** Null leaves the watermark alone (the middle chunks of a rebuild). */
  watermark: Watermark | null;
  /** Touches with an id up to this were consumed by these buckets; null when none were. */
  touchesUpTo: number | null;
  now: number;
}

/**
 * Replaces whole buckets and advances the watermark in one db.batch, D1's only transaction: either
 * the new rows and the new watermark are both stored, or neither is, so a retry redoes the same work.
 */
export async function writeBuckets(db: D1Database, write: BucketWrite): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  if (write.buckets.length > 0) {
    statements.push(
      db
        .prepare(
          `DELETE FROM rollup_days WHERE (survey_id, day) IN
             (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1))`,
        )
        .bind(JSON.stringify(write.buckets.map((b) => [b.surveyId, b.day]))),
    );
  }
  for (let i = 0; i < write.rows.length; i += ROWS_PER_INSERT) {
    const rows = write.rows.slice(i, i + ROWS_PER_INSERT).map((r) => [r.survey_id, r.day, r.dimension, r.value, r.counts, r.invitations, r.comments, r.excluded, r.answered]);
    statements.push(
      db
        .prepare(
          `INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded, answered)
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                  json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]'), json_extract(value, '$[7]'),
                  json_extract(value, '$[8]')
           FROM json_each(?1)`,
        )
        .bind(JSON.stringify(rows)),
    );
  }
  if (write.watermark) statements.push(setWatermark(db, write.watermark, write.now));
  if (write.touchesUpTo !== null) statements.push(db.prepare("DELETE FROM rollup_touches WHERE id <= ?1").bind(write.touchesUpTo));
  await db.batch(statements);
}

/**
 * Sets, never maximizes: if two runs overlap, the slower one may move the watermark back, which
 * only makes the next tick redo work; it can never skip a change.
 */
function setWatermark(db: D1Database, watermark: Watermark, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO rollup_watermarks (id, responses_seq, invitations_seq, updated_at) VALUES (1, ?1, ?2, ?3)
       ON CONFLICT (id) DO UPDATE SET responses_seq = excluded.responses_seq, invitations_seq = excluded.invitations_seq,
         updated_at = excluded.updated_at`,
    )
    .bind(watermark.responsesSeq, watermark.invitationsSeq, now);
}

/**
 * The start of a full rebuild: no rows and the watermark at zero, at once. Should the rebuild die
 * after this, the next ticks redo everything from zero, which is slow but right.
 */
export async function clearRollups(db: D1Database, now: number): Promise<void> {
  await db.batch([db.prepare("DELETE FROM rollup_days"), setWatermark(db, { responsesSeq: 0, invitationsSeq: 0 }, now)]);
}

export interface RebuildMarks {
  watermark: Watermark;
  touchesUpTo: number;
}

/**
 * Where a rebuild's watermark will stand: the newest settled response, the newest invitation and
 * touch. Scans responses (a rebuild reads everything anyway); newer changes go to the next tick.
 */
export async function readRebuildMarks(db: D1Database, settledBefore: number): Promise<RebuildMarks> {
  const row = await db
    .prepare(
      `SELECT (SELECT COALESCE(MAX(event_seq), 0) FROM responses WHERE updated_at <= ?1) AS responses_seq,
              (SELECT COALESCE(MAX(seq), 0) FROM invitations) AS invitations_seq,
              (SELECT COALESCE(MAX(id), 0) FROM rollup_touches) AS touches_up_to`,
    )
    .bind(settledBefore)
    .first<{ responses_seq: number; invitations_seq: number; touches_up_to: number }>();
  return {
    watermark: { responsesSeq: row?.responses_seq ?? 0, invitationsSeq: row?.invitations_seq ?? 0 },
    touchesUpTo: row?.touches_up_to ?? 0,
  };
}

export interface SurveySpan {
  survey_id: string;
  first: number;
  last: number;
}

/** The first and last source row time of every survey with data. */
export async function readSurveySpans(db: D1Database): Promise<SurveySpan[]> {
  const { results } = await db
    .prepare(
      `SELECT survey_id, MIN(first) AS first, MAX(last) AS last FROM (
         SELECT survey_id, MIN(created_at) AS first, MAX(created_at) AS last FROM responses GROUP BY survey_id
         UNION ALL
         SELECT survey_id, MIN(created_at), MAX(created_at) FROM invitations GROUP BY survey_id
       ) GROUP BY survey_id`,
    )
    .all<SurveySpan>();
  return results;
}

/** Records that a deleted row's bucket must be recomputed; add it to the batch that deletes the row. */
export function touchBucket(db: D1Database, surveyId: string, at: number): D1PreparedStatement {
  return db.prepare("INSERT INTO rollup_touches (survey_id, at) VALUES (?1, ?2)").bind(surveyId, at);
}

export interface StoredRollupRow extends StoredCounts {
  day: DayKey;
  value: string;
}

/** One dimension of one survey over a range of local days, both ends included. */
export async function readRollupRows(db: D1Reads, surveyId: string, dimension: string, from: DayKey, to: DayKey): Promise<StoredRollupRow[]> {
  const { results } = await db
    .prepare(
      `SELECT day, value, counts, invitations, comments, excluded, answered FROM rollup_days
       WHERE survey_id = ?1 AND dimension = ?2 AND day >= ?3 AND day <= ?4`,
    )
    .bind(surveyId, dimension, from, to)
    .all<Omit<StoredRollupRow, "counts"> & { counts: string }>();
  return results.map((row) => ({ ...row, counts: JSON.parse(row.counts) as number[] }));
}

/** The local day of a survey's first counted answer, imported history included; null without any. */
export async function firstAnswerDay(db: D1Reads, surveyId: string): Promise<DayKey | null> {
  const row = await db
    .prepare(
      `SELECT MIN(day) AS day FROM rollup_days
       WHERE survey_id = ?1 AND dimension = 'all' AND EXISTS (SELECT 1 FROM json_each(rollup_days.counts) WHERE json_each.value > 0)`,
    )
    .bind(surveyId)
    .first<{ day: DayKey | null }>();
  return row?.day ?? null;
}

/** Every rollup row of a survey, oldest day first: one dimension ("all") or all of them. */
export async function readSurveyRollups(db: D1Reads, surveyId: string, onlyAll: boolean): Promise<(StoredRollupRow & { dimension: string })[]> {
  const { results } = await db
    .prepare(
      `SELECT day, dimension, value, counts, invitations, comments, excluded, answered FROM rollup_days
       WHERE survey_id = ?1 AND (?2 = 0 OR dimension = 'all')
       ORDER BY day, dimension, value`,
    )
    .bind(surveyId, onlyAll ? 1 : 0)
    .all<Omit<StoredRollupRow, "counts"> & { dimension: string; counts: string }>();
  return results.map((row) => ({ ...row, counts: JSON.parse(row.counts) as number[] }));
}

/**
 * After a survey's time zone or segments change, its old rows group answers the wrong way: drop them
 * and touch every local day that has data, so the next ticks rebuild just this survey. Each UTC day
 * spans at most two local days and its rows are contiguous in time, so touching its first and last
 * moment reaches every local day with data.
 */
export function regroupSurveyStatements(db: D1Database, surveyId: string): D1PreparedStatement[] {
  return [
    db.prepare("DELETE FROM rollup_days WHERE survey_id = ?1").bind(surveyId),
    db
      .prepare(
        `WITH days AS (
           SELECT MIN(created_at) AS first, MAX(created_at) AS last FROM (
             SELECT created_at FROM responses WHERE survey_id = ?1
             UNION ALL SELECT created_at FROM invitations WHERE survey_id = ?1)
           GROUP BY created_at / 86400000)
         INSERT INTO rollup_touches (survey_id, at)
         SELECT ?1, first FROM days UNION SELECT ?1, last FROM days`,
      )
      .bind(surveyId),
  ];
}
