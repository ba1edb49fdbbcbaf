/** The `idempotency_keys` table: every SQL statement that touches it lives here. */

export interface StoredIdempotencyKey {
  requestHash: string;
  /** The answer given the first time, as JSON text. */
  response: string;
}

export async function findIdempotencyKey(db: D1Database, scope: string, key: string): Promise<StoredIdempotencyKey | null> {
  return db
    .prepare("SELECT request_hash AS requestHash, response FROM idempotency_keys WHERE scope = ?1 AND key = ?2")
    .bind(scope, key)
    .first<StoredIdempotencyKey>();
}

/**
 * A plain INSERT on purpose: put first in the batch that causes the effect, a key that already
 * exists fails the statement and so rolls back the whole batch — a concurrent retry does nothing.
 */
export function insertIdempotencyKey(
  db: D1Database,
  row: { scope: string; key: string; requestHash: string; invitationId: string; response: string; now: number },
): D1PreparedStatement {
  return db
    .prepare("INSERT INTO idempotency_keys (scope, key, request_hash, invitation_id, response, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(row.scope, row.key, row.requestHash, row.invitationId, row.response, row.now);
}
