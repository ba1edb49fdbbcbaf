import type { Locale } from "../i18n/locales";
import type { PersonInput } from "./people";

/** The `survey_members` table: every SQL statement that touches it lives here. */

export interface MemberRecord {
  survey_id: string;
  recipient: string;
  /** The person's address and name as stored in people; null when unknown. */
  email: string | null;
  name: string | null;
  enrolled_at: number;
  next_send_at: number;
}

export interface NewMember {
  recipient: string;
  next_send_at: number;
}

/** A member whose next message is due, with what the cron needs to schedule it. */
export interface DueMember extends PersonInput {
  survey_id: string;
  /** The latest message of this survey to them by any path (invitation or recurring; scheduled, leaving or sent): sent_at, else send_at. */
  last_send_at: number | null;
}

/** A member with a message of their survey sent since some time: when it left. */
export interface RecentlySentMember {
  survey_id: string;
  recipient: string;
  timezone: string | null;
  next_send_at: number;
  sent_at: number;
}

export interface NextSendAt {
  survey_id: string;
  recipient: string;
  next_send_at: number;
}

const MEMBER_COLUMNS = "m.survey_id, m.recipient, p.email, p.name, m.enrolled_at, m.next_send_at";

// The messages that ask again: a reminder belongs to the message it follows and moves no recurrence.
const ASKING_KINDS = "('invitation', 'recurring')";

/**
 * Enrolls people in one statement; someone already a member keeps their enrollment and next_send_at,
 * so enrolling a list twice never moves anybody's next message.
 */
export function enrollMembersStatement(db: D1Database, surveyId: string, members: NewMember[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO survey_members (survey_id, recipient, enrolled_at, next_send_at)
       SELECT ?1, json_extract(value, '$.recipient'), ?2, json_extract(value, '$.next_send_at') FROM json_each(?3) WHERE true
       ON CONFLICT (survey_id, recipient) DO NOTHING`,
    )
    .bind(surveyId, now, JSON.stringify(members));
}

/** These recipients' memberships of one survey; non-members are absent from the map. */
export async function getMembers(db: D1Database, surveyId: string, recipients: string[]): Promise<Map<string, MemberRecord>> {
  if (recipients.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT ${MEMBER_COLUMNS} FROM survey_members m LEFT JOIN people p ON p.recipient = m.recipient
       WHERE m.survey_id = ?1 AND m.recipient IN (SELECT value FROM json_each(?2))`,
    )
    .bind(surveyId, JSON.stringify(recipients))
    .all<MemberRecord>();
  return new Map(results.map((row) => [row.recipient, row]));
}

/** True when they were a member. */
export async function removeMember(db: D1Database, surveyId: string, recipient: string): Promise<boolean> {
  const result = await db.prepare("DELETE FROM survey_members WHERE survey_id = ?1 AND recipient = ?2").bind(surveyId, recipient).run();
  return result.meta.changes > 0;
}

/** One page of a survey's members by recipient, after the cursor (the previous page's last recipient). */
export async function listMembers(db: D1Database, surveyId: string, options: { after: string | null; limit: number }): Promise<MemberRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT ${MEMBER_COLUMNS} FROM survey_members m LEFT JOIN people p ON p.recipient = m.recipient
       WHERE m.survey_id = ?1 AND (?2 IS NULL OR m.recipient > ?2)
       ORDER BY m.recipient LIMIT ?3`,
    )
    .bind(surveyId, options.after, options.limit)
    .all<MemberRecord>();
  return results;
}

/** Whether any member's next message is due. */
export async function anyMemberDue(db: D1Database, now: number): Promise<boolean> {
  return (await db.prepare("SELECT 1 AS due FROM survey_members WHERE next_send_at <= ?1 LIMIT 1").bind(now).first<{ due: number }>()) !== null;
}

interface DueRow extends Omit<DueMember, "properties" | "locale"> {
  locale: string | null;
  properties: string | null;
}

/**
 * Takes up to `limit` due members for one run by moving their next_send_at to `leaseUntil`, in one
 * statement: two overlapping runs never take the same member. A run that dies before it sets the real
 * next time leaves them due again when the lease ends, and its scheduled message (if it got that far)
 * then counts as their last send.
 */
export async function claimDueMembers(db: D1Database, options: { now: number; leaseUntil: number; limit: number }): Promise<DueMember[]> {
  const { results: claimed } = await db
    .prepare(
      `UPDATE survey_members SET next_send_at = ?2
       WHERE (survey_id, recipient) IN (
         SELECT survey_id, recipient FROM survey_members WHERE next_send_at <= ?1 ORDER BY next_send_at LIMIT ?3)
       RETURNING survey_id, recipient`,
    )
    .bind(options.now, options.leaseUntil, options.limit)
    .all<{ survey_id: string; recipient: string }>();
  if (claimed.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT c.survey_id, c.recipient, p.email, p.name, p.locale, p.timezone, p.properties,
         (SELECT MAX(COALESCE(s.sent_at, s.send_at)) FROM sends s
          WHERE s.recipient = c.recipient AND s.survey_id = c.survey_id AND s.kind IN ${ASKING_KINDS}
            AND s.status IN ('scheduled', 'sending', 'sent')) AS last_send_at
       FROM (SELECT json_extract(value, '$.survey_id') AS survey_id, json_extract(value, '$.recipient') AS recipient FROM json_each(?1)) c
       LEFT JOIN people p ON p.recipient = c.recipient`,
    )
    .bind(JSON.stringify(claimed))
    .all<DueRow>();
  return results.map((row) => ({
    ...row,
    locale: row.locale as Locale | null,
    properties: row.properties === null ? {} : (JSON.parse(row.properties) as Record<string, string>),
  }));
}

