/** The `responses` table: the words its columns hold, and every SQL statement that touches it. */
import type { Locale } from "../i18n/locales";
import type { InvitationSource } from "./invitations";
import type { D1Reads } from "./reads";

/** counted: in the metrics; suspected: a scanner's clicks, kept out but visible; excluded: kept out by an admin. */
export const STATUSES = ["counted", "suspected", "excluded"] as const;
export type Status = (typeof STATUSES)[number];

/** Why the counting rule (functions/counting/counting-rule.ts) decided as it did. */
export const REASONS = [
  "tap",
  "confirmed",
  "override",
  "sweep",
  "replay",
  "cross_site",
  "cloud_network",
  "stale_browser",
  "honeypot",
  "headless_client",
  "bot_client",
  "tool_client",
  "empty_client",
] as const;
export type Reason = (typeof REASONS)[number];

/** The rule's decision for one invitation, as stored in its response row. */
export interface Decision {
  score: number;
  status: Status;
  reason: Reason;
}

export const responseId = (invitationId: string) => `rsp_${invitationId}`;
/** The invitation a response id names ("" for an id that is not a response's, which names none). */
export const invitationOf = (id: string) => (id.startsWith("rsp_") ? id.slice(4) : "");

export interface ResponseRecord {
  id: string;
  invitation: string;
  survey: string;
  recipient: string;
  /** The invitation's address, else the person's (people.email); null when neither is known. */
  email: string | null;
  score: number;
  comment: string | null;
  status: Status;
  reason: Reason;
  override: "counted" | "excluded" | null;
  locale: Locale | null;
  properties: Record<string, string>;
  /** The invitation's source (template links: `template`); absent on answers built outside this query (ingestion). */
  source?: InvitationSource;
  created_at: number;
  updated_at: number;
}

interface ResponseRow extends Omit<ResponseRecord, "properties"> {
  properties: string;
}

const fromRow = (row: ResponseRow): ResponseRecord => ({ ...row, properties: JSON.parse(row.properties) as Record<string, string> });

/** The address a response is from, as SQL over the invitation `i`: the invitation's, else the person's. */
export const RESPONDENT_EMAIL = "COALESCE(i.email, (SELECT p.email FROM people p WHERE p.recipient = i.recipient))";

const SELECT_RESPONSES = `
  SELECT r.id, r.invitation_id AS invitation, r.survey_id AS survey, i.recipient, ${RESPONDENT_EMAIL} AS email, r.score, r.comment,
         r.status, r.reason, r.override, i.locale, i.properties, i.source, r.created_at, r.updated_at
  FROM responses r JOIN invitations i ON i.id = r.invitation_id`;

export async function getResponse(db: D1Database, id: string): Promise<ResponseRecord | null> {
  const row = await db.prepare(`${SELECT_RESPONSES} WHERE r.invitation_id = ?1`).bind(invitationOf(id)).first<ResponseRow>();
  return row ? fromRow(row) : null;
}

export interface ResponseCursor {
  created_at: number;
  id: string;
}

/** Newest first, a page at a time, optionally one status only. */
export async function listResponses(
  db: D1Database,
  surveyId: string,
  options: { status: Status | null; before: ResponseCursor | null; limit: number },
): Promise<{ responses: ResponseRecord[]; next: ResponseCursor | null }> {
  const { results } = await db
    .prepare(
      `${SELECT_RESPONSES}
       WHERE r.survey_id = ?1 AND (?2 IS NULL OR r.status = ?2)
         AND (?3 IS NULL OR r.created_at < ?3 OR (r.created_at = ?3 AND r.invitation_id < ?4))
       ORDER BY r.created_at DESC, r.invitation_id DESC LIMIT ?5`,
    )
    .bind(surveyId, options.status, options.before?.created_at ?? null, invitationOf(options.before?.id ?? ""), options.limit + 1)
    .all<ResponseRow>();
  const page = results.slice(0, options.limit).map(fromRow);
  const last = page.at(-1);
  return { responses: page, next: results.length > options.limit && last ? { created_at: last.created_at, id: last.id } : null };
}

export interface ExportFilter {
  status: Status | null;
  /** Half-open [from, to) on created_at, epoch ms; null leaves that side open. */
  from: number | null;
  to: number | null;
}

/**
 * Oldest first, one chunk after `after` (keyset, so each chunk costs the same however deep the export
 * is); the export streams chunk after chunk until one comes back short.
 */
