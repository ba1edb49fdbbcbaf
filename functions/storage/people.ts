import type { Locale } from "../i18n/locales";

/** The `people` table: every SQL statement that touches it lives here. */

export interface PersonInput {
  recipient: string;
  email: string | null;
  name: string | null;
  locale: Locale | null;
  timezone: string | null;
  properties: Record<string, string>;
}

export interface Person extends PersonInput {
  created_at: number;
  updated_at: number;
}

/** A person with what Tapscore knows of their messages and answers, read from sends, responses and members. */
export interface PersonView extends Person {
  last_sent_at: number | null;
  last_responded_at: number | null;
  next_send_at: number | null;
}

interface PersonRow extends Omit<Person, "properties" | "locale"> {
  locale: string | null;
  properties: string;
}

const COLUMNS = "p.recipient, p.email, p.name, p.locale, p.timezone, p.properties, p.created_at, p.updated_at";

// ?1 the person: their latest sent message, latest answer (counted or not: a person answered) and next message.
const DERIVED = `
  (SELECT MAX(s.sent_at) FROM sends s WHERE s.recipient = p.recipient AND s.status = 'sent') AS last_sent_at,
  (SELECT MAX(r.created_at) FROM responses r JOIN invitations i ON i.id = r.invitation_id
     WHERE i.recipient = p.recipient AND r.status = 'counted') AS last_responded_at,
  (SELECT MIN(t) FROM (
     SELECT MIN(s.send_at) AS t FROM sends s WHERE s.recipient = p.recipient AND s.status IN ('scheduled', 'sending')
     UNION ALL SELECT MIN(m.next_send_at) FROM survey_members m WHERE m.recipient = p.recipient)) AS next_send_at`;

const fromRow = (row: PersonRow): Person => ({
  ...row,
  locale: row.locale as Locale | null,
  properties: JSON.parse(row.properties) as Record<string, string>,
});

/**
 * Creates or updates people by recipient, in one statement. A field left null keeps what is stored
 * (an invitation that only brings an email does not erase a known name); properties are merged.
 */
export function upsertPeopleStatement(db: D1Database, people: PersonInput[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO people (recipient, email, name, locale, timezone, properties, created_at, updated_at)
       SELECT json_extract(value, '$.recipient'), json_extract(value, '$.email'), json_extract(value, '$.name'),
              json_extract(value, '$.locale'), json_extract(value, '$.timezone'), json(json_extract(value, '$.properties')), ?1, ?1
       FROM json_each(?2) WHERE true
       ON CONFLICT (recipient) DO UPDATE SET
         email = COALESCE(excluded.email, people.email),
         name = COALESCE(excluded.name, people.name),
         locale = COALESCE(excluded.locale, people.locale),
         timezone = COALESCE(excluded.timezone, people.timezone),
         properties = json_patch(people.properties, excluded.properties),
         updated_at = excluded.updated_at`,
    )
    .bind(now, JSON.stringify(people.map((p) => ({ ...p, properties: JSON.stringify(p.properties) }))));
}

export async function upsertPeople(db: D1Database, people: PersonInput[], now: number): Promise<void> {
  if (people.length > 0) await upsertPeopleStatement(db, people, now).run();
}

/** These recipients as stored, in one query; unknown ones are absent from the map. */
export async function getPeople(db: D1Database, recipients: string[]): Promise<Map<string, Person>> {
  if (recipients.length === 0) return new Map();
  const { results } = await db
    .prepare(`SELECT ${COLUMNS} FROM people p WHERE p.recipient IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(recipients))
    .all<PersonRow>();
  return new Map(results.map((row) => [row.recipient, fromRow(row)]));
}

export async function getPersonView(db: D1Database, recipient: string): Promise<PersonView | null> {
  const row = await db
    .prepare(`SELECT ${COLUMNS}, ${DERIVED} FROM people p WHERE p.recipient = ?1`)
    .bind(recipient)
    .first<PersonRow & Pick<PersonView, "last_sent_at" | "last_responded_at" | "next_send_at">>();
  return row ? { ...fromRow(row), last_sent_at: row.last_sent_at, last_responded_at: row.last_responded_at, next_send_at: row.next_send_at } : null;
}

/** One page of people by recipient, after the cursor (the last recipient of the previous page). */
export async function listPeopleViews(db: D1Database, options: { after: string | null; limit: number; email: string | null }): Promise<PersonView[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS}, ${DERIVED} FROM people p
       WHERE (?1 IS NULL OR p.recipient > ?1) AND (?3 IS NULL OR lower(p.email) = lower(?3))
       ORDER BY p.recipient LIMIT ?2`,
    )
    .bind(options.after, options.limit, options.email)
    .all<PersonRow & Pick<PersonView, "last_sent_at" | "last_responded_at" | "next_send_at">>();
  return results.map((row) => ({ ...fromRow(row), last_sent_at: row.last_sent_at, last_responded_at: row.last_responded_at, next_send_at: row.next_send_at }));
}
