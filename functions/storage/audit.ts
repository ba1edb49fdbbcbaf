/** The `audit_log` table: one line per change made through the manage pages. */

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export async function appendAudit(db: D1Database, entry: AuditEntry): Promise<void> {
  await db
    .prepare("INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)")
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail)
    .run();
}

/** Newest first; `before` is the id of the last line of the page before. */
export async function listAudit(db: D1Database, options: { before: number | null; limit: number }): Promise<{ entries: AuditRecord[]; next: number | null }> {
  const { results } = await db
    .prepare("SELECT id, at, actor, action, subject, detail FROM audit_log WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2")
    .bind(options.before, options.limit + 1)
    .all<AuditRecord>();
  const entries = results.slice(0, options.limit);
  return { entries, next: results.length > options.limit ? (entries.at(-1)?.id ?? null) : null };
}
