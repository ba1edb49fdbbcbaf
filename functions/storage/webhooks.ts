import { RESPONDENT_EMAIL, type ResponseRecord, type Status } from "./responses";
import { suppressionKey, suppressStatement, type Suppression } from "./suppressions";
import type { Metric } from "../scoring/metrics";

/**
 * The `webhooks` and `webhook_deliveries` tables, and the reads the record path makes to announce a
 * response change: every SQL statement of webhooks lives here.
 */

export const WEBHOOK_EVENTS = ["response.created", "response.updated", "response.low_score", "metric.drop", "unsubscribe.created"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** What a delivery can carry: the events above, and the test event sent on request, which nobody subscribes to. */
export const DELIVERY_EVENTS = [...WEBHOOK_EVENTS, "webhook.test"] as const;
export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number];

/**
 * standard: the Standard Webhooks envelope; slack: a Slack incoming-webhook message; delighted:
 * Delighted's `{ event_type, event_id, event_data }` (functions/webhooks/delighted-events.ts).
 */
export const WEBHOOK_FORMATS = ["standard", "slack", "delighted"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** cancelled: the response turned out to be a scanner's before the delivery was due. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "cancelled"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface ResponseState {
  score: number;
  comment: string | null;
  status: Status;
}

export interface SurveyFacts {
  id: string;
  name: string;
  metric: Metric;
  scale: { min: number; max: number };
  satisfied_min: number;
}

/** A stored response as the payload shows it: the same fields as the responses API. */
export type ResponseSnapshot = Omit<ResponseRecord, "survey">;

/**
 * Why an attempt got no answer: no more than that is kept (a fetch error's text can name addresses).
 * refused: the URL is not one webhooks may reach (functions/security/webhook-url.ts), so nothing was sent.
 */
export const ATTEMPT_ERRORS = ["timeout", "network", "refused"] as const;
export type AttemptError = (typeof ATTEMPT_ERRORS)[number];

export interface AttemptOutcome {
  at: number;
  /** The receiver's HTTP status; null when no answer came (network error or timeout). */
  status: number | null;
  error: AttemptError | null;
  duration_ms: number;
}

export interface NextState {
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
}

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  survey: string | null;
  format: WebhookFormat;
  created_at: number;
}

/** An endpoint with its signing secret: only for signing, never for the API. */
export interface Subscriber extends Webhook {
  secret: string;
}

interface WebhookRow {
  id: string;
  url: string;
  events: string;
  survey_id: string | null;
  format: WebhookFormat;
  secret: string;
  created_at: number;
}

const WEBHOOK_COLUMNS = "id, url, events, survey_id, format, secret, created_at";

const subscriberFromRow = (row: WebhookRow): Subscriber => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEvent[],
  survey: row.survey_id,
  format: row.format,
  secret: row.secret,
  created_at: row.created_at,
});

const webhookFromRow = (row: WebhookRow): Webhook => {
  const { secret: _secret, ...webhook } = subscriberFromRow(row);
  return webhook;
};

export async function insertWebhook(db: D1Database, webhook: Subscriber): Promise<void> {
  await db
    .prepare(`INSERT INTO webhooks (${WEBHOOK_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`)
    .bind(webhook.id, webhook.url, JSON.stringify(webhook.events), webhook.survey, webhook.format, webhook.secret, webhook.created_at)
    .run();
}

export async function countWebhooks(db: D1Database): Promise<number> {
  return (await db.prepare("SELECT COUNT(*) AS n FROM webhooks").first<{ n: number }>())?.n ?? 0;
}

export async function listWebhooks(db: D1Database): Promise<Webhook[]> {
  const { results } = await db.prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks ORDER BY created_at, id`).all<WebhookRow>();
  return results.map(webhookFromRow);
}

export async function getWebhook(db: D1Database, id: string): Promise<Webhook | null> {
  const subscriber = await getSubscriber(db, id);
  if (!subscriber) return null;
  const { secret: _secret, ...webhook } = subscriber;
  return webhook;
}

/** One endpoint with its signing secret, for sending to it. */
export async function getSubscriber(db: D1Database, id: string): Promise<Subscriber | null> {
  const row = await db.prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = ?1`).bind(id).first<WebhookRow>();
  return row ? subscriberFromRow(row) : null;
}