export async function exportChunk(
  db: D1Database,
  surveyId: string,
  filter: ExportFilter,
  after: ResponseCursor | null,
  limit: number,
): Promise<ResponseRecord[]> {
  const { results } = await db
    .prepare(
      `${SELECT_RESPONSES}
       WHERE r.survey_id = ?1 AND (?2 IS NULL OR r.status = ?2)
         AND (?3 IS NULL OR r.created_at >= ?3) AND (?4 IS NULL OR r.created_at < ?4)
         AND (?5 IS NULL OR r.created_at > ?5 OR (r.created_at = ?5 AND r.invitation_id > ?6))
       ORDER BY r.created_at, r.invitation_id LIMIT ?7`,
    )
    .bind(surveyId, filter.status, filter.from, filter.to, after?.created_at ?? null, invitationOf(after?.id ?? ""), limit)
    .all<ResponseRow>();
  return results.map(fromRow);
}

export interface CommentRecord {
  id: string;
  score: number;
  comment: string;
  created_at: number;
  properties: Record<string, string>;
}

/** The latest counted comments of a survey, then ordered worst score first for the reports. */
export async function latestComments(db: D1Reads, surveyId: string, limit: number): Promise<CommentRecord[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM (
         SELECT r.id, r.score, r.comment, r.created_at, r.updated_at, i.properties
         FROM responses r JOIN invitations i ON i.id = r.invitation_id
         WHERE r.survey_id = ?1 AND r.status = 'counted' AND r.comment IS NOT NULL
         ORDER BY r.updated_at DESC LIMIT ?2)
       ORDER BY score ASC, updated_at DESC`,
    )
    .bind(surveyId, limit)
    .all<Omit<CommentRecord, "properties"> & { properties: string }>();
  return results.map((row) => ({
    id: row.id,
    score: row.score,
    comment: row.comment,
    created_at: row.created_at,
    properties: JSON.parse(row.properties) as Record<string, string>,
  }));
}

/** The orders a page of counted responses may take: by creation (the default) or last change, either way. */
export const COUNTED_ORDERS = ["asc", "desc", "asc:updated_at", "desc:updated_at"] as const;
export type CountedOrder = (typeof COUNTED_ORDERS)[number];

const COUNTED_ORDER_SQL: Record<CountedOrder, string> = {
  asc: "r.created_at, r.invitation_id",
  desc: "r.created_at DESC, r.invitation_id DESC",
  "asc:updated_at": "r.updated_at, r.invitation_id",
  "desc:updated_at": "r.updated_at DESC, r.invitation_id DESC",
};

export interface CountedFilter {
  /** Bounds on created_at and updated_at, epoch ms, both included; null leaves that side open. */
  createdFrom: number | null;
  createdTo: number | null;
  updatedFrom: number | null;
  updatedTo: number | null;
  recipient: string | null;
  /** The respondent's address (RESPONDENT_EMAIL), compared without case. */
  email: string | null;
}

/** One page of a survey's counted responses (a person's answers only), by offset. */
export async function pageCountedResponses(
  db: D1Database,
  surveyId: string,
  filter: CountedFilter,
  order: CountedOrder,
  page: { offset: number; limit: number },
): Promise<ResponseRecord[]> {
  const { results } = await db
    .prepare(
      `${SELECT_RESPONSES}
       WHERE r.survey_id = ?1 AND r.status = 'counted'
         AND (?2 IS NULL OR r.created_at >= ?2) AND (?3 IS NULL OR r.created_at <= ?3)
         AND (?4 IS NULL OR r.updated_at >= ?4) AND (?5 IS NULL OR r.updated_at <= ?5)
         AND (?6 IS NULL OR i.recipient = ?6)
         AND (?7 IS NULL OR lower(trim(${RESPONDENT_EMAIL})) = lower(trim(?7)))
       ORDER BY ${COUNTED_ORDER_SQL[order]} LIMIT ?8 OFFSET ?9`,
    )
    .bind(surveyId, filter.createdFrom, filter.createdTo, filter.updatedFrom, filter.updatedTo, filter.recipient, filter.email, page.limit, page.offset)
    .all<ResponseRow>();
  return results.map(fromRow);
}

/**
 * Merges segment values into the invitation a response answers (the values its rollup rows are grouped
 * by) and marks the response changed. The caller adds the rollup touches of both rows' days to the batch.
 */
export function mergeResponseProperties(db: D1Database, responseId: string, properties: Record<string, string>, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare("UPDATE invitations SET properties = json_patch(properties, json(?2)) WHERE id = ?1")
      .bind(invitationOf(responseId), JSON.stringify(properties)),
    db.prepare("UPDATE answers SET updated_at = ?2, version = version + 1 WHERE invitation_id = ?1").bind(invitationOf(responseId), now),
  ];
}
