import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { ApiError, notFound } from "../http/errors";
import { queryChoice, queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { IsoTime, isoTime } from "../http/time";
import { messageOfSend } from "../sending/stored-message";
import { cancelSend, getSend, listSends, SEND_KINDS, SEND_STATUSES, type SendRecord } from "../storage/sends";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";

const SEND_ID_PATTERN = /^snd_[0-9a-f]{32}$/;

/** One survey email as the API shows it: where it stands, never the provider's words. */
export const Send = v.object({
  id: v.string(),
  survey: v.string(),
  invitation: v.pipe(v.nullable(v.string()), v.description("The invitation whose links it carries; null when suppressed before one was made.")),
  recipient: v.string(),
  email: v.string(),
  kind: v.pipe(v.picklist(SEND_KINDS), v.description("invitation: asked for by the invitations API; reminder; recurring: a member's periodic message.")),
  status: v.pipe(
    v.picklist(SEND_STATUSES),
    v.description(
      "scheduled: waits for send_at; sending: a run holds it; sent: Email Service took it; failed: given up (see error); " +
        "suppressed: the address is unsubscribed or bounced, nothing was sent; cancelled: called off before it left.",
    ),
  ),
  send_at: v.pipe(IsoTime, v.description("When it is (or was) due; after a passing failure, the next attempt's time.")),
  attempts: v.pipe(v.number(), v.integer()),
  error: v.pipe(
    v.nullable(v.string()),
    v.description("The last failure or why it waits, as a code: an Email Service code (E_…), unsubscribed, bounced, email_from_missing, answered…"),
  ),
  message_id: v.pipe(v.nullable(v.string()), v.description("Email Service's id, once sent.")),
  created_at: IsoTime,
  updated_at: IsoTime,
  sent_at: v.nullable(IsoTime),
});
type Send = v.InferOutput<typeof Send>;

export const SendView = v.object({
  ...Send.entries,
  message: v.pipe(
    v.nullable(
      v.object({
        from: v.object({ email: v.string(), name: v.string() }),
        to: v.string(),
        reply_to: v.nullable(v.string()),
        subject: v.string(),
        headers: v.record(v.string(), v.string()),
        html: v.string(),
        text: v.string(),
      }),
    ),
    v.description(
      "The message rendered again from what was stored: as it was sent (its texts were fixed then), or as it will be sent. " +
        "null when it never had one (suppressed before an invitation was made) or its invitation was erased.",
    ),
  ),
});
type SendView = v.InferOutput<typeof SendView>;

export const SendList = v.object({
  sends: v.array(Send),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const SendListQuery = v.object({
  survey: v.optional(v.pipe(v.string(), v.description("Only this survey's messages."), v.regex(SURVEY_ID_PATTERN, "must be a survey id."))),
  status: queryChoice(SEND_STATUSES, "Only messages in this status."),
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 200, fallback: 50 }, "Messages per page,"),
});

export const SendParams = v.object({ id: v.pipe(v.string(), v.regex(SEND_ID_PATTERN)) });
type SendParams = v.InferOutput<typeof SendParams>;

const present = (send: SendRecord): Send => ({
  id: send.id,
  survey: send.survey_id,
  invitation: send.invitation_id,
  recipient: send.recipient,
  email: send.email,
  kind: send.kind,
  status: send.status,
  send_at: isoTime(send.send_at),
  attempts: send.attempts,
  error: send.error,
  message_id: send.message_id,
  created_at: isoTime(send.created_at),
  updated_at: isoTime(send.updated_at),
  sent_at: send.sent_at === null ? null : isoTime(send.sent_at),
});

/** GET /api/v1/sends — every message, newest first. */
export async function listSendsRoute(
  request: ValidatedRequest<unknown, v.InferOutput<typeof SendListQuery>>,
  env: Env,
): Promise<v.InferOutput<typeof SendList>> {
  const { survey, status, cursor, limit } = request.input.query;
  const before = decodeTimeCursor(cursor, SEND_ID_PATTERN);
  const rows = await listSends(env.DB, { surveyId: survey ?? null, status: status ?? null, before, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? encodeTimeCursor({ created_at: last.created_at, id: last.id }) : null;
  return { sends: page.map(present), next_cursor: next };
}

/** GET /api/v1/sends/{id} — one message with what it says. */
export async function getSendRoute(request: ValidatedRequest<SendParams>, env: Env): Promise<SendView> {
  const send = await getSend(env.DB, request.input.params.id);
  if (!send) throw notFound("The message");
  const message = await messageOfSend(env, send);
  return {
    ...present(send),
    message: message && {
      from: message.from,
      to: message.to,
      reply_to: message.replyTo,
      subject: message.subject,
      headers: message.headers,
      html: message.html,
      text: message.text,
    },
  };
}

/** DELETE /api/v1/sends/{id} — cancels a message still scheduled; one already leaving or gone cannot be. */
export async function cancelSendRoute(request: ValidatedRequest<SendParams>, env: Env): Promise<Send> {
  const id = request.input.params.id;
  const cancelled = await cancelSend(env.DB, id, Date.now());
  if (cancelled) return present(cancelled);
  const send = await getSend(env.DB, id);
  if (!send) throw notFound("The message");
  throw new ApiError(409, "not_cancellable", `Only a scheduled message can be cancelled; this one is ${send.status}.`);
}
