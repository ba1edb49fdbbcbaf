import type { Scope } from "../security/scopes";

/** The `api_keys` table: every SQL statement that touches it lives here. */

export interface ApiKeyRecord {
  id: string;
  name: string;
  scopes: Scope[];
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  /** A Delighted-style key's survey (functions/delighted/); null for Tapscore's own keys. */
  delighted_survey: string | null;
}

interface ApiKeyRow {
  id: string;
  name: string;
  scopes: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  delighted_survey: string | null;
}

const fromRow = ({ secret_hash: _hash, ...row }: ApiKeyRow): ApiKeyRecord => ({ ...row, scopes: JSON.parse(row.scopes) as Scope[] });

export async function insertApiKey(
  db: D1Database,
  key: { id: string; name: string; scopes: Scope[]; secretHash: string; delightedSurvey: string | null },
  now: number,
): Promise<void> {
  await db
    .prepare("INSERT INTO api_keys (id, name, scopes, secret_hash, created_at, delighted_survey) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
    .bind(key.id, key.name, JSON.stringify(key.scopes), key.secretHash, now, key.delightedSurvey)
    .run();
}

/** The active key with this id and its stored hash, for authentication. */
export async function findActiveApiKey(db: D1Database, id: string): Promise<(ApiKeyRecord & { secretHash: string }) | null> {
  const row = await db
    .prepare("SELECT id, name, scopes, secret_hash, created_at, last_used_at, revoked_at, delighted_survey FROM api_keys WHERE id = ?1 AND revoked_at IS NULL")
    .bind(id)
    .first<ApiKeyRow>();
  return row ? { ...fromRow(row), secretHash: row.secret_hash } : null;
}

/** Records use at most once a minute per key, so a busy key does not write on every request. */
export async function touchApiKey(db: D1Database, id: string, now: number): Promise<void> {
  await db
    .prepare("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1 AND (last_used_at IS NULL OR last_used_at < ?2 - 60000)")
    .bind(id, now)
    .run();
}

export async function listApiKeys(db: D1Database): Promise<ApiKeyRecord[]> {
  const { results } = await db
    .prepare("SELECT id, name, scopes, secret_hash, created_at, last_used_at, revoked_at, delighted_survey FROM api_keys ORDER BY created_at, id")
    .all<ApiKeyRow>();
  return results.map(fromRow);
}

/** Revokes a key; answers false when no active key has that id. */
export async function revokeApiKey(db: D1Database, id: string, now: number): Promise<boolean> {
  const result = await db.prepare("UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL").bind(id, now).run();
  return result.meta.changes === 1;
}