/**
 * Members whose survey sent them a message that was due after `since` and has left after `since`, with
 * the latest such departure: their next message is reckoned from it. (Due after `since` keeps the scan
 * on the sends_due index.)
 */
export async function recentlySentMembers(db: D1Database, since: number): Promise<RecentlySentMember[]> {
  const { results } = await db
    .prepare(
      `SELECT m.survey_id, m.recipient, p.timezone, m.next_send_at, MAX(s.sent_at) AS sent_at
       FROM sends s
       JOIN survey_members m ON m.survey_id = s.survey_id AND m.recipient = s.recipient
       LEFT JOIN people p ON p.recipient = m.recipient
       WHERE s.status = 'sent' AND s.send_at > ?1 AND s.sent_at > ?1 AND s.kind IN ${ASKING_KINDS}
       GROUP BY m.survey_id, m.recipient`,
    )
    .bind(since)
    .all<RecentlySentMember>();
  return results;
}

/** Sets each member's next_send_at in one statement; a member removed meanwhile stays removed. */
export function setNextSendAtStatement(db: D1Database, updates: NextSendAt[]): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE survey_members SET next_send_at = (
         SELECT json_extract(value, '$.next_send_at') FROM json_each(?1)
         WHERE json_extract(value, '$.survey_id') = survey_members.survey_id AND json_extract(value, '$.recipient') = survey_members.recipient)
       WHERE (survey_id, recipient) IN (SELECT json_extract(value, '$.survey_id'), json_extract(value, '$.recipient') FROM json_each(?1))`,
    )
    .bind(JSON.stringify(updates));
}

export async function setNextSendAt(db: D1Database, updates: NextSendAt[]): Promise<void> {
  if (updates.length > 0) await setNextSendAtStatement(db, updates).run();
}

/** A member's next message of their survey that waits to leave: the send, and its invitation's properties. */
export interface PendingRequest {
  id: string;
  created_at: number;
  send_at: number;
  properties: Record<string, string>;
}

/** A membership with the person it belongs to and their next message of the survey, if one is scheduled. */
export interface Membership {
  recipient: string;
  enrolled_at: number;
  next_send_at: number;
  pending: PendingRequest | null;
}

interface MembershipRow {
  recipient: string;
  enrolled_at: number;
  next_send_at: number;
  pending_id: string | null;
  pending_created_at: number | null;
  pending_send_at: number | null;
  pending_properties: string | null;
}

/**
 * One page of a survey's memberships by recipient, after the cursor (the previous page's last
 * recipient), of people on file only; narrowed to one recipient, or to the people with one address
 * (without case). Reminders follow a message and are not a request of their own.
 */
export async function listMemberships(
  db: D1Database,
  surveyId: string,
  options: { after: string | null; recipient: string | null; email: string | null; limit: number },
): Promise<Membership[]> {
  const { results } = await db
    .prepare(
      `SELECT m.recipient, m.enrolled_at, m.next_send_at,
         s.id AS pending_id, s.created_at AS pending_created_at, s.send_at AS pending_send_at, i.properties AS pending_properties
       FROM survey_members m
       JOIN people p ON p.recipient = m.recipient
       LEFT JOIN sends s ON s.id = (
         SELECT s2.id FROM sends s2
         WHERE s2.survey_id = m.survey_id AND s2.recipient = m.recipient AND s2.status IN ('scheduled', 'sending') AND s2.kind IN ${ASKING_KINDS}
         ORDER BY s2.send_at, s2.id LIMIT 1)
       LEFT JOIN invitations i ON i.id = s.invitation_id
       WHERE m.survey_id = ?1 AND (?2 IS NULL OR m.recipient > ?2) AND (?3 IS NULL OR m.recipient = ?3)
         AND (?4 IS NULL OR lower(trim(p.email)) = lower(trim(?4)))
       ORDER BY m.recipient LIMIT ?5`,
    )
    .bind(surveyId, options.after, options.recipient, options.email, options.limit)
    .all<MembershipRow>();
  return results.map((row) => ({
    recipient: row.recipient,
    enrolled_at: row.enrolled_at,
    next_send_at: row.next_send_at,
    pending:
      row.pending_id === null || row.pending_created_at === null || row.pending_send_at === null
        ? null
        : {
            id: row.pending_id,
            created_at: row.pending_created_at,
            send_at: row.pending_send_at,
            properties: row.pending_properties === null ? {} : (JSON.parse(row.pending_properties) as Record<string, string>),
          },
  }));
}
