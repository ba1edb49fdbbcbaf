import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { badRequest, notFound } from "../http/errors";
import { queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { IsoTime, isoTime } from "../http/time";
import {
  SUPPRESSION_SOURCES,
  getSuppression,
  liftSuppression,
  listSuppressions,
  suppress,
  type Suppression,
  type SuppressionReason,
} from "../storage/suppressions";
import { EmailAddress } from "../surveys/properties";
import { announceUnsubscribe } from "../webhooks/unsubscribes";

/**
 * Addresses Tapscore never emails again, per address across every survey: unsubscribes (the person's
 * own link, or a team's call) and bounces or complaints (Email Service, or a team that learned of one
 * elsewhere). Addresses are kept and compared lower-cased.
 */

const BOUNCE_KINDS = ["bounced", "complained"] as const satisfies readonly SuppressionReason[];

const shown = {
  email: v.pipe(v.string(), v.description("Lower-cased.")),
  source: v.pipe(v.picklist(SUPPRESSION_SOURCES), v.description("link: the person's unsubscribe link; api: a team's call; platform: Email Service refused the address.")),
  survey: v.pipe(v.nullable(v.string()), v.description("The survey whose message it came from, when known.")),
  created_at: IsoTime,
};

export const Unsubscribe = v.object(shown);
type Unsubscribe = v.InferOutput<typeof Unsubscribe>;
export const Bounce = v.object({ ...shown, kind: v.pipe(v.picklist(BOUNCE_KINDS), v.description("bounced: the address does not take mail; complained: marked as spam.")) });
type Bounce = v.InferOutput<typeof Bounce>;

const nextCursor = v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last."));
export const UnsubscribeList = v.object({ unsubscribes: v.array(Unsubscribe), next_cursor: nextCursor });
export const BounceList = v.object({ bounces: v.array(Bounce), next_cursor: nextCursor });

export const SuppressionListQuery = v.object({
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 500, fallback: 100 }, "Addresses per page,"),
});
type SuppressionListQuery = v.InferOutput<typeof SuppressionListQuery>;

export const NewUnsubscribe = v.strictObject({ email: EmailAddress });
export const NewBounce = v.strictObject({
  email: EmailAddress,
  kind: v.optional(v.pipe(v.picklist(BOUNCE_KINDS, `must be one of ${BOUNCE_KINDS.join(", ")}`), v.description("Default bounced.")), "bounced"),
});

/** Checked by the handler, not the router: an address that is not valid is a 400 naming it, not a 404. */
export const UnsubscribeParams = v.object({ email: v.pipe(v.string(), v.description("The address, percent-encoded.")) });

// The cursor's id part is the page's last address: anything with one @ and no spaces.
const EMAIL_IN_CURSOR = /^[^\s@]+@[^\s@]+$/;

const base = (s: Suppression) => ({ email: s.email, source: s.source, survey: s.survey_id, created_at: isoTime(s.created_at) });
const asBounce = (s: Suppression): Bounce => ({ ...base(s), kind: s.reason === "complained" ? "complained" : "bounced" });

async function page(env: Env, reasons: readonly SuppressionReason[], query: SuppressionListQuery) {
  const before = decodeTimeCursor(query.cursor, EMAIL_IN_CURSOR);
  const rows = await listSuppressions(env.DB, {
    reasons,
    before: before ? { created_at: before.created_at, email: before.id } : null,
    limit: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > query.limit && last ? encodeTimeCursor({ created_at: last.created_at, id: last.email }) : null };
}

/** GET /api/v1/unsubscribes — newest first. */
export async function listUnsubscribesRoute(request: ValidatedRequest<Record<string, string>, SuppressionListQuery>, env: Env): Promise<v.InferOutput<typeof UnsubscribeList>> {
  const { items, next_cursor } = await page(env, ["unsubscribed"], request.input.query);
  return { unsubscribes: items.map(base), next_cursor };
}

/** GET /api/v1/bounces — bounces and complaints, newest first. */
export async function listBouncesRoute(request: ValidatedRequest<Record<string, string>, SuppressionListQuery>, env: Env): Promise<v.InferOutput<typeof BounceList>> {
  const { items, next_cursor } = await page(env, BOUNCE_KINDS, request.input.query);
  return { bounces: items.map(asBounce), next_cursor };
}

/** The stored row after a write: the first one when the address was already there. */
async function recorded(env: Env, reason: SuppressionReason, email: string, created: boolean): Promise<{ row: Suppression; status: 200 | 201 }> {
  const row = await getSuppression(env.DB, email, reason);
  if (!row) throw new Error("a suppression just written is missing");
  return { row, status: created ? 201 : 200 };
}

/** POST /api/v1/unsubscribes — 201 when new, 200 with the first record when the address was already unsubscribed. */
export async function createUnsubscribe(request: ValidatedRequest<Record<string, string>, Record<string, unknown>, v.InferOutput<typeof NewUnsubscribe>>, env: Env): Promise<Response> {
  const { email } = request.input.body;
  const created = await announceUnsubscribe(env.DB, { email, source: "api", surveyId: null, now: Date.now() });
  const { row, status } = await recorded(env, "unsubscribed", email, created);
  const body: Unsubscribe = base(row);
  return Response.json(body, { status });
}

/** POST /api/v1/bounces — a bounce or complaint the team learned of elsewhere. */
export async function createBounce(request: ValidatedRequest<Record<string, string>, Record<string, unknown>, v.InferOutput<typeof NewBounce>>, env: Env): Promise<Response> {
  const { email, kind } = request.input.body;
  const created = await suppress(env.DB, { email, reason: kind, source: "api", survey_id: null, created_at: Date.now() });
  const { row, status } = await recorded(env, kind, email, created);
  const body: Bounce = asBounce(row);
  return Response.json(body, { status });
}

/** A percent-encoded address from a path: 400 naming it when it is not one. */
export function emailFromPath(raw: string, field: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw badRequest("invalid_path", `${field}: not valid percent-encoding of UTF-8 text.`, field);
  }
  const parsed = v.safeParse(EmailAddress, decoded);
  if (!parsed.success) throw badRequest("invalid_path", `${field}: must be an email address.`, field);
  return parsed.output;
}

/** DELETE /api/v1/unsubscribes/{email} — the address may be emailed again (a bounce on it stays). */
export async function deleteUnsubscribe(request: ValidatedRequest<v.InferOutput<typeof UnsubscribeParams>>, env: Env): Promise<Response> {
  const email = emailFromPath(request.input.params.email, "email");
  if (!(await liftSuppression(env.DB, email, "unsubscribed"))) throw notFound("The unsubscribe");
  return new Response(null, { status: 204 });
}
