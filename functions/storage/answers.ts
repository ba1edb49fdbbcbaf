/**
 * The `answers` table: one row per invitation that has had a request, holding its raw events (a JSON
 * array) and the counting rule's decision made from them (schema.sql). Every statement that writes it
 * is here. A write that decides is guarded by the row's version (compare and swap): it lands only if
 * nothing was written to the row since it was read, so the stored decision always saw every stored
 * event. The `responses` and `events` views read it for everyone else.
 */
import type { NewEvent, RuleEvent, StoredEvent } from "./events";
import type { D1Reads } from "./reads";
import type { Decision } from "./responses";

/** An answer's decision as stored. */
export interface StoredDecision extends Decision {
  override: "counted" | "excluded" | null;
  created_at: number;
}

/**
 * An invitation's events and decision as read, with the version a write must find to land; version 0:
 * no row yet.
 */
export interface StoredAnswer {
  events: StoredEvent[];
  version: number;
  comment: string | null;
  decision: StoredDecision | null;
}

export const NO_ANSWER: StoredAnswer = { events: [], version: 0, comment: null, decision: null };

export const storedEvent = ({ invitation_id: _invitation, ...event }: NewEvent, message?: string): StoredEvent =>
  message === undefined ? event : { ...event, message };

/** The events as the counting rule weighs them: seq is each one's place in the history, from 1. */
export const historyOf = (events: readonly StoredEvent[]): RuleEvent[] =>
  events.map((e, i) => ({ seq: i + 1, kind: e.kind, score: e.score, at: e.at, client: e.client, signals: e.signals }));

interface AnswerRow {
  invitation_id: string;
  survey_id: string;
  events: string;
  version: number;
  score: number | null;
  comment: string | null;
  status: Decision["status"] | null;
  reason: Decision["reason"] | null;
  override: "counted" | "excluded" | null;
  created_at: number | null;
}

const ANSWER_COLUMNS = "invitation_id, survey_id, events, version, score, comment, status, reason, override, created_at";

const fromRow = (row: AnswerRow): StoredAnswer => ({
  events: JSON.parse(row.events) as StoredEvent[],
  version: row.version,
  comment: row.comment,
  decision:
    row.score === null || row.status === null || row.reason === null || row.created_at === null
      ? null
      : { score: row.score, status: row.status, reason: row.reason, override: row.override, created_at: row.created_at },
});

