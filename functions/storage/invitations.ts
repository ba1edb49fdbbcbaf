import type { Locale } from "../i18n/locales";
import { SURVEY_COLUMNS, surveyFromRow, type StoredSurvey, type SurveyRow } from "./surveys";

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

/** One invitation as a statement, for a batch that must write it together with more (server-side ingestion). */
export function insertInvitationStatement(db: D1Database, surveyId: string, invitation: NewInvitation, createdAt: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
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

export async function getInvitation(db: D1Database, id: string): Promise<Invitation | null> {
  const row = await db.prepare(SELECT_INVITATION).bind(id).first<InvitationRow>();
  return row ? fromInvitationRow(row) : null;
}

/** An invitation and its survey in one round trip: the first thing every respondent request needs. */
export async function getInvitationWithSurvey(db: D1Database, id: string): Promise<{ invitation: Invitation; survey: StoredSurvey } | null> {
  const [invitations, surveys] = await db.batch<InvitationRow | SurveyRow>([
    db.prepare(SELECT_INVITATION).bind(id),
    db.prepare(`SELECT ${SURVEY_COLUMNS} FROM surveys WHERE id = (SELECT survey_id FROM invitations WHERE id = ?1)`).bind(id),
  ]);
  const invitation = invitations?.results[0] as InvitationRow | undefined;
  const survey = surveys?.results[0] as SurveyRow | undefined;
  return invitation && survey ? { invitation: fromInvitationRow(invitation), survey: surveyFromRow(survey) } : null;
}
