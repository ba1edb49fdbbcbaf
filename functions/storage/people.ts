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

/**
 * A person with what Tapscore knows of their messages and answers, read from sends, responses and
 * members, and whether their address is suppressed (by reason).
 */
export interface PersonView extends Person {
  last_sent_at: number | null;
  last_responded_at: number | null;
  next_send_at: number | null;
  unsubscribed: boolean;
  bounced: boolean;
  complained: boolean;
}

/** A person as the API writes one: an absent field keeps what is stored, null clears it. */
export interface PersonWrite {
  recipient: string;
  email?: string | null | undefined;
  name?: string | null | undefined;
  locale?: Locale | null | undefined;
  timezone?: string | null | undefined;
  /** Merged into the stored ones. */
  properties?: Record<string, string> | undefined;
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
     UNION ALL SELECT MIN(m.next_send_at) FROM survey_members m WHERE m.recipient = p.recipient)) AS next_send_at,
  EXISTS (SELECT 1 FROM suppressions x WHERE x.email = lower(trim(p.email)) AND x.reason = 'unsubscribed') AS unsubscribed,
  EXISTS (SELECT 1 FROM suppressions x WHERE x.email = lower(trim(p.email)) AND x.reason = 'bounced') AS bounced,
  EXISTS (SELECT 1 FROM suppressions x WHERE x.email = lower(trim(p.email)) AND x.reason = 'complained') AS complained`;

type DerivedRow = PersonRow & Pick<PersonView, "last_sent_at" | "last_responded_at" | "next_send_at"> & { unsubscribed: 0 | 1; bounced: 0 | 1; complained: 0 | 1 };

const viewFromRow = ({ last_sent_at, last_responded_at, next_send_at, unsubscribed, bounced, complained, ...row }: DerivedRow): PersonView => ({
  ...fromRow(row),
  last_sent_at,
  last_responded_at,
  next_send_at,
  unsubscribed: unsubscribed === 1,
  bounced: bounced === 1,
  complained: complained === 1,
});

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
  const row = await db.prepare(`SELECT ${COLUMNS}, ${DERIVED} FROM people p WHERE p.recipient = ?1`).bind(recipient).first<DerivedRow>();
  return row ? viewFromRow(row) : null;
}

/** These recipients with what is derived about them, in one query; unknown ones are absent from the map. */
export async function getPersonViews(db: D1Database, recipients: readonly string[]): Promise<Map<string, PersonView>> {
  if (recipients.length === 0) return new Map();
  const { results } = await db
    .prepare(`SELECT ${COLUMNS}, ${DERIVED} FROM people p WHERE p.recipient IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify([...new Set(recipients)]))
    .all<DerivedRow>();
  return new Map(results.map((row) => [row.recipient, viewFromRow(row)]));
}

/** One page of people by recipient, after the cursor (the last recipient of the previous page). */
export async function listPeopleViews(db: D1Database, options: { after: string | null; limit: number; email: string | null }): Promise<PersonView[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS}, ${DERIVED} FROM people p
       WHERE (?1 IS NULL OR p.recipient > ?1) AND (?3 IS NULL OR lower(trim(p.email)) = lower(trim(?3)))
       ORDER BY p.recipient LIMIT ?2`,
    )
    .bind(options.after, options.limit, options.email)
    .all<DerivedRow>();
  return results.map(viewFromRow);
}

/**
 * Creates or updates one person from the API: unlike upsertPeopleStatement, a field given as null
 * clears what is stored, and only a field left out keeps it. ?8 lists the fields given.
 */
export async function savePerson(db: D1Database, person: PersonWrite, now: number): Promise<void> {
  const given = (["email", "name", "locale", "timezone"] as const).filter((field) => person[field] !== undefined);
  const keep = (field: string) => `${field} = CASE WHEN '${field}' IN (SELECT value FROM json_each(?8)) THEN excluded.${field} ELSE people.${field} END`;
  await db
    .prepare(
      `INSERT INTO people (recipient, email, name, locale, timezone, properties, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, json(?6), ?7, ?7)
       ON CONFLICT (recipient) DO UPDATE SET
         ${keep("email")}, ${keep("name")}, ${keep("locale")}, ${keep("timezone")},
         properties = json_patch(people.properties, excluded.properties),
         updated_at = excluded.updated_at`,
    )
    .bind(
      person.recipient,
      person.email ?? null,
      person.name ?? null,
      person.locale ?? null,
      person.timezone ?? null,
      JSON.stringify(person.properties ?? {}),
      now,
      JSON.stringify(given),
    )
    .run();
}

/** Who has this address (compared without case), oldest first: the Delighted API names people by it. */
export async function recipientsWithEmail(db: D1Database, email: string): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT recipient FROM people WHERE lower(trim(email)) = lower(trim(?1)) ORDER BY created_at, recipient`)
    .bind(email)
    .all<{ recipient: string }>();
  return results.map((row) => row.recipient);
}

/** A keyset position in the people by creation: the last person of the page before. */
export interface PersonPosition {
  created_at: number;
  recipient: string;
}

/**
 * One page of people by creation time, then recipient, after a position; created between `since` and
 * `until` (epoch ms, both inclusive) and with an address when asked.
 */
export async function listPeopleByCreation(
  db: D1Database,
  options: { after: PersonPosition | null; since: number | null; until: number | null; email: string | null; limit: number },
): Promise<PersonView[]> {
  const { results } = await db
    .prepare(
      `SELECT ${COLUMNS}, ${DERIVED} FROM people p
       WHERE (?1 IS NULL OR p.created_at > ?1 OR (p.created_at = ?1 AND p.recipient > ?2))
         AND (?3 IS NULL OR p.created_at >= ?3) AND (?4 IS NULL OR p.created_at <= ?4)
         AND (?5 IS NULL OR lower(trim(p.email)) = lower(trim(?5)))
       ORDER BY p.created_at, p.recipient LIMIT ?6`,
    )
    .bind(options.after?.created_at ?? null, options.after?.recipient ?? "", options.since, options.until, options.email, options.limit)
    .all<DerivedRow>();
  return results.map(viewFromRow);
}