/** Deletes an endpoint with its delivery log, so nothing pending is sent to it afterwards. */
export async function deleteWebhook(db: D1Database, id: string): Promise<boolean> {
  const [, deleted] = await db.batch([
    db.prepare("DELETE FROM webhook_deliveries WHERE webhook_id = ?1").bind(id),
    db.prepare("DELETE FROM webhooks WHERE id = ?1").bind(id),
  ]);
  return (deleted?.meta.changes ?? 0) > 0;
}

/** Endpoints that may want events of this survey; null: of every survey (an event about all of them). */
export function subscribersStatement(db: D1Database, surveyId: string | null): D1PreparedStatement {
  return db.prepare(`SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE ?1 IS NULL OR survey_id IS NULL OR survey_id = ?1`).bind(surveyId);
}

export async function subscribersOf(db: D1Database, surveyId: string | null): Promise<Subscriber[]> {
  const { results } = await subscribersStatement(db, surveyId).all<WebhookRow>();
  return results.map(subscriberFromRow);
}

export const readSubscribers = (result: D1Result | undefined): Subscriber[] => ((result?.results ?? []) as WebhookRow[]).map(subscriberFromRow);

// ── The record path: the response after a write, read inside the write's own batch ──

interface SnapshotRow extends Omit<ResponseRecord, "survey" | "properties"> {
  properties: string;
  survey_id: string;
  survey_name: string;
  metric: Metric;
  scale_min: number;
  scale_max: number;
  satisfied_min: number;
}

/** The response with its invitation and survey, as a payload shows them. */
export function responseSnapshotStatement(db: D1Database, invitationId: string): D1PreparedStatement {
  return db
    .prepare(
      `SELECT r.id, r.invitation_id AS invitation, i.recipient, ${RESPONDENT_EMAIL} AS email, r.score, r.comment, r.status, r.reason, r.override, i.locale,
              i.properties, r.created_at, r.updated_at, s.id AS survey_id, s.name AS survey_name, s.metric, s.scale_min,
              s.scale_max, s.satisfied_min
       FROM responses r JOIN invitations i ON i.id = r.invitation_id JOIN surveys s ON s.id = r.survey_id
       WHERE r.invitation_id = ?1`,
    )
    .bind(invitationId);
}

export function readResponseSnapshot(result: D1Result | undefined): { survey: SurveyFacts; response: ResponseSnapshot } | null {
  const row = result?.results[0] as SnapshotRow | undefined;
  if (!row) return null;
  const { survey_id, survey_name, metric, scale_min, scale_max, satisfied_min, properties, ...response } = row;
  return {
    survey: { id: survey_id, name: survey_name, metric, scale: { min: scale_min, max: scale_max }, satisfied_min },
    response: { ...response, properties: JSON.parse(properties) as Record<string, string> },
  };
}

// ── Deliveries ──

export interface NewDelivery {
  id: string;
  webhook_id: string;
  dedupe_key: string;
  event: DeliveryEvent;
  survey_id: string | null;
  invitation_id: string | null;
  body: string;
  next_attempt_at: number;
  created_at: number;
}

/** Inserts deliveries, skipping any whose dedupe key exists; answers the ids actually inserted. */
export async function insertDeliveries(db: D1Database, deliveries: readonly NewDelivery[]): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  return insertedIds(await insertDeliveriesStatement(db, deliveries, null).all());
}

const insertedIds = (result: D1Result | undefined): Set<string> => new Set(((result?.results ?? []) as { id: string }[]).map((r) => r.id));

