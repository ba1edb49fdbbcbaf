import { base64url, randomBytes } from "../security/secrets";
import { getPersonView } from "../storage/people";
import { claimHeldDeliveries, insertDeliveries, type NewDelivery, readResponseSnapshot, readSubscribers, type ReadyDelivery, type ResponseSnapshot, responseSnapshotStatement, type ResponseState, type Subscriber, subscribersOf, subscribersStatement, type SurveyFacts, type WebhookEvent } from "../storage/webhooks";
import type { Outbox } from "./deliver";
import { delightedResponseBody, hasDelightedShape } from "./delighted-events";
import { type DelightedPerson, presentPerson } from "./delighted-format";
import { type ResponseEvent, responseEvents } from "./events";
import { dropBody, responseBody, type MetricDrop } from "./payloads";

/**
 * Turning stored changes into queued deliveries. A response write knows the response before it (the
 * state its guarded write lands on) and reads the response after it and the endpoints of its survey in
 * its own batch (no extra round trip); only when an endpoint wants what changed does one more
 * statement enqueue the deliveries. Deliveries are not ordered: receivers compare `timestamp` (or the
 * response's `updated_at`).
 */

export const newMessageId = (): string => `msg_${base64url(randomBytes(15))}`;

/** Whether an endpoint is sent this event: it subscribed, and its format has a shape for it. */
export const wants = (endpoint: Subscriber, event: WebhookEvent): boolean =>
  endpoint.events.includes(event) && (endpoint.format !== "delighted" || hasDelightedShape(event));

export interface ResponseWatch {
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

/**
 * The reads after a response write, in its batch. `prior` is the response as the writer read it before:
 * a write guarded by the answer's version lands only on that state, so it needs no read of its own.
 */
export function watchResponse(db: D1Database, invitationId: string, surveyId: string, prior: ResponseState | null): ResponseWatch {
  return {
    after: [responseSnapshotStatement(db, invitationId), subscribersStatement(db, surveyId)],
    read: (results) => ({
      invitationId,
      prior,
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
  const wanted = change.subscribers.flatMap((endpoint) => events.filter(({ event }) => wants(endpoint, event)).map((planned) => ({ endpoint, ...planned })));
  // Delighted's webhooks showed the person expanded: read only when a delighted endpoint is sent something.
  const person = wanted.some(({ endpoint }) => endpoint.format === "delighted") ? await delightedPerson(db, response.recipient) : null;
  const planned = wanted.map(({ endpoint, event, key }) => {
    const id = newMessageId();
    return {
      endpoint,
      delivery: {
        id,
        webhook_id: endpoint.id,
        dedupe_key: `${endpoint.id}:${change.invitationId}:${key}`,
        event,
        survey_id: survey.id,
        invitation_id: change.invitationId,
        body: bodyOf(endpoint, event, id, { survey, response, person, prior: change.prior, at: context.now }),
        next_attempt_at: nextAttempt,
        created_at: context.now,
      } satisfies NewDelivery,
    };
  });
  await enqueue(db, planned, outbox);
}

function bodyOf(
  endpoint: Subscriber,
  event: ResponseEvent,
  id: string,
  about: { survey: SurveyFacts; response: ResponseSnapshot; prior: ResponseState | null; person: DelightedPerson | null; at: number },
): string {
  if (endpoint.format !== "delighted") return responseBody(endpoint.format, event, about.survey, about.response, about.prior, about.at);
  // wants() sends a delighted endpoint only the events Delighted had.
  if (!hasDelightedShape(event)) throw new Error(`webhooks: ${event} has no Delighted shape`);
  return delightedResponseBody(event, id, about.survey, about.response, about.person);
}

async function delightedPerson(db: D1Database, recipient: string): Promise<DelightedPerson | null> {
  const view = await getPersonView(db, recipient);
  return view ? presentPerson(view) : null;
}

async function enqueue(db: D1Database, planned: { endpoint: Subscriber; delivery: NewDelivery }[], outbox: Outbox | undefined): Promise<number> {
  if (planned.length === 0) return 0;
  const inserted = await insertDeliveries(db, planned.map((p) => p.delivery));
  const ready: ReadyDelivery[] = planned
    .filter((p) => inserted.has(p.delivery.id))
    .map(({ endpoint, delivery }) => ({ id: delivery.id, url: endpoint.url, secret: endpoint.secret, format: endpoint.format, body: delivery.body, attempts: 0 }));
  outbox?.send(ready);
  return inserted.size;
}

/**
 * Called by the rollup when functions/scoring/drop.ts flags a significant drop. Idempotent per survey
 * and period, so a drop found again by later ticks is announced once. The cron's delivery run sends it.
 */
export async function emitMetricDrop(env: Pick<Env, "DB">, survey: SurveyFacts, drop: MetricDrop, now = Date.now()): Promise<number> {
  // Delighted had no metric alert: a delighted endpoint cannot subscribe to it (functions/api/webhooks.ts).
  const endpoints = (await subscribersOf(env.DB, survey.id)).flatMap((e) => (e.events.includes("metric.drop") && e.format !== "delighted" ? [{ ...e, format: e.format }] : []));
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
