import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { ApiError, badRequest, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryInt, queryParam } from "../http/query";
import { parseOrThrow } from "../http/validate";
import { randomBytes, toHex } from "../security/secrets";
import { getSurvey } from "../storage/surveys";
import { countWebhooks, deleteWebhook, type DeliveryRecord, getWebhook, insertWebhook, listDeliveries, listWebhooks, type Webhook, WEBHOOK_EVENTS, WEBHOOK_FORMATS } from "../storage/webhooks";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import { generateWebhookSecret } from "../webhooks/signing";
import type { AuthedRequest } from "./auth";
import { isoTime } from "../http/time";

/** Every counted response fans out to every endpoint in the request that stored it: keep that bounded. */
export const MAX_WEBHOOKS = 50;

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** https anywhere; plain http only to this machine, for a receiver during local development. */
export function isAllowedWebhookUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname));
}

const newWebhookSchema = v.strictObject({
  url: v.pipe(
    v.string("must be a URL"),
    v.maxLength(2048, "must be at most 2048 characters"),
    v.check(isAllowedWebhookUrl, "must be an https URL without credentials (http only to localhost or 127.0.0.1, for local development)"),
  ),
  events: v.pipe(
    v.array(v.picklist(WEBHOOK_EVENTS, `must be among ${WEBHOOK_EVENTS.join(", ")}`)),
    v.minLength(1, "must name at least one event"),
    v.check((events) => new Set(events).size === events.length, "must not repeat an event"),
  ),
  survey: v.optional(v.nullable(v.pipe(v.string(), v.regex(SURVEY_ID_PATTERN, "must be a survey id")))),
  format: v.optional(v.picklist(WEBHOOK_FORMATS, `must be one of ${WEBHOOK_FORMATS.join(", ")}`)),
});

const present = (webhook: Webhook) => ({ ...webhook, created_at: isoTime(webhook.created_at) });

/** POST /api/v1/webhooks — the signing secret is in this answer and never again. */
export async function createWebhook(request: AuthedRequest, env: Env): Promise<Response> {
  const input = parseOrThrow(newWebhookSchema, await readJsonObject(request));
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
    format: input.format ?? "standard",
    secret: generateWebhookSecret(),
    created_at: Date.now(),
  };
  await insertWebhook(env.DB, webhook);
  const { secret, ...shown } = webhook;
  return Response.json(
    { ...present(shown), secret },
    { status: 201, headers: { Location: `/api/v1/webhooks/${webhook.id}`, "Cache-Control": "no-store" } },
  );
}

export async function listWebhooksRoute(_request: AuthedRequest, env: Env) {
  return { webhooks: (await listWebhooks(env.DB)).map(present) };
}

/** DELETE /api/v1/webhooks/{id} — pending deliveries go with it. */
export async function deleteWebhookRoute(request: AuthedRequest, env: Env): Promise<Response> {
  if (!(await deleteWebhook(env.DB, request.params.id ?? ""))) throw notFound("The webhook");
  return new Response(null, { status: 204 });
}

const presentDelivery = ({ attempts, next_attempt_at, created_at, updated_at, ...delivery }: DeliveryRecord) => ({
  ...delivery,
  attempts: attempts.length,
  next_attempt_at: next_attempt_at === null ? null : isoTime(next_attempt_at),
  created_at: isoTime(created_at),
  updated_at: isoTime(updated_at),
  log: attempts.map(({ at, ...attempt }) => ({ at: isoTime(at), ...attempt })),
});

/** GET /api/v1/webhooks/{id}/deliveries — the delivery log, newest first, each with its attempts. */
export async function listDeliveriesRoute(request: AuthedRequest, env: Env) {
  const webhook = await getWebhook(env.DB, request.params.id ?? "");
  if (!webhook) throw notFound("The webhook");
  const page = await listDeliveries(env.DB, webhook.id, {
    before: decodeTimeCursor(queryParam(request, "cursor"), /^msg_[A-Za-z0-9_-]{20}$/),
    limit: queryInt(request, "limit", { min: 1, max: 200, fallback: 50 }),
  });
  return { deliveries: page.deliveries.map(presentDelivery), next_cursor: page.next ? encodeTimeCursor(page.next) : null };
}