/** ?2: an address; when given, nothing is inserted if it is already unsubscribed. */
function insertDeliveriesStatement(db: D1Database, deliveries: readonly NewDelivery[], unlessUnsubscribed: string | null): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, dedupe_key, event, survey_id, invitation_id, body, status, attempts,
         next_attempt_at, created_at, updated_at)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.webhook_id'), json_extract(value, '$.dedupe_key'),
              json_extract(value, '$.event'), json_extract(value, '$.survey_id'), json_extract(value, '$.invitation_id'),
              json_extract(value, '$.body'), 'pending', 0, json_extract(value, '$.next_attempt_at'),
              json_extract(value, '$.created_at'), json_extract(value, '$.created_at')
       FROM json_each(?1)
       WHERE ?2 IS NULL OR NOT EXISTS (SELECT 1 FROM suppressions WHERE email = ?2 AND reason = 'unsubscribed')
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id`,
    )
    .bind(JSON.stringify(deliveries), unlessUnsubscribed === null ? null : suppressionKey(unlessUnsubscribed));
}

/**
 * Puts an address on the unsubscribe list and queues its deliveries in one batch (D1's transaction):
 * the deliveries only if the address was not unsubscribed yet, so of two requests racing to
 * unsubscribe it one announces it, and no failure can keep the one write without the other.
 */
export async function unsubscribeWithDeliveries(db: D1Database, entry: Suppression, deliveries: readonly NewDelivery[]): Promise<{ created: boolean; queued: number }> {
  const write = suppressStatement(db, entry);
  if (deliveries.length === 0) return { created: (await write.run()).meta.changes > 0, queued: 0 };
  const [queued, suppressed] = await db.batch([insertDeliveriesStatement(db, deliveries, entry.email), write]);
  return { created: (suppressed?.meta.changes ?? 0) > 0, queued: insertedIds(queued).size };
}

/**
 * The invitation an unsubscribe delivery is filed under: the person's latest. Erasure deletes deliveries
 * by invitation (functions/storage/erasure.ts), so a body naming the address goes when the person does.
 */
export async function latestInvitationOf(db: D1Database, recipient: string): Promise<string | null> {
  const row = await db.prepare("SELECT id FROM invitations WHERE recipient = ?1 ORDER BY created_at DESC LIMIT 1").bind(recipient).first<{ id: string }>();
  return row?.id ?? null;
}

/** A delivery ready to send: its stored body and what signing and sending need. */
export interface ReadyDelivery {
  id: string;
  url: string;
  secret: string;
  /** The endpoint's format: a delighted endpoint also gets Delighted's signature header. */
  format: WebhookFormat;
  body: string;
  attempts: number;
}

/**
 * Takes up to `limit` due deliveries by moving their next attempt to `leaseUntil`, so an overlapping
 * run does not send them too; if this run dies, they become due again when the lease ends.
 */
export async function claimDueDeliveries(db: D1Database, now: number, leaseUntil: number, limit: number): Promise<ReadyDelivery[]> {
  const [, claimed, endpoints] = await db.batch([
    // A single tap counts at once but a scanner's sweep can still turn it suspected within seconds;
    // deliveries of such taps wait (functions/webhooks/announce.ts) and are dropped here if that happened.
    db
      .prepare(
        `UPDATE webhook_deliveries SET status = 'cancelled', next_attempt_at = NULL, updated_at = ?1
         WHERE status = 'pending' AND next_attempt_at <= ?1 AND invitation_id IS NOT NULL
           AND event LIKE 'response.%'
           AND EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = webhook_deliveries.invitation_id AND r.status = 'suspected')`,
      )
      .bind(now),
    db
      .prepare(
        `UPDATE webhook_deliveries SET next_attempt_at = ?2
         WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?3)
         RETURNING id, webhook_id, body, attempts`,
      )
      .bind(now, leaseUntil, limit),
    db
      .prepare(
        `SELECT id, url, secret, format FROM webhooks
         WHERE id IN (SELECT webhook_id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at = ?1)`,
      )
      .bind(leaseUntil),
  ]);
  return withEndpoints(claimed, endpoints);
}

function withEndpoints(claimed: D1Result | undefined, endpoints: D1Result | undefined): ReadyDelivery[] {
  const byId = new Map(((endpoints?.results ?? []) as { id: string; url: string; secret: string; format: WebhookFormat }[]).map((w) => [w.id, w]));
  return ((claimed?.results ?? []) as { id: string; webhook_id: string; body: string; attempts: number }[]).flatMap((d) => {
    const endpoint = byId.get(d.webhook_id);
    return endpoint ? [{ id: d.id, url: endpoint.url, secret: endpoint.secret, format: endpoint.format, body: d.body, attempts: d.attempts }] : [];
  });
}

/**
 * Takes the deliveries an invitation's lone tap left waiting, once a confirmed choice shows a person
 * made it: they need not wait for the cron any more.
 */
export async function claimHeldDeliveries(db: D1Database, invitationId: string, now: number, leaseUntil: number): Promise<ReadyDelivery[]> {
  const [claimed, endpoints] = await db.batch([
    db
      .prepare(
        `UPDATE webhook_deliveries SET next_attempt_at = ?3
         WHERE invitation_id = ?1 AND status = 'pending' AND attempts = 0 AND next_attempt_at > ?2 AND next_attempt_at < ?3
         RETURNING id, webhook_id, body, attempts`,
      )
      .bind(invitationId, now, leaseUntil),
    db
      .prepare(
        `SELECT id, url, secret, format FROM webhooks
         WHERE id IN (SELECT webhook_id FROM webhook_deliveries WHERE invitation_id = ?1 AND status = 'pending' AND next_attempt_at = ?2)`,
      )
      .bind(invitationId, leaseUntil),
  ]);
  return withEndpoints(claimed, endpoints);
}

export interface AttemptRecord {
  id: string;
  attemptsBefore: number;
  outcome: AttemptOutcome;
  next: NextState;
}

/** Appends each attempt to its delivery's log; a delivery another sender already moved on is left alone. */
export async function recordAttempts(db: D1Database, records: readonly AttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db.batch(
    records.map((r) =>
      db
        .prepare(
          `UPDATE webhook_deliveries SET status = ?3, attempts = ?4, next_attempt_at = ?5,
             attempt_log = json_insert(attempt_log, '$[#]', json(?6)), updated_at = ?7
           WHERE id = ?1 AND attempts = ?2 AND status = 'pending'`,
        )
        .bind(r.id, r.attemptsBefore, r.next.status, r.next.attempts, r.next.next_attempt_at, JSON.stringify(r.outcome), r.outcome.at),
    ),
  );
}

/**
 * A delivery already attempted, written with its outcome in one statement (the test event): it is
 * never pending, so no sender takes it up. Nothing is written if the endpoint went meanwhile.
 */
export async function insertAttemptedDelivery(
  db: D1Database,
  delivery: Omit<NewDelivery, "next_attempt_at">,
  outcome: AttemptOutcome,
  status: Exclude<DeliveryStatus, "pending">,
): Promise<boolean> {
  const result = await db
    .prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, dedupe_key, event, survey_id, invitation_id, body, status, attempts,
         next_attempt_at, attempt_log, created_at, updated_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, NULL, json_array(json(?9)), ?10, ?11
       WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = ?2)`,
    )
    .bind(
      delivery.id,
      delivery.webhook_id,
      delivery.dedupe_key,
      delivery.event,
      delivery.survey_id,
      delivery.invitation_id,
      delivery.body,
      status,
      JSON.stringify(outcome),
      delivery.created_at,
      outcome.at,
    )
    .run();
  return result.meta.changes > 0;
}

