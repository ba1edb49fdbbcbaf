/**
 * Loading the local demo data set (scripts/demo.ts generates it, and makes its surveys through the
 * API's own parser and insertSurvey): plain inserts into the source tables, exactly the rows the
 * respondent flow would have left, so rollups and reports treat the demo like real history. Rows
 * travel as JSON parameters, a few thousand per statement.
 */

export interface DemoInvitation {
  id: string;
  survey_id: string;
  recipient: string;
  locale: string | null;
  properties: string;
  created_at: number;
}

/** One answered invitation: its single raw tap event and the response decided from it. */
export interface DemoAnswer {
  invitation_id: string;
  survey_id: string;
  seq: number;
  score: number;
  at: number;
  client: string;
  signals: string;
  status: string;
  reason: string;
  override: string | null;
  comment: string | null;
}

export interface DemoAnnotation {
  id: string;
  survey_id: string;
  at: number;
  label: string;
}

export interface DemoData {
  invitations: DemoInvitation[];
  answers: DemoAnswer[];
  annotations: DemoAnnotation[];
}

/** The structural part of D1Database the loader needs; getPlatformProxy's binding has it. */
export interface DemoDatabase {
  prepare(query: string): { bind(...values: unknown[]): unknown; first<T>(column: string): Promise<T | null> };
  batch(statements: unknown[]): Promise<unknown>;
}

const ROWS_PER_STATEMENT = 2_500;

export async function countSurveys(db: DemoDatabase): Promise<number> {
  return (await db.prepare("SELECT COUNT(*) AS n FROM surveys").first<number>("n")) ?? 0;
}

/** Where new demo decisions may start numbering, so demo event seqs never collide with real ones. */
export async function nextEventSeq(db: DemoDatabase): Promise<number> {
  return ((await db.prepare("SELECT COALESCE(MAX(event_seq), 0) AS seq FROM answers").first<number>("seq")) ?? 0) + 1;
}

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

const INVITATIONS = `INSERT INTO invitations (id, survey_id, recipient, email, locale, properties, created_at, expires_at)
  SELECT json_extract(value, '$.id'), json_extract(value, '$.survey_id'), json_extract(value, '$.recipient'), NULL, json_extract(value, '$.locale'),
    json_extract(value, '$.properties'), json_extract(value, '$.created_at'), json_extract(value, '$.created_at') + 2592000000
  FROM json_each(?1) WHERE true ON CONFLICT (id) DO NOTHING`;

// Each demo answer is one tap: its event and the decision made from it.
const ANSWERS = `INSERT INTO answers (invitation_id, survey_id, events, version, stale, score, comment, status, reason, override, created_at, updated_at, event_seq)
  SELECT json_extract(value, '$.invitation_id'), json_extract(value, '$.survey_id'),
    json_array(json_object('kind', 'tap', 'score', json_extract(value, '$.score'), 'at', json_extract(value, '$.at'), 'client', json_extract(value, '$.client'),
      'asn', NULL, 'country', NULL, 'signals', json(json_extract(value, '$.signals')))),
    1, 0, json_extract(value, '$.score'), json_extract(value, '$.comment'), json_extract(value, '$.status'), json_extract(value, '$.reason'),
    json_extract(value, '$.override'), json_extract(value, '$.at'), json_extract(value, '$.at'), json_extract(value, '$.seq')
  FROM json_each(?1) WHERE true ON CONFLICT (invitation_id) DO NOTHING`;

const ANNOTATIONS = `INSERT INTO annotations (id, survey_id, at, label)
  SELECT json_extract(value, '$.id'), json_extract(value, '$.survey_id'), json_extract(value, '$.at'), json_extract(value, '$.label')
  FROM json_each(?1) WHERE true ON CONFLICT (id) DO NOTHING`;

/** Inserts the whole data set; each table's rows go in statements of a few thousand, in one batch per table. */
export async function insertDemo(db: DemoDatabase, data: DemoData): Promise<void> {
  const statements = (sql: string, rows: readonly unknown[]) => chunks(rows).map((part) => db.prepare(sql).bind(JSON.stringify(part)));
  await db.batch(statements(ANNOTATIONS, data.annotations));
  await db.batch(statements(INVITATIONS, data.invitations));
  await db.batch(statements(ANSWERS, data.answers));
}
