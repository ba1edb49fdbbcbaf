import { env } from "cloudflare:test";

/** Hand-made rows for the tables the people tests read, written with SQL as the sender would leave them. */

export interface SendRow {
  id: string;
  survey_id: string;
  recipient: string;
  email: string;
  invitation_id?: string | null;
  kind?: "invitation" | "reminder" | "recurring";
  status: "scheduled" | "sending" | "sent" | "failed" | "suppressed" | "cancelled";
  send_at: number;
  sent_at?: number | null;
}

export async function insertSend(row: SendRow): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO sends (id, survey_id, invitation_id, recipient, email, kind, status, send_at, attempts, origin, created_at, updated_at, sent_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 'http://tapscore.test', ?8, ?8, ?9)`,
  )
    .bind(row.id, row.survey_id, row.invitation_id ?? null, row.recipient, row.email, row.kind ?? "invitation", row.status, row.send_at, row.sent_at ?? null)
    .run();
}

export async function insertMember(surveyId: string, recipient: string, nextSendAt: number): Promise<void> {
  await env.DB.prepare("INSERT INTO survey_members (survey_id, recipient, enrolled_at, next_send_at) VALUES (?1, ?2, ?3, ?4)")
    .bind(surveyId, recipient, nextSendAt - 86_400_000, nextSendAt)
    .run();
}

/** A response row for an invitation, with the status the counting rule would have given it. */
export async function insertResponse(invitationId: string, surveyId: string, status: "counted" | "suspected" | "excluded", at: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO answers (invitation_id, survey_id, events, version, score, comment, status, reason, override, created_at, updated_at, event_seq)
     VALUES (?1, ?2, '[]', 1, 4, NULL, ?3, 'tap', NULL, ?4, ?4, 0)`,
  )
    .bind(invitationId, surveyId, status, at)
    .run();
}

export const count = async (sql: string, ...bindings: unknown[]): Promise<number> =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${sql}`).bind(...bindings).first<{ n: number }>())!.n;