/** The statement that reads one invitation's answer, for a caller's batch; `answerOf` reads its result. */
export const answerStatement = (db: D1Reads, invitationId: string) =>
  db.prepare(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE invitation_id = ?1`).bind(invitationId);

export const answerOf = (result: D1Result | undefined): StoredAnswer => {
  const row = result?.results[0] as AnswerRow | undefined;
  return row ? fromRow(row) : NO_ANSWER;
};

export async function readAnswer(db: D1Reads, invitationId: string): Promise<StoredAnswer> {
  return answerOf(await answerStatement(db, invitationId).all());
}

/** The answers of these invitations (those without one are absent), in one statement. */
export async function readAnswers(db: D1Reads, invitationIds: readonly string[]): Promise<Map<string, StoredAnswer>> {
  const { results } = await db
    .prepare(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE invitation_id IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(invitationIds))
    .all<AnswerRow>();
  return new Map(results.map((row) => [row.invitation_id, fromRow(row)]));
}

/**
 * The next decision's place in the change order the rollups follow: above every decision stored and
 * above the rollups' watermark, so a seq freed by an erasure is never handed out again below it.
 */
const NEXT_SEQ = `(SELECT MAX(COALESCE((SELECT MAX(event_seq) FROM answers WHERE status IS NOT NULL), 0),
                              COALESCE((SELECT responses_seq FROM rollup_watermarks WHERE id = 1), 0)) + 1)`;

/**
 * The most events an answer keeps: past it the oldest go. Far beyond any person and their mail
 * scanners, it bounds what one link's flood can make a row grow to (about 200 KB), and whoever has the
 * link can change its answer anyway.
 */
export const MAX_EVENTS = 500;

/** The events an answer holds after adding `added` to `before`: at most MAX_EVENTS, the newest. */
export const withEvents = (before: readonly StoredEvent[], added: readonly StoredEvent[]): StoredEvent[] => [...before, ...added].slice(-MAX_EVENTS);

export interface AnswerWrite {
  invitationId: string;
  surveyId: string;
  /** The answer as read: the write lands only on its version (0: none yet), and changes only what differs from it. */
  before: StoredAnswer;
  /** All the answer's events after this write (withEvents). */
  events: readonly StoredEvent[];
  /** The rule's decision over `events`; null while no event asked for one. */
  decision: Decision | null;
  override: "counted" | "excluded" | null;
  /** The answer's time (answerTime in functions/counting/counting-rule.ts): created_at, the rollups' day. */
  answeredAt: number;
  /** A comment to keep (null clears it); undefined leaves the stored one. */
  comment?: string | null;
  now: number;
}

/**
 * Adds the events and writes the decision in one statement that lands only on the version it was made
 * from. It returns the answer's event_seq in a row when it landed, and no row when another write came
 * first (then nothing changed: read again and decide again).
 *
 * D1 counts a row written for every index entry of a column a statement assigns, whether or not its
 * value changes: an update assigns only the columns whose values differ from those read (the version
 * guard makes the read exact). A change that shows in the response (score, status, reason, override,
 * time, comment) takes a new event_seq, the rollups' change order, and updated_at.
 */
export function writeAnswer(db: D1Database, write: AnswerWrite): D1PreparedStatement {
  const events = JSON.stringify(write.events);
  const d = write.decision;
  const comment = write.comment === undefined ? write.before.comment : write.comment;
  if (write.before.version === 0) {
    return db
      .prepare(
        `INSERT INTO answers (invitation_id, survey_id, events, version, stale, score, comment, status, reason, override, created_at, updated_at, event_seq)
         VALUES (?1, ?2, ?3, 1, 0, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?6 IS NULL THEN NULL ELSE ${NEXT_SEQ} END)
         ON CONFLICT (invitation_id) DO NOTHING
         RETURNING event_seq`,
      )
      .bind(write.invitationId, write.surveyId, events, d?.score ?? null, comment, d?.status ?? null, d?.reason ?? null, write.override, d ? write.answeredAt : null, write.now);
  }
  const was = write.before.decision;
  // Without a decision the stored one stays.
  const next: Record<DecisionColumn, unknown> | null = d && { score: d.score, status: d.status, reason: d.reason, override: write.override, created_at: write.answeredAt };
  const changed: [string, unknown][] = next ? DECISION_COLUMNS.filter((column) => was === null || was[column] !== next[column]).map((column) => [column, next[column]]) : [];
  if (comment !== write.before.comment) changed.push(["comment", comment]);
  const values: unknown[] = [write.invitationId, write.before.version, events];
  const sets = ["events = ?3", "version = version + 1", "stale = 0"];
  for (const [column, value] of changed) {
    values.push(value);
    sets.push(`${column} = ?${values.length}`);
  }
  // A change shows in the response only once there is one.
  if (changed.length > 0 && (next !== null || was !== null)) {
    values.push(write.now);
    sets.push(`updated_at = ?${values.length}`, `event_seq = ${NEXT_SEQ}`);
  }
  return db
    .prepare(`UPDATE answers SET ${sets.join(", ")} WHERE invitation_id = ?1 AND version = ?2 RETURNING event_seq`)
    .bind(...values);
}

const DECISION_COLUMNS = ["score", "status", "reason", "override", "created_at"] as const;
type DecisionColumn = (typeof DECISION_COLUMNS)[number];

/** Whether a writeAnswer landed, and the event_seq it gave the decision. */
export const landed = (result: D1Result | undefined): { event_seq: number | null } | null =>
  (result?.results[0] as { event_seq: number | null } | undefined) ?? null;

/**
 * Adds an event without deciding: a view or a HEAD, which decide nothing, or (stale) an event that lost
 * the race for its decision too often, with its comment; the cron decides those (staleAnswers). Lands
 * whatever the version.
 */
export function appendEvent(
  db: D1Database,
  surveyId: string,
  event: NewEvent,
  options: { stale: boolean; now: number; comment?: string | null | undefined },
): D1PreparedStatement {
  const setComment = options.comment !== undefined;
  return db
    .prepare(
      `INSERT INTO answers (invitation_id, survey_id, events, version, stale, comment, updated_at) VALUES (?1, ?2, json_array(json(?3)), 1, ?4, ?6, ?5)
       ON CONFLICT (invitation_id) DO UPDATE SET
         events = CASE WHEN json_array_length(events) < ${MAX_EVENTS} THEN json_insert(events, '$[#]', json(?3))
                       ELSE json_remove(json_insert(events, '$[#]', json(?3)), '$[0]') END,
         version = version + 1, stale = MAX(stale, ?4),
         comment = CASE WHEN ?7 THEN ?6 ELSE comment END`,
    )
    .bind(event.invitation_id, surveyId, JSON.stringify(storedEvent(event)), options.stale ? 1 : 0, options.now, setComment ? options.comment : null, setComment ? 1 : 0);
}

export interface AnswerPage {
  invitationId: string;
  surveyId: string;
  answer: StoredAnswer;
}

const toPage = (row: AnswerRow): AnswerPage => ({ invitationId: row.invitation_id, surveyId: row.survey_id, answer: fromRow(row) });

/** One page of answers in invitation id order after `after`: of one survey, or of all. */
export async function answersAfter(db: D1Database, options: { after: string; surveyId: string | null; limit: number }): Promise<AnswerPage[]> {
  const { results } = await db
    .prepare(
      `SELECT ${ANSWER_COLUMNS} FROM answers
       WHERE invitation_id > ?1 AND (?2 IS NULL OR survey_id = ?2) ORDER BY invitation_id LIMIT ?3`,
    )
    .bind(options.after, options.surveyId, options.limit)
    .all<AnswerRow>();
  return results.map(toPage);
}

/** Answers whose newest events have no decision yet (answers_stale), oldest id first. */
export async function staleAnswers(db: D1Database, limit: number): Promise<AnswerPage[]> {
  const { results } = await db
    .prepare(`SELECT ${ANSWER_COLUMNS} FROM answers WHERE stale = 1 ORDER BY invitation_id LIMIT ?1`)
    .bind(limit)
    .all<AnswerRow>();
  return results.map(toPage);
}
