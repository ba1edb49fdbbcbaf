import { base64url, randomBytes } from "../security/secrets";
import { claimHeldDeliveries, insertDeliveries, type NewDelivery, readResponseSnapshot, readResponseState, readSubscribers, type ReadyDelivery, responseSnapshotStatement, type ResponseState, responseStateStatement, type Subscriber, subscribersOf, subscribersStatement, type SurveyFacts } from "../storage/webhooks";
import type { Outbox } from "./deliver";
import { responseEvents } from "./events";
import { dropBody, responseBody, type MetricDrop } from "./payloads";

/**
 * Turning stored changes into queued deliveries. A response write reads the response before and after
 * itself and the endpoints of its survey in its own batch (no extra round trip); only when an endpoint
 * wants what changed does one more statement enqueue the deliveries. Deliveries are not ordered:
 * receivers compare `timestamp` (or the response's `updated_at`).
 */

const newMessageId = () => `msg_${base64url(randomBytes(15))}`;

export interface ResponseWatch {
  /** Put first in the write's batch. */
  before: D1PreparedStatement;
  /** Put last in the write's batch. */
  after: D1PreparedStatement[];
  read(results: readonly D1Result[]): WatchedChange;
}

export interface WatchedChange {
  invitationId: string;
  prior: ResponseState | null;
  after: ReturnType<typeof readResponseSnapshot>;
  subscribers: Subscriber[];
}

export function watchResponse(db: D1Database, invitationId: string, surveyId: string): ResponseWatch {
  return {
    before: responseStateStatement(db, invitationId),
    after: [responseSnapshotStatement(db, invitationId), subscribersStatement(db, surveyId)],
    read: (results) => ({
      invitationId,
      prior: readResponseState(results[0]),
      after: readResponseSnapshot(results.at(-2)),
      subscribers: readSubscribers(results.at(-1)),
    }),
  };
}

/** Enqueues what a response write raised; with an outbox the first attempt is made after the response is sent. */
export async function announceResponseChange(
  db: D1Database,
  change: WatchedChange,
  context: { eventSeq: number; now: number; settleMs: number; outbox?: Outbox | undefined },
): Promise<void> {
  if (change.subscribers.length === 0 || !change.after) return;
  const { survey, response } = change.after;
  const events = responseEvents(change.prior, response, survey, context.eventSeq);
  // A lone tap may still be a scanner's first click: its deliveries wait until a sweep would have shown,
  // and the cron sends them. A confirmed choice (form, comment, beacon), an override or an ingested score goes now.
  const unsettled = response.reason === "tap";
  const outbox = unsettled ? undefined : context.outbox;
  // ...and takes along what the lone tap before it left waiting.
  if (outbox && response.status === "counted") outbox.send(await claimHeldDeliveries(db, change.invitationId, context.now, outbox.leaseUntil(context.now)));
  const nextAttempt = unsettled ? context.now + context.settleMs : outbox ? outbox.leaseUntil(context.now) : context.now;
  const planned = change.subscribers.flatMap((endpoint) =>
    events
      .filter(({ event }) => endpoint.events.includes(event))
      .map(({ event, key }) => ({
        endpoint,
        delivery: {
          id: newMessageId(),
          webhook_id: endpoint.id,
          dedupe_key: `${endpoint.id}:${change.invitationId}:${key}`,
          event,
          survey_id: survey.id,
          invitation_id: change.invitationId,
          body: responseBody(endpoint.format, event, survey, response, change.prior, context.now),
          next_attempt_at: nextAttempt,
          created_at: context.now,
        } satisfies NewDelivery,
      })),
  );
  await enqueue(db, planned, outbox);
}

async function enqueue(db: D1Database, planned: { endpoint: Subscriber; delivery: NewDelivery }[], outbox: Outbox | undefined): Promise<number> {
  if (planned.length === 0) return 0;
  const inserted = await insertDeliveries(db, planned.map((p) => p.delivery));
  const ready: ReadyDelivery[] = planned
    .filter((p) => inserted.has(p.delivery.id))
    .map(({ endpoint, delivery }) => ({ id: delivery.id, url: endpoint.url, secret: endpoint.secret, body: delivery.body, attempts: 0 }));
  outbox?.send(ready);
  return inserted.size;
}

/**
 * Called by the rollup when functions/scoring/drop.ts flags a significant drop. Idempotent per survey
 * and period, so a drop found again by later ticks is announced once. The cron's delivery run sends it.
 */
export async function emitMetricDrop(env: Pick<Env, "DB">, survey: SurveyFacts, drop: MetricDrop, now = Date.now()): Promise<number> {
  const endpoints = (await subscribersOf(env.DB, survey.id)).filter((e) => e.events.includes("metric.drop"));
  return enqueue(
    env.DB,
    endpoints.map((endpoint) => ({
      endpoint,
      delivery: {
        id: newMessageId(),
        webhook_id: endpoint.id,
        dedupe_key: `${endpoint.id}:drop:${survey.id}:${drop.from}:${drop.to}`,
        event: "metric.drop",
        survey_id: survey.id,
        invitation_id: null,
        body: dropBody(endpoint.format, survey, drop, now),
        next_attempt_at: now,
        created_at: now,
      },
    })),
    undefined,
  );
}
