import type { EventKind, RuleEvent } from "../respondent/counting-rule";
import type { ClientClass, Signals } from "../respondent/request-signals";

/** The `events` table: every SQL statement that touches it lives here. */

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

function insertStatement(db: D1Database, event: NewEvent): D1PreparedStatement {
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
