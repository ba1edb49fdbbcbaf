/** The `events` table: the words its columns hold, and every SQL statement that touches it. */

/**
 * What a raw event was: a page load with or without a score, a HEAD, a form choice, a comment, a
 * JavaScript signal, an admin override, or "ingest": a score collected elsewhere and sent by a
 * trusted API client (server-side ingestion, import), or "honeypot": a fetch of the email block's
 * invisible link, which no person can follow (functions/respondent/honeypot.ts).
 */
export const EVENT_KINDS = ["view", "tap", "head", "choose", "comment", "signal", "override", "ingest", "honeypot"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** The kind of client a request came from (functions/counting/request-signals.ts tells them apart). */
export const CLIENT_CLASSES = ["browser", "headless", "bot", "tool", "empty", "admin"] as const;
export type ClientClass = (typeof CLIENT_CLASSES)[number];

/** What a request looked like, kept as JSON with its event: the facts the counting rule weighs. */
export interface Signals {
  /** Purpose / Sec-Purpose / X-Purpose / X-Moz said this was a prefetch or prerender, not a visit. */
  prefetch?: boolean;
  /** Sec-Fetch-Mode, -Site, -Dest and -User as a modern browser sends them. */
  fetch_mode?: string;
  fetch_site?: string;
  fetch_dest?: string;
  fetch_user?: boolean;
  /**
   * An Origin header naming another origin than ours: a POST from another site's page, told apart this
   * way where a browser sends no Sec-Fetch-Site. "null" (our pages' no-referrer policy) is not a mismatch.
   */
  origin_mismatch?: boolean;
  accept_language?: boolean;
  /** From a request of a network that hosts scanners and clouds rather than people. */
  cloud?: boolean;
  /** Of those, a network of machines only (no offices, no consumer relay): HOSTING_ASNS. */
  hosting?: boolean;
  /** The device: a hash of the whole user agent (8 hex digits), to tell one device's requests from another's. */
  agent?: string;
  /** The client: a 16-bit hash of the address's network (/24, /48) and the user agent; equal within an invitation means the same client. */
  peer?: string;
  /** Chrome's major version in the user agent, as text (queue messages carry strings): how outdated the browser is. */
  chrome?: string;
  /** The one-time form id of a POST from our page; a repeat is a replay. */
  nonce?: string;
  /** A JavaScript beacon fired by a trusted user input event (pointer, key, touch). */
  trusted_input?: boolean;
  /** An admin's override: the status it sets, or "auto" to return to the rule. */
  override?: "counted" | "excluded" | "auto";
}

/** An event as stored, and as the counting rule weighs it. */
export interface RuleEvent {
  seq: number;
  kind: EventKind;
  score: number | null;
  at: number;
  client: ClientClass;
  signals: Signals;
}

export interface NewEvent {
  invitation_id: string;
  kind: EventKind;
  score: number | null;
  at: number;
  client: ClientClass;
  asn: number | null;
  country: string | null;
  signals: Signals;
}

interface EventRow {
  seq: number;
  kind: EventKind;
  score: number | null;
  at: number;
  client: ClientClass;
  signals: string;
}

const toRuleEvent = (row: EventRow): RuleEvent => ({ ...row, signals: JSON.parse(row.signals) as Signals });

export function insertStatement(db: D1Database, event: NewEvent): D1PreparedStatement {
  return db
    .prepare("INSERT INTO events (invitation_id, kind, score, at, client, asn, country, signals) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
    .bind(event.invitation_id, event.kind, event.score, event.at, event.client, event.asn, event.country, JSON.stringify(event.signals));
}

const historyStatement = (db: D1Database, invitationId: string) =>
  db.prepare("SELECT seq, kind, score, at, client, signals FROM events WHERE invitation_id = ?1 ORDER BY seq").bind(invitationId);

/**
 * Stores one event and reads the invitation's whole history in a single round trip; the history
 * includes the new event and everything that arrived before it.
 */
export async function recordEvent(db: D1Database, event: NewEvent): Promise<RuleEvent[]> {
  const [, history] = await db.batch<EventRow>([insertStatement(db, event), historyStatement(db, event.invitation_id)]);
  return (history?.results ?? []).map(toRuleEvent);
}

/** Stores an event whose only purpose is the record (a HEAD, a view, a beacon). */
export async function appendEvent(db: D1Database, event: NewEvent): Promise<void> {
  await insertStatement(db, event).run();
}

export async function eventHistory(db: D1Database, invitationId: string): Promise<RuleEvent[]> {
  const { results } = await historyStatement(db, invitationId).all<EventRow>();
  return results.map(toRuleEvent);
}

/** One page of the invitations that have events, in id order after `after`; of one survey, or of all. */
export async function invitationsWithEvents(
  db: D1Database,
  options: { after: string; surveyId: string | null; limit: number },
): Promise<{ id: string; survey_id: string }[]> {
  const { results } = await db
    .prepare(
      `SELECT i.id, i.survey_id FROM invitations i
       WHERE i.id > ?1 AND (?2 IS NULL OR i.survey_id = ?2) AND EXISTS (SELECT 1 FROM events e WHERE e.invitation_id = i.id)
       ORDER BY i.id LIMIT ?3`,
    )
    .bind(options.after, options.surveyId, options.limit)
    .all<{ id: string; survey_id: string }>();
  return results;
}

/** The whole history of each of these invitations, oldest first, in one statement. */
export async function eventHistories(db: D1Database, invitationIds: readonly string[]): Promise<Map<string, RuleEvent[]>> {
  const { results } = await db
    .prepare(
      `SELECT invitation_id, seq, kind, score, at, client, signals FROM events
       WHERE invitation_id IN (SELECT value FROM json_each(?1)) ORDER BY invitation_id, seq`,
    )
    .bind(JSON.stringify(invitationIds))
    .all<EventRow & { invitation_id: string }>();
  const histories = new Map<string, RuleEvent[]>();
  for (const { invitation_id, ...row } of results) {
    const list = histories.get(invitation_id) ?? [];
    list.push(toRuleEvent(row));
    histories.set(invitation_id, list);
  }
  return histories;
}

/** An event delivered by the TAPS queue, under the message id that makes its insert idempotent. */
export interface QueuedEvent extends NewEvent {
  message_id: string;
}

export interface QueuedWrite {
  /** Message ids written now; the others had been written by an earlier delivery. */
  fresh: Set<string>;
  /** The whole history of every invitation the batch touched, oldest first. */
  histories: Map<string, RuleEvent[]>;
}

/**
 * Writes a queue batch's events in one db.batch (one transaction, four statements however many
 * events): which ids were seen before, the events of unseen ids in the given order, the ids, and the
 * histories of the touched invitations. Delivered twice, the second delivery inserts nothing.
 */
export async function recordQueuedEvents(db: D1Database, events: readonly QueuedEvent[]): Promise<QueuedWrite> {
  const list = JSON.stringify(
    events.map((e) => ({ ...e, signals: JSON.stringify(e.signals) })),
  );
  const invitations = JSON.stringify([...new Set(events.map((e) => e.invitation_id))]);
  const [seen, , , history] = await db.batch([
    db.prepare("SELECT id FROM queue_messages WHERE id IN (SELECT json_extract(value, '$.message_id') FROM json_each(?1))").bind(list),
    db
      .prepare(
        `INSERT INTO events (invitation_id, kind, score, at, client, asn, country, signals)
         SELECT json_extract(value, '$.invitation_id'), json_extract(value, '$.kind'), json_extract(value, '$.score'),
                json_extract(value, '$.at'), json_extract(value, '$.client'), json_extract(value, '$.asn'),
                json_extract(value, '$.country'), json_extract(value, '$.signals')
         FROM json_each(?1)
         WHERE NOT EXISTS (SELECT 1 FROM queue_messages WHERE id = json_extract(value, '$.message_id'))
         ORDER BY key`,
      )
      .bind(list),
    db
      .prepare("INSERT OR IGNORE INTO queue_messages (id, at) SELECT json_extract(value, '$.message_id'), json_extract(value, '$.at') FROM json_each(?1)")
      .bind(list),
    db
      .prepare(
        `SELECT invitation_id, seq, kind, score, at, client, signals FROM events
         WHERE invitation_id IN (SELECT value FROM json_each(?1)) ORDER BY invitation_id, seq`,
      )
      .bind(invitations),
  ]);
  const already = new Set(((seen?.results ?? []) as { id: string }[]).map((row) => row.id));
  const histories = new Map<string, RuleEvent[]>();
  for (const { invitation_id, ...row } of (history?.results ?? []) as (EventRow & { invitation_id: string })[]) {
    const list = histories.get(invitation_id) ?? [];
    list.push(toRuleEvent(row));
    histories.set(invitation_id, list);
  }
  return { fresh: new Set(events.map((e) => e.message_id).filter((id) => !already.has(id))), histories };
}

/** Forgets queue message ids below `bound` (see tapMessageIdBound), a bounded number per call. */
export async function pruneQueueMessages(db: D1Database, bound: string, limit: number): Promise<number> {
  const result = await db
    .prepare("DELETE FROM queue_messages WHERE id IN (SELECT id FROM queue_messages WHERE id < ?1 ORDER BY id LIMIT ?2)")
    .bind(bound, limit)
    .run();
  return result.meta.changes;
}

export interface CheckedEvent {
  seq: number;
  at: number;
  invitation_id: string;
  survey_id: string | null;
  /** True when the invitation's stored decision predates this event (or there is none yet). */
  stale: number;
}

/** The events after the decision watermark, oldest first, each with whether its decision is missing. */
export async function eventsSinceDecisionWatermark(db: D1Database, limit: number): Promise<{ watermark: number; events: CheckedEvent[] }> {
  const [mark, events] = await db.batch([
    db.prepare("SELECT events_seq FROM decision_watermark WHERE id = 1"),
    db
      .prepare(
        `SELECT e.seq, e.at, e.invitation_id, i.survey_id,
                (e.kind IN ('tap', 'choose', 'comment', 'ingest', 'signal', 'override', 'honeypot')
                 AND (r.event_seq IS NULL OR r.event_seq < e.seq)) AS stale
         FROM events e
         LEFT JOIN invitations i ON i.id = e.invitation_id
         LEFT JOIN responses r ON r.invitation_id = e.invitation_id
         WHERE e.seq > COALESCE((SELECT events_seq FROM decision_watermark WHERE id = 1), 0)
         ORDER BY e.seq LIMIT ?1`,
      )
      .bind(limit),
  ]);
  const watermark = (mark?.results[0] as { events_seq: number } | undefined)?.events_seq ?? 0;
  return { watermark, events: (events?.results ?? []) as CheckedEvent[] };
}

export async function advanceDecisionWatermark(db: D1Database, seq: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO decision_watermark (id, events_seq) VALUES (1, ?1)
       ON CONFLICT (id) DO UPDATE SET events_seq = MAX(events_seq, excluded.events_seq)`,
    )
    .bind(seq)
    .run();
}
