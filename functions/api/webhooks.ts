import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { ApiError, badRequest, notFound } from "../http/errors";
import { queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { IsoTime, isoTime } from "../http/time";
import { withoutControlCharacters } from "../http/text";
import { randomBytes, toHex } from "../security/secrets";
import { checkWebhookUrl } from "../security/webhook-url";
import { getSurvey } from "../storage/surveys";
import {
  ATTEMPT_ERRORS,
  DELIVERY_EVENTS,
  DELIVERY_STATUSES,
  WEBHOOK_EVENTS,
  WEBHOOK_FORMATS,
  countWebhooks,
  deleteWebhook,
  getWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  type DeliveryRecord,
  type Webhook as StoredWebhook,
} from "../storage/webhooks";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import { webhookUrlRules } from "../webhooks/deliver";
import { hasDelightedShape } from "../webhooks/delighted-events";
import { generateWebhookSecret } from "../webhooks/signing";
import { TEST_EVENT, sendTestEvent } from "../webhooks/test-event";

/** Every counted response fans out to every endpoint in the request that stored it: keep that bounded. */
export const MAX_WEBHOOKS = 50;

export const NewWebhook = v.strictObject({
  url: v.pipe(
    v.string("must be a URL"),
    v.description(
      "https to a public host, on any port, without user name or password. Private, loopback, link-local, shared, multicast, " +
        "reserved and documentation addresses (in any spelling) and internal names (localhost, .internal, .local, .lan, " +
        "names without a dot, …) are refused; local development alone also takes this machine, over plain http too.",
    ),
    v.maxLength(2048, "must be at most 2048 characters"),
    // Kept as sent: a control character the URL parser would drop or escape would make it another URL than the one stored.
    withoutControlCharacters(),
  ),
  events: v.pipe(
    v.array(v.picklist(WEBHOOK_EVENTS, `must be among ${WEBHOOK_EVENTS.join(", ")}`)),
    v.description(
      "The events to send: at least one, none twice. unsubscribe.created: an address went on the unsubscribe list " +
        "(the person's link or a team's call). A delighted endpoint takes response.created, response.updated and unsubscribe.created only.",
    ),
    v.minLength(1, "must name at least one event"),
    v.check((events) => new Set(events).size === events.length, "must not repeat an event"),
  ),
  survey: v.optional(
    v.nullable(v.pipe(v.string(), v.regex(SURVEY_ID_PATTERN, "must be a survey id"), v.description("Only this survey's events; every survey's when absent or null."))),
  ),
  format: v.optional(
    v.pipe(
      v.picklist(WEBHOOK_FORMATS, `must be one of ${WEBHOOK_FORMATS.join(", ")}`),
      v.description(
        "standard: the Standard Webhooks event envelope (the default); slack: a Slack incoming-webhook message { text }; " +
          "delighted: Delighted's { event_type, event_id, event_data } (survey_response.created, survey_response.updated, " +
          "unsubscribe.created) with its X-Delighted-Webhook-Signature header besides the Standard Webhooks ones.",
      ),
    ),
  ),
});

/** A webhook as the API answers with it: never its secret, except once, on creation. */
export const Webhook = v.object({
  id: v.string(),
  url: v.string(),
  events: v.array(v.picklist(WEBHOOK_EVENTS)),
  survey: v.pipe(v.nullable(v.string()), v.description("Only this survey's events; null for every survey.")),
  format: v.picklist(WEBHOOK_FORMATS),
  created_at: IsoTime,
});
type Webhook = v.InferOutput<typeof Webhook>;

export const CreatedWebhook = v.object({
  ...Webhook.entries,
  secret: v.pipe(v.string(), v.description("whsec_…, the signing secret, shown in this answer only.")),
});

export const WebhookList = v.object({ webhooks: v.array(Webhook) });

export const WebhookParams = v.object({ id: v.pipe(v.string(), v.regex(/^wh_[0-9a-f]{16}$/)) });
type WebhookParams = v.InferOutput<typeof WebhookParams>;

const AttemptError = v.pipe(
  v.nullable(v.picklist(ATTEMPT_ERRORS)),
  v.description("Why no status: timeout, network (nothing more of the failure is kept), or refused: the URL is not one webhooks may reach, so nothing was sent."),
);

/** One delivery of an event to a webhook, with every attempt made so far. */
export const Delivery = v.object({
  id: v.pipe(v.string(), v.description("The webhook-id header: the same on every attempt.")),
  event: v.pipe(v.picklist(DELIVERY_EVENTS), v.description("The event; webhook.test: a test event sent on request (POST /api/v1/webhooks/{id}/test), attempted once.")),
  survey: v.nullable(v.string()),
  status: v.pipe(v.picklist(DELIVERY_STATUSES), v.description("cancelled: the response turned out to be a scanner's before the delivery was due.")),
  attempts: v.pipe(v.number(), v.integer()),
  next_attempt_at: v.pipe(v.nullable(IsoTime), v.description("When the next attempt is due; null once delivered, failed or cancelled.")),
  created_at: IsoTime,
  updated_at: IsoTime,
  log: v.array(
    v.object({
      at: IsoTime,
      status: v.pipe(v.nullable(v.pipe(v.number(), v.integer())), v.description("The receiver's HTTP status; null when it did not answer.")),
      error: AttemptError,
      duration_ms: v.pipe(v.number(), v.integer()),
    }),
  ),
});
type Delivery = v.InferOutput<typeof Delivery>;

export const DeliveryList = v.object({
  deliveries: v.array(Delivery),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const DeliveryListQuery = v.object({
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 200, fallback: 50 }, "Deliveries per page,"),
});

/** The outcome of the one attempt of a test event. */
export const WebhookTestResult = v.object({
  id: v.pipe(v.string(), v.description("The delivery's id: its webhook-id header and its entry in the delivery log.")),
  event: v.literal(TEST_EVENT),
  ok: v.pipe(v.boolean(), v.description("Whether the endpoint answered 2xx: then it is logged delivered, else failed (a test is not retried).")),
  status: v.pipe(v.nullable(v.pipe(v.number(), v.integer())), v.description("The receiver's HTTP status; null when it did not answer.")),
  error: AttemptError,
  duration_ms: v.pipe(v.number(), v.integer()),
  at: IsoTime,
});

const present = (webhook: StoredWebhook): Webhook => ({ ...webhook, created_at: isoTime(webhook.created_at) });

/** POST /api/v1/webhooks — the signing secret is in this answer and never again. */
export async function createWebhook(request: ValidatedRequest<unknown, unknown, v.InferOutput<typeof NewWebhook>>, env: Env): Promise<Response> {
  const input = request.input.body;
  // Judged here rather than in NewWebhook: whether this machine may be called depends on env.
  const target = checkWebhookUrl(input.url, webhookUrlRules(env));
  if (!target.ok) throw badRequest("invalid_field", `url: ${target.problem}`, "url");
  const format = input.format ?? "standard";
  const shapeless = format === "delighted" ? input.events.filter((event) => !hasDelightedShape(event)) : [];
  if (shapeless.length > 0) {
    throw badRequest("invalid_field", `events: Delighted had no ${shapeless.join(" or ")} event; a standard or slack webhook can take it.`, "events");
  }
  const survey = input.survey ?? null;
  if (survey !== null && !(await getSurvey(env.DB, survey))) throw badRequest("invalid_field", "survey: no survey has this id.", "survey");
  if ((await countWebhooks(env.DB)) >= MAX_WEBHOOKS) {
    throw new ApiError(409, "limit_reached", `At most ${MAX_WEBHOOKS} webhooks; delete one first.`);
  }
  const webhook = {
    id: `wh_${toHex(randomBytes(8))}`,
    url: input.url,
    events: input.events,
    survey,
    format,
    secret: generateWebhookSecret(),
    created_at: Date.now(),
  };
  await insertWebhook(env.DB, webhook);
  const { secret, ...shown } = webhook;
  const body: v.InferOutput<typeof CreatedWebhook> = { ...present(shown), secret };
  return Response.json(body, { status: 201, headers: { Location: `/api/v1/webhooks/${webhook.id}`, "Cache-Control": "no-store" } });
}

export async function listWebhooksRoute(_request: ValidatedRequest, env: Env): Promise<v.InferOutput<typeof WebhookList>> {
  return { webhooks: (await listWebhooks(env.DB)).map(present) };
}

/** DELETE /api/v1/webhooks/{id} — pending deliveries go with it. */
export async function deleteWebhookRoute(request: ValidatedRequest<WebhookParams>, env: Env): Promise<Response> {
  if (!(await deleteWebhook(env.DB, request.input.params.id))) throw notFound("The webhook");
  return new Response(null, { status: 204 });
}

const presentDelivery = ({ attempts, next_attempt_at, created_at, updated_at, ...delivery }: DeliveryRecord): Delivery => ({
  ...delivery,
  attempts: attempts.length,
  next_attempt_at: next_attempt_at === null ? null : isoTime(next_attempt_at),
  created_at: isoTime(created_at),
  updated_at: isoTime(updated_at),
  log: attempts.map(({ at, ...attempt }) => ({ at: isoTime(at), ...attempt })),
});

/** GET /api/v1/webhooks/{id}/deliveries — the delivery log, newest first, each with its attempts. */
export async function listDeliveriesRoute(
  request: ValidatedRequest<WebhookParams, v.InferOutput<typeof DeliveryListQuery>>,
  env: Env,
): Promise<v.InferOutput<typeof DeliveryList>> {
  const webhook = await getWebhook(env.DB, request.input.params.id);
  if (!webhook) throw notFound("The webhook");
  const { cursor, limit } = request.input.query;
  const page = await listDeliveries(env.DB, webhook.id, { before: decodeTimeCursor(cursor, /^msg_[A-Za-z0-9_-]{20}$/), limit });
  return { deliveries: page.deliveries.map(presentDelivery), next_cursor: page.next ? encodeTimeCursor(page.next) : null };
}

/** POST /api/v1/webhooks/{id}/test — one signed test event, sent now, logged with its outcome. */
export async function testWebhookRoute(request: ValidatedRequest<WebhookParams>, env: Env): Promise<v.InferOutput<typeof WebhookTestResult>> {
  const sent = await sendTestEvent(env, request.input.params.id);
  if (!sent) throw notFound("The webhook");
  const { outcome } = sent;
  return { id: sent.id, event: TEST_EVENT, ok: sent.delivered, status: outcome.status, error: outcome.error, duration_ms: outcome.duration_ms, at: isoTime(outcome.at) };
}
