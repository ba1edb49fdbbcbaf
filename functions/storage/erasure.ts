/**
 * Erasing one person (functions/api/erasure.ts): every row that names them, across tables, goes in
 * one db.batch — D1's only transaction — together with the rollup touches that make the next tick
 * recompute the days their rows counted in, and an audit row that names no one. Nothing is read
 * before the batch, so a tap arriving meanwhile is either erased with the rest or kept whole.
 *
 * Suppressions stay: they hold an address, not a person, and an unsubscribe or a bounce must outlive
 * the data about whoever had it, or erasing someone would let Tapscore email them again.
 */

export interface ErasureCounts {
  invitations: number;
  responses: number;
  events: number;
  webhook_deliveries: number;
  sends: number;
}

export interface ErasureRequest {
  id: string;
  recipient: string;
  /** Limit to one survey; null erases the person everywhere. */
  surveyId: string | null;
  /** The API key that asked; null for the ADMIN_TOKEN. */
  requestedBy: string | null;
  now: number;
}

// ?1 recipient, ?2 survey or NULL: the person's invitations, by the invitations_by_recipient_only index.
const THEIR_INVITATIONS = "SELECT id FROM invitations WHERE recipient = ?1 AND (?2 IS NULL OR survey_id = ?2)";
// The same scope for the tables keyed by recipient and survey: their messages and recurring memberships.
const IN_SCOPE = "recipient = ?1 AND (?2 IS NULL OR survey_id = ?2)";

export async function eraseRecipient(db: D1Database, request: ErasureRequest): Promise<ErasureCounts> {
  const scope = [request.recipient, request.surveyId] as const;
  const results = await db.batch([
    // Counted before anything is deleted, inside the same transaction, so the audit row is exact.
    db
      .prepare(
        `INSERT INTO erasures (id, at, survey_id, requested_by, invitations, responses, events, webhook_deliveries, sends)
         SELECT ?3, ?4, ?2, ?5,
                (SELECT COUNT(*) FROM invitations WHERE recipient = ?1 AND (?2 IS NULL OR survey_id = ?2)),
                (SELECT COUNT(*) FROM responses WHERE invitation_id IN (${THEIR_INVITATIONS})),
                (SELECT COALESCE(SUM(json_array_length(events)), 0) FROM answers WHERE invitation_id IN (${THEIR_INVITATIONS})),
                (SELECT COUNT(*) FROM webhook_deliveries WHERE invitation_id IN (${THEIR_INVITATIONS})),
                (SELECT COUNT(*) FROM sends WHERE ${IN_SCOPE})`,
      )
      .bind(...scope, request.id, request.now, request.requestedBy),
    // One touch per day a deleted row counted in: the response's and the invitation's creation time.
    db
      .prepare(
        `INSERT INTO rollup_touches (survey_id, at)
         SELECT survey_id, created_at FROM responses WHERE invitation_id IN (${THEIR_INVITATIONS})
         UNION SELECT survey_id, created_at FROM invitations WHERE recipient = ?1 AND (?2 IS NULL OR survey_id = ?2)`,
      )
      .bind(...scope),
    // Queued and logged webhook bodies name the person and quote their comment.
    db.prepare(`DELETE FROM webhook_deliveries WHERE invitation_id IN (${THEIR_INVITATIONS})`).bind(...scope),
    // Stored answers to server-side ingestion repeat the response.
    db.prepare(`DELETE FROM idempotency_keys WHERE invitation_id IN (${THEIR_INVITATIONS})`).bind(...scope),
    // Messages hold the address and the name they were written with; they reference the invitations, so go first.
    db.prepare(`DELETE FROM sends WHERE ${IN_SCOPE}`).bind(...scope),
    db.prepare(`DELETE FROM survey_members WHERE ${IN_SCOPE}`).bind(...scope),
    // The person's own row only when erased everywhere: limited to one survey, the others still ask them.
    db.prepare("DELETE FROM people WHERE recipient = ?1 AND ?2 IS NULL").bind(...scope),
    // Their answers: the events and the responses made from them.
    db.prepare(`DELETE FROM answers WHERE invitation_id IN (${THEIR_INVITATIONS})`).bind(...scope),
    db.prepare("DELETE FROM invitations WHERE recipient = ?1 AND (?2 IS NULL OR survey_id = ?2)").bind(...scope),
    db.prepare("SELECT invitations, responses, events, webhook_deliveries, sends FROM erasures WHERE id = ?1").bind(request.id),
  ]);
  const counts = results.at(-1)?.results[0] as ErasureCounts | undefined;
  return counts ?? { invitations: 0, responses: 0, events: 0, webhook_deliveries: 0, sends: 0 };
}
