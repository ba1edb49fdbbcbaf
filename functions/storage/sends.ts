import type { Locale } from "../i18n/locales";

/** The `sends` table: every SQL statement that touches it lives here. */

/**
 * scheduled: waits for its send_at; sending: a cron run holds it under a lease; sent: Email Service took it;
 * failed: given up (a permanent error, or transient ones past the last attempt); suppressed: never sent,
 * the address is unsubscribed or bounced; cancelled: called off before it left (by the API, or a reminder
 * whose invitation was answered meanwhile).
 */
export const SEND_STATUSES = ["scheduled", "sending", "sent", "failed", "suppressed", "cancelled"] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export const SEND_KINDS = ["invitation", "reminder", "recurring"] as const;
export type SendKind = (typeof SEND_KINDS)[number];

/** The texts a message is rendered from (sending/message.ts), kept as they were when it was sent. */
export interface SendContent {
  from: { email: string; name: string };
  reply_to: string | null;
  subject: string;
  intro: string;
  locale: Locale;
  name: string | null;
}

export interface SendRecord {
  id: string;
  survey_id: string;
  invitation_id: string | null;
  recipient: string;
  email: string;
  kind: SendKind;
  status: SendStatus;
  send_at: number;
  attempts: number;
  lease_until: number | null;
  error: string | null;
  message_id: string | null;
  origin: string;
  content: SendContent | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** A message as scheduled: the fields a new row is given; the rest start empty. */
export interface NewSend extends Pick<SendRecord, "id" | "survey_id" | "invitation_id" | "recipient" | "email" | "kind" | "send_at" | "origin" | "error"> {
  status: "scheduled" | "suppressed";
}

interface SendRow extends Omit<SendRecord, "content"> {
  content: string | null;
}

const COLUMNS =
  "id, survey_id, invitation_id, recipient, email, kind, status, send_at, attempts, lease_until, error, message_id, origin, content, created_at, updated_at, sent_at";

const fromRow = (row: SendRow): SendRecord => ({ ...row, content: row.content === null ? null : (JSON.parse(row.content) as SendContent) });

export const newSendId = (): string => `snd_${crypto.randomUUID().replaceAll("-", "")}`;

/** Inserts a whole batch in one statement (the rows travel as one JSON parameter), for a db.batch with the invitations. */
export function insertSendsStatement(db: D1Database, sends: NewSend[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO sends (id, survey_id, invitation_id, recipient, email, kind, status, send_at, attempts, origin, error, created_at, updated_at)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.survey_id'), json_extract(value, '$.invitation_id'),
              json_extract(value, '$.recipient'), json_extract(value, '$.email'), json_extract(value, '$.kind'),
              json_extract(value, '$.status'), json_extract(value, '$.send_at'), 0, json_extract(value, '$.origin'),
              json_extract(value, '$.error'), ?1, ?1
       FROM json_each(?2)`,
    )
    .bind(now, JSON.stringify(sends));
}

export async function getSend(db: D1Database, id: string): Promise<SendRecord | null> {
  const row = await db.prepare(`SELECT ${COLUMNS} FROM sends WHERE id = ?1`).bind(id).first<SendRow>();
  return row ? fromRow(row) : null;
}

/** One page of sends, newest first, after the cursor (the previous page's last created_at and id). */
export async function listSends(
  db: D1Database,
  options: { surveyId: string | null; status: SendStatus | null; before: { created_at: number; id: string } | null; limit: number },
): Promise<SendRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS} FROM sends
       WHERE (?1 IS NULL OR survey_id = ?1) AND (?2 IS NULL OR status = ?2)
         AND (?3 IS NULL OR created_at < ?3 OR (created_at = ?3 AND id < ?4))
       ORDER BY created_at DESC, id DESC LIMIT ?5`,
    )
    .bind(options.surveyId, options.status, options.before?.created_at ?? null, options.before?.id ?? "", options.limit)
    .all<SendRow>();
  return results.map(fromRow);
}

/**
 * Takes up to `limit` due messages for one run: scheduled ones whose time has come, and ones a run took
 * but never finished (its lease ran out). One statement, so two overlapping runs never take the same
 * message: D1 runs statements one at a time, and the second run's subquery no longer sees the first's.
 */
export async function leaseDueSends(db: D1Database, options: { now: number; leaseUntil: number; limit: number }): Promise<SendRecord[]> {
  const { results } = await db
    .prepare(
      `UPDATE sends SET status = 'sending', lease_until = ?2, attempts = attempts + 1, updated_at = ?1
       WHERE id IN (
         SELECT id FROM sends
         WHERE (status = 'scheduled' AND send_at <= ?1) OR (status = 'sending' AND lease_until < ?1)
         ORDER BY send_at, id LIMIT ?3)
       RETURNING ${COLUMNS}`,
    )
    .bind(options.now, options.leaseUntil, options.limit)
    .all<SendRow>();
  return results.map(fromRow).sort((a, b) => a.send_at - b.send_at || (a.id < b.id ? -1 : 1));
}

// Every change after the lease holds only while this run still owns the message (status sending, its lease).
const OWNED = "id = ?1 AND status = 'sending' AND lease_until = ?2";

/** Email Service took it: its id, when, and the texts it was rendered from. */
export function markSentStatement(
  db: D1Database,
  send: Pick<SendRecord, "id" | "lease_until">,
  sent: { message_id: string | null; sent_at: number; content: SendContent },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE sends SET status = 'sent', message_id = ?3, sent_at = ?4, content = ?5, error = NULL, lease_until = NULL, updated_at = ?4
       WHERE ${OWNED}`,
    )
    .bind(send.id, send.lease_until, sent.message_id, sent.sent_at, JSON.stringify(sent.content));
}

/** A transient failure: due again at the next attempt's time, with the failure's code. */
export function rescheduleSendStatement(
  db: D1Database,
  send: Pick<SendRecord, "id" | "lease_until">,
  next: { send_at: number; error: string; now: number },
): D1PreparedStatement {
  return db
    .prepare(`UPDATE sends SET status = 'scheduled', send_at = ?3, error = ?4, lease_until = NULL, updated_at = ?5 WHERE ${OWNED}`)
    .bind(send.id, send.lease_until, next.send_at, next.error, next.now);
}

/** Ends a message this run holds without sending it: failed, suppressed or cancelled, with why. */
export function finishUnsentStatement(
  db: D1Database,
  send: Pick<SendRecord, "id" | "lease_until">,
  end: { status: "failed" | "suppressed" | "cancelled"; error: string | null; now: number },
): D1PreparedStatement {
  return db
    .prepare(`UPDATE sends SET status = ?3, error = ?4, lease_until = NULL, updated_at = ?5 WHERE ${OWNED}`)
    .bind(send.id, send.lease_until, end.status, end.error, end.now);
}

/**
 * Puts messages a run took back as they were, the attempt it counted undone: a quota was reached (not
 * the message's fault), or the run stopped before their turn. `error` says why they wait (or keeps the last).
 */
export async function releaseSends(
  db: D1Database,
  sends: Pick<SendRecord, "id" | "lease_until">[],
  options: { error: string | null; now: number },
): Promise<void> {
  if (sends.length === 0) return;
  await db
    .prepare(
      `UPDATE sends SET status = 'scheduled', attempts = MAX(attempts - 1, 0), lease_until = NULL, error = COALESCE(?2, error), updated_at = ?3
       WHERE status = 'sending' AND EXISTS (
         SELECT 1 FROM json_each(?1) WHERE json_extract(value, '$.id') = sends.id AND json_extract(value, '$.lease_until') = sends.lease_until)`,
    )
    .bind(JSON.stringify(sends.map((s) => ({ id: s.id, lease_until: s.lease_until }))), options.error, options.now)
    .run();
}

/** Cancels a message only while it is still scheduled; the send as it now is, or null when it was not. */
export async function cancelSend(db: D1Database, id: string, now: number): Promise<SendRecord | null> {
  const row = await db
    .prepare(`UPDATE sends SET status = 'cancelled', error = NULL, updated_at = ?2 WHERE id = ?1 AND status = 'scheduled' RETURNING ${COLUMNS}`)
    .bind(id, now)
    .first<SendRow>();
  return row ? fromRow(row) : null;
}

/**
 * The throttle across surveys: when each of these recipients has a message scheduled, leaving or sent
 * between `from` and `to` (failed, suppressed and cancelled ones never reached them).
 */
export async function sendTimesBetween(db: D1Database, recipients: string[], from: number, to: number): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>();
  if (recipients.length === 0) return times;
  const { results } = await db
    .prepare(
      `SELECT recipient, send_at FROM sends
       WHERE recipient IN (SELECT value FROM json_each(?1)) AND send_at > ?2 AND send_at < ?3
         AND status IN ('scheduled', 'sending', 'sent')`,
    )
    .bind(JSON.stringify(recipients), from, to)
    .all<{ recipient: string; send_at: number }>();
  for (const { recipient, send_at } of results) times.set(recipient, [...(times.get(recipient) ?? []), send_at]);
  return times;
}

/** Which of these invitations have a counted response: a reminder to them would ask someone who answered. */
export async function answeredInvitations(db: D1Database, invitationIds: string[]): Promise<Set<string>> {
  if (invitationIds.length === 0) return new Set();
  const { results } = await db
    .prepare(`SELECT invitation_id FROM responses WHERE invitation_id IN (SELECT value FROM json_each(?1)) AND status = 'counted'`)
    .bind(JSON.stringify(invitationIds))
    .all<{ invitation_id: string }>();
  return new Set(results.map((r) => r.invitation_id));
}

/** Notes on every due message why it still waits (no sender configured), without taking or changing it otherwise. */
export async function noteDueSendsWaiting(db: D1Database, error: string, now: number): Promise<number> {
  const result = await db
    .prepare(`UPDATE sends SET error = ?1, updated_at = ?2 WHERE status = 'scheduled' AND send_at <= ?2 AND error IS NOT ?1`)
    .bind(error, now)
    .run();
  return result.meta.changes;
}

/** Calls off a survey's messages to an address that are still scheduled (compared without case); how many. */
export async function cancelScheduledSendsTo(db: D1Database, options: { surveyId: string; email: string; now: number }): Promise<number> {
  const result = await db
    .prepare(
      `UPDATE sends SET status = 'cancelled', error = NULL, updated_at = ?3
       WHERE survey_id = ?1 AND status = 'scheduled' AND lower(trim(email)) = lower(trim(?2))`,
    )
    .bind(options.surveyId, options.email, options.now)
    .run();
  return result.meta.changes;
}
