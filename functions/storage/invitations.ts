import type { Locale } from "../i18n/locales";
import { SURVEY_COLUMNS, surveyFromRow, type StoredSurvey, type SurveyRow } from "./surveys";
import type { D1Reads } from "./reads";
import { answerOf, answerStatement, type StoredAnswer } from "./answers";

/** The `invitations` table: every SQL statement that touches it lives here. */

export interface NewInvitation {
  id: string;
  recipient: string;
  email: string | null;
  locale: Locale | null;
  properties: Record<string, string>;
  expires_at: number;
}

export interface Invitation extends NewInvitation {
  survey_id: string;
  created_at: number;
}

interface InvitationRow extends Omit<Invitation, "properties"> {
  properties: string;
}

export const fromInvitationRow = (row: InvitationRow): Invitation => ({
  ...row,
  properties: JSON.parse(row.properties) as Record<string, string>,
});

/** Which of these recipients this survey invited at or after `since`, in one query. */
export async function recentlyInvited(db: D1Database, surveyId: string, recipients: string[], since: number): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT recipient FROM invitations
       WHERE survey_id = ?1 AND created_at >= ?2 AND recipient IN (SELECT value FROM json_each(?3))`,
    )
    .bind(surveyId, since, JSON.stringify(recipients))
    .all<{ recipient: string }>();
  return new Set(results.map((r) => r.recipient));
}

/** Inserts a whole batch in one statement: the rows travel as one JSON parameter. */
export async function insertInvitations(db: D1Database, surveyId: string, invitations: NewInvitation[], now: number): Promise<void> {
  if (invitations.length === 0) return;
  await insertInvitationsStatement(db, surveyId, invitations, now).run();
}

/** The same batch insert as a statement, for a db.batch that writes it together with more (survey emails). */
export function insertInvitationsStatement(db: D1Database, surveyId: string, invitations: NewInvitation[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at)
       SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.recipient'), json_extract(value, '$.email'),
              json_extract(value, '$.locale'), json_extract(value, '$.properties'), ?2, json_extract(value, '$.expires_at')
       FROM json_each(?3)`,
    )
    .bind(surveyId, now, JSON.stringify(invitations));
}

/**
 * The invitation of an answer that came without one (server-side ingestion, an import), as a statement
 * for the batch that writes the answer too. Marked ingested: the response rate counts its answer as an
 * answer, never it as an invitation.
 */
export function insertIngestedInvitationStatement(db: D1Database, surveyId: string, invitation: NewInvitation, createdAt: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at, ingested)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)`,
    )
    .bind(
      invitation.id,
      surveyId,
      invitation.recipient,
      invitation.email,
      invitation.locale,
      JSON.stringify(invitation.properties),
      createdAt,
      invitation.expires_at,
    );
}

export const SELECT_INVITATION = "SELECT id, survey_id, recipient, email, locale, properties, created_at, expires_at FROM invitations WHERE id = ?1";

export async function getInvitation(db: D1Reads, id: string): Promise<Invitation | null> {
  const row = await db.prepare(SELECT_INVITATION).bind(id).first<InvitationRow>();
  return row ? fromInvitationRow(row) : null;
}

/** The statements that read an invitation and its survey, for a caller's batch; `withSurvey` reads their results. */
const invitationAndSurvey = (db: D1Reads, id: string) => [
  db.prepare(SELECT_INVITATION).bind(id),
  db.prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys WHERE id = (SELECT survey_id FROM invitations WHERE id = ?1)`).bind(id),
];

function withSurvey(invitations: D1Result | undefined, surveys: D1Result | undefined): { invitation: Invitation; survey: StoredSurvey } | null {
  const invitation = invitations?.results[0] as InvitationRow | undefined;
  const survey = surveys?.results[0] as SurveyRow | undefined;
  return invitation && survey ? { invitation: fromInvitationRow(invitation), survey: surveyFromRow(survey) } : null;
}

/** An invitation and its survey in one round trip (unsubscribing, sending); a link's request reads `linkTarget`. */
export async function getInvitationWithSurvey(db: D1Reads, id: string): Promise<{ invitation: Invitation; survey: StoredSurvey } | null> {
  const [invitations, surveys] = await db.batch(invitationAndSurvey(db, id));
  return withSurvey(invitations, surveys);
}

/** What a link names, in one round trip: the invitation, its survey, and its answer so far (to decide a tap from). */
export async function linkTarget(db: D1Reads, id: string): Promise<{ invitation: Invitation; survey: StoredSurvey; answer: StoredAnswer } | null> {
  const [invitations, surveys, answer] = await db.batch([...invitationAndSurvey(db, id), answerStatement(db, id)]);
  const found = withSurvey(invitations, surveys);
  return found && { ...found, answer: answerOf(answer) };
}

/** Where an invitation came from: the API, the sender or an import (`invitation`), or a template link's first tap. */
export const INVITATION_SOURCES = ["invitation", "template"] as const;
export type InvitationSource = (typeof INVITATION_SOURCES)[number];

/**
 * A template link's invitation for (survey, recipient id): this one inserted, or the one an earlier tap
 * made. One batch, so concurrent first taps cannot make two: the partial unique index
 * invitations_by_template_recipient lets one insert win and the others do nothing.
 */
export async function templateInvitation(db: D1Database, surveyId: string, invitation: NewInvitation, now: number): Promise<{ invitation: Invitation; created: boolean }> {
  const [, selected] = await db.batch<InvitationRow>([
    db
      .prepare(
        `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'template')
         ON CONFLICT (survey_id, recipient) WHERE source = 'template' DO NOTHING`,
      )
      .bind(invitation.id, surveyId, invitation.recipient, invitation.email, invitation.locale, JSON.stringify(invitation.properties), now, invitation.expires_at),
    db
      .prepare(
        `SELECT id, survey_id, recipient, email, locale, properties, created_at, expires_at FROM invitations
         WHERE survey_id = ?1 AND recipient = ?2 AND source = 'template'`,
      )
      .bind(surveyId, invitation.recipient),
  ]);
  const row = selected?.results[0];
  if (!row) throw new Error("The template invitation was neither inserted nor found.");
  const found = fromInvitationRow(row);
  return { invitation: found, created: found.id === invitation.id };
}
