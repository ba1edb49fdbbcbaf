import type { D1Like } from "./d1-like.ts";

/**
 * Survey history made fast inside the database: a recursive CTE inserts invitations and their
 * responses (a realistic segment mix, 1 in 13 a suspected scanner click) without any row crossing
 * into JavaScript. The same SQL fills D1 and plain SQLite, so both hold the same rows.
 */
export const SURVEY = "bench";
export const DAY = 86_400_000;
const HISTORY_START = Date.UTC(2025, 0, 1, 6);
const CHUNK = 50_000;

const rows = (from: string, to: string) => `WITH RECURSIVE n(i) AS (SELECT ${from} UNION ALL SELECT i + 1 FROM n WHERE i < ${to})`;
const properties = `json_object('channel', CASE i % 3 WHEN 0 THEN 'sms' WHEN 1 THEN 'email' ELSE 'in_app' END,
  'country', CASE i % 4 WHEN 0 THEN 'NL' WHEN 1 THEN 'BE' WHEN 2 THEN 'DE' ELSE 'GB' END, 'variant', CASE i % 2 WHEN 0 THEN 'B' ELSE 'A' END)`;

/** Invitations and responses numbered from..to (inclusive), at `at(i)` as SQL over i. */
function inserts(db: D1Like, from: number, to: number, at: string) {
  return [
    db
      .prepare(
        `${rows("?1", "?2")} INSERT INTO invitations (id, survey_id, recipient, locale, properties, created_at, expires_at)
         SELECT 'h' || i, '${SURVEY}', 'r' || i, CASE WHEN i % 5 = 0 THEN 'nl' END, ${properties}, ${at}, ${at} + 2592000000 FROM n`,
      )
      .bind(from, to),
    db
      .prepare(
        `${rows("?1", "?2")} INSERT INTO answers (invitation_id, survey_id, events, version, stale, score, comment, status, reason, created_at, updated_at, event_seq)
         SELECT 'h' || i, '${SURVEY}', json_array(json_object('kind', 'tap', 'score', 1 + (i * 7) % 5, 'at', ${at} + 60000, 'client', 'browser',
                'asn', NULL, 'country', NULL, 'signals', json_object())), 1, 0, 1 + (i * 7) % 5, CASE WHEN i % 9 = 0 THEN 'ok' END,
                CASE WHEN i % 13 = 0 THEN 'suspected' ELSE 'counted' END, 'tap', ${at} + 60000, ${at} + 60000, i FROM n`,
      )
      .bind(from, to),
  ];
}

/** History rows from..to, spread over the 365 days of 2025 (every tranche over the same days). */
export async function addHistory(db: D1Like, from: number, to: number, progress: (done: number) => void): Promise<void> {
  for (let start = from; start <= to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK - 1);
    await db.batch(inserts(db, start, end, `${HISTORY_START} + (i % 365) * ${DAY} + (i % 600) * 60000`));
    progress(end);
  }
}

/** 1,000 new answers numbered from.., over two new days starting at `day`. */
export async function addNewAnswers(db: D1Like, from: number, day: number): Promise<number> {
  const to = from + 999;
  await db.batch(inserts(db, from, to, `${day} + (i % 2) * ${DAY} + (i % 700) * 60000`));
  return to;
}