export interface DeliveryRecord {
  id: string;
  event: DeliveryEvent;
  survey: string | null;
  status: DeliveryStatus;
  attempts: AttemptOutcome[];
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
}

interface DeliveryRow extends Omit<DeliveryRecord, "attempts" | "survey"> {
  survey_id: string | null;
  attempt_log: string;
}

export interface DeliveryCursor {
  created_at: number;
  id: string;
}

/** One endpoint's log, newest first. */
export async function listDeliveries(
  db: D1Database,
  webhookId: string,
  options: { before: DeliveryCursor | null; limit: number },
): Promise<{ deliveries: DeliveryRecord[]; next: DeliveryCursor | null }> {
  const { results } = await db
    .prepare(
      `SELECT id, event, survey_id, status, attempt_log, next_attempt_at, created_at, updated_at FROM webhook_deliveries
       WHERE webhook_id = ?1 AND (?2 IS NULL OR created_at < ?2 OR (created_at = ?2 AND id < ?3))
       ORDER BY created_at DESC, id DESC LIMIT ?4`,
    )
    .bind(webhookId, options.before?.created_at ?? null, options.before?.id ?? "", options.limit + 1)
    .all<DeliveryRow>();
  const page = results.slice(0, options.limit).map(({ survey_id, attempt_log, ...row }) => ({
    ...row,
    survey: survey_id,
    attempts: JSON.parse(attempt_log) as AttemptOutcome[],
  }));
  const last = page.at(-1);
  return { deliveries: page, next: results.length > options.limit && last ? { created_at: last.created_at, id: last.id } : null };
}

/** Forgets finished deliveries created before `before` (their bodies name people); at most `limit` a call. */
export async function pruneDeliveries(db: D1Database, before: number, limit: number): Promise<number> {
  const result = await db
    .prepare(
      `DELETE FROM webhook_deliveries WHERE id IN
         (SELECT id FROM webhook_deliveries WHERE created_at < ?1 AND status <> 'pending' ORDER BY created_at LIMIT ?2)`,
    )
    .bind(before, limit)
    .run();
  return result.meta.changes;
}
