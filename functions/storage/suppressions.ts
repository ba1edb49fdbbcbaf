/** The `suppressions` table: addresses never emailed again. Every SQL statement that touches it lives here. */

/** unsubscribed: the person asked; bounced and complained: the mail system said so (or the team did). */
export const SUPPRESSION_REASONS = ["unsubscribed", "bounced", "complained"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** link: the person's one-click or page; api: a team's call; platform: Email Service refused the address. */
export const SUPPRESSION_SOURCES = ["link", "api", "platform"] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

export interface Suppression {
  email: string;
  reason: SuppressionReason;
  source: SuppressionSource;
  survey_id: string | null;
  created_at: number;
}

/** Addresses are compared without case: the key is the lower-cased address. */
export const suppressionKey = (email: string): string => email.trim().toLowerCase();

/** Which of these addresses are suppressed, and why (unsubscribed before bounced, when both). */
export async function suppressedEmails(db: D1Database, emails: string[]): Promise<Map<string, SuppressionReason>> {
  if (emails.length === 0) return new Map();
  const { results } = await db
    .prepare(
      `SELECT email, reason FROM suppressions WHERE email IN (SELECT lower(trim(value)) FROM json_each(?1))
       ORDER BY CASE reason WHEN 'unsubscribed' THEN 0 WHEN 'bounced' THEN 1 ELSE 2 END DESC`,
    )
    .bind(JSON.stringify(emails))
    .all<{ email: string; reason: SuppressionReason }>();
  // Later rows win: ordered so the most telling reason comes last.
  return new Map(results.map((r) => [r.email, r.reason]));
}

/** Records a suppression; one already there keeps its first time and source. */
export function suppressStatement(db: D1Database, entry: Suppression): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (email, reason) DO NOTHING`,
    )
    .bind(suppressionKey(entry.email), entry.reason, entry.source, entry.survey_id, entry.created_at);
}

/** Records a suppression; true when it is new, false when the address already had this reason. */
export async function suppress(db: D1Database, entry: Suppression): Promise<boolean> {
  const result = await suppressStatement(db, entry).run();
  return result.meta.changes > 0;
}

/** One reason's record for an address, or null. */
export async function getSuppression(db: D1Database, email: string, reason: SuppressionReason): Promise<Suppression | null> {
  return db
    .prepare("SELECT email, reason, source, survey_id, created_at FROM suppressions WHERE email = ?1 AND reason = ?2")
    .bind(suppressionKey(email), reason)
    .first<Suppression>();
}

/** Lifts one reason for an address; true when there was one. */
export async function liftSuppression(db: D1Database, email: string, reason: SuppressionReason): Promise<boolean> {
  const result = await db.prepare("DELETE FROM suppressions WHERE email = ?1 AND reason = ?2").bind(suppressionKey(email), reason).run();
  return result.meta.changes > 0;
}

/** One page of one reason's suppressions, newest first, after the cursor (the previous page's last email). */
export async function listSuppressions(
  db: D1Database,
  options: { reasons: readonly SuppressionReason[]; before: { created_at: number; email: string } | null; limit: number },
): Promise<Suppression[]> {
  const { results } = await db
    .prepare(
      `SELECT email, reason, source, survey_id, created_at FROM suppressions
       WHERE reason IN (SELECT value FROM json_each(?1))
         AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND email < ?3))
       ORDER BY created_at DESC, email DESC LIMIT ?4`,
    )
    .bind(JSON.stringify(options.reasons), options.before?.created_at ?? null, options.before?.email ?? "", options.limit)
    .all<Suppression>();
  return results;
}

/** An address on the lists with when it first got there, and the person who has it (null when nobody does). */
export interface ListedAddress {
  email: string;
  first_at: number;
  recipient: string | null;
  name: string | null;
}

/**
 * One page, by offset, of the addresses with any of these reasons, oldest first: an address once, at
 * its first time, which must fall in [from, before). Its person is the oldest on file with the address
 * (without case), as the Delighted-compatible API names people (recipientsWithEmail in people.ts).
 */
export async function listSuppressedAddresses(
  db: D1Database,
  options: { reasons: readonly SuppressionReason[]; from: number | null; before: number | null; offset: number; limit: number },
): Promise<ListedAddress[]> {
  const { results } = await db
    .prepare(
      `WITH page AS (
         SELECT email, MIN(created_at) AS first_at FROM suppressions
         WHERE reason IN (SELECT value FROM json_each(?1))
         GROUP BY email
         HAVING (?2 IS NULL OR MIN(created_at) >= ?2) AND (?3 IS NULL OR MIN(created_at) < ?3)
         ORDER BY first_at, email LIMIT ?4 OFFSET ?5),
       owners AS (
         SELECT lower(trim(p.email)) AS email, p.recipient, p.name,
           ROW_NUMBER() OVER (PARTITION BY lower(trim(p.email)) ORDER BY p.created_at, p.recipient) AS rank
         FROM people p WHERE lower(trim(p.email)) IN (SELECT email FROM page))
       SELECT page.email, page.first_at, owners.recipient, owners.name
       FROM page LEFT JOIN owners ON owners.email = page.email AND owners.rank = 1
       ORDER BY page.first_at, page.email`,
    )
    .bind(JSON.stringify(options.reasons), options.from, options.before, options.limit, options.offset)
    .all<ListedAddress>();
  return results;
}
