import * as v from "valibot";
import type { ValidatedRequest } from "../http/route";
import { announceUnsubscribe } from "../webhooks/unsubscribes";
import { listSuppressedAddresses, type ListedAddress, type SuppressionReason } from "../storage/suppressions";
import { unixTime } from "../webhooks/delighted-format";
import type { DelightedRequest } from "./auth";
import { unprocessable } from "./errors";
import { pageNumber, perPage, unixSeconds } from "./pagination";

/**
 * Delighted's unsubscribes and bounces on Tapscore's suppression list. That list is per address and
 * global: an address unsubscribed through any survey (or key) is never emailed by any survey, so both
 * lists show every address, not only those of the key's survey. Bounces include complaints.
 */

const UnixTime = v.pipe(v.number(), v.integer(), v.description("Unix seconds."));
const PersonId = v.pipe(v.nullable(v.string()), v.description("The id (recipient) of the person with this address; null when nobody on file has it."));
const PersonName = v.pipe(v.nullable(v.string()), v.description("That person's name."));
const Email = v.pipe(v.string(), v.description("Lower-cased."));

export const DelightedUnsubscribe = v.object({ person_id: PersonId, email: Email, name: PersonName, unsubscribed_at: UnixTime });
export const DelightedBounce = v.object({
  person_id: PersonId,
  email: Email,
  name: PersonName,
  bounced_at: v.pipe(UnixTime, v.description("When the address first bounced or was complained of.")),
});
export const DelightedUnsubscribeList = v.array(DelightedUnsubscribe);
export const DelightedBounceList = v.array(DelightedBounce);

export const DelightedUnsubscribed = v.object({ ok: v.literal(true) });

export const DelightedSuppressionQuery = v.looseObject({
  page: pageNumber(),
  per_page: perPage(),
  since: unixSeconds("Only addresses that got on the list at or after this Unix time."),
  until: unixSeconds("Only addresses that got on the list at or before this Unix time."),
});
type DelightedSuppressionQuery = v.InferOutput<typeof DelightedSuppressionQuery>;

export const DelightedNewUnsubscribe = v.looseObject({
  person_email: v.optional(
    v.pipe(v.string("is invalid"), v.trim(), v.maxLength(254, "is invalid"), v.email("is invalid"), v.description("Required: the address never to email again, from any survey.")),
  ),
});

type ListRequest = ValidatedRequest<Record<string, string>, DelightedSuppressionQuery> & DelightedRequest;

function page(env: Env, reasons: readonly SuppressionReason[], query: DelightedSuppressionQuery): Promise<ListedAddress[]> {
  return listSuppressedAddresses(env.DB, {
    reasons,
    from: query.since === undefined ? null : query.since * 1000,
    // `until` names a whole second: everything before the next one.
    before: query.until === undefined ? null : (query.until + 1) * 1000,
    offset: (query.page - 1) * query.per_page,
    limit: query.per_page,
  });
}

/** GET /v1/unsubscribes — every unsubscribed address, oldest first. */
export async function listDelightedUnsubscribes(request: ListRequest, env: Env): Promise<v.InferOutput<typeof DelightedUnsubscribeList>> {
  const rows = await page(env, ["unsubscribed"], request.input.query);
  return rows.map((row) => ({ person_id: row.recipient, email: row.email, name: row.name, unsubscribed_at: unixTime(row.first_at) }));
}

/** GET /v1/bounces — every bounced or complained-of address, oldest first, once each. */
export async function listDelightedBounces(request: ListRequest, env: Env): Promise<v.InferOutput<typeof DelightedBounceList>> {
  const rows = await page(env, ["bounced", "complained"], request.input.query);
  return rows.map((row) => ({ person_id: row.recipient, email: row.email, name: row.name, bounced_at: unixTime(row.first_at) }));
}

/**
 * POST /v1/unsubscribes — as POST /api/v1/unsubscribes: the address is never emailed again; messages
 * already scheduled to it are recorded as suppressed when they fall due, not sent.
 */
export async function createDelightedUnsubscribe(
  request: ValidatedRequest<Record<string, string>, Record<string, unknown>, v.InferOutput<typeof DelightedNewUnsubscribe>> & DelightedRequest,
  env: Env,
): Promise<v.InferOutput<typeof DelightedUnsubscribed>> {
  const email = request.input.body.person_email;
  if (email === undefined) throw unprocessable("person_email", "can't be blank");
  await announceUnsubscribe(env.DB, { email, source: "api", surveyId: request.delighted.survey.id, now: Date.now() });
  return { ok: true };
}
