import * as v from "valibot";
import type { Principal } from "../auth/principal";
import { decodeTextCursor, encodeTextCursor } from "../http/cursor";
import { notFound } from "../http/errors";
import { queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import { IsoTime, isoTime } from "../http/time";
import { LOCALES } from "../i18n/locales";
import { getPersonView, listPeopleViews, savePerson, type PersonView as StoredPersonView } from "../storage/people";
import { propertiesSchema, recipientSchema } from "../surveys/properties";
import { isTimeZone } from "../surveys/survey-input";
import { Erased, erasePerson, recipientOf } from "./erasure";
import { EmailAddress } from "../surveys/properties";

/**
 * People Tapscore may email, by the caller's own recipient id, shared by every survey. What they were
 * last sent, last answered and will next be asked is read from their messages, answers and
 * memberships; whether their address is suppressed, from the suppression list.
 */

const MAX_PROPERTIES = 50;

export const NewPerson = v.strictObject({
  recipient: recipientSchema("Who this is, in your own terms (a customer id, an email address), as on invitations."),
  email: v.optional(v.pipe(v.nullable(EmailAddress), v.description("Where survey emails go; null clears it."))),
  name: v.optional(v.pipe(v.nullable(freeText(200)), v.description("The {{name}} of their messages; null clears it."))),
  locale: v.optional(
    v.pipe(v.nullable(v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`)), v.description("Language of their messages and pages; the survey's when null.")),
  ),
  timezone: v.optional(
    v.pipe(
      v.nullable(v.pipe(v.string(), v.check(isTimeZone, "must be an IANA time zone such as Europe/Amsterdam"))),
      v.description("IANA name: sending windows are this zone's hours (the survey's when null)."),
    ),
  ),
  properties: v.optional(
    v.pipe(
      propertiesSchema,
      v.check((properties) => Object.keys(properties).length <= MAX_PROPERTIES, `may hold at most ${MAX_PROPERTIES} properties`),
      v.description("Segment values copied onto their invitations; merged into the stored ones."),
    ),
  ),
});
type NewPerson = v.InferOutput<typeof NewPerson>;

const moment = (description: string) => v.pipe(v.nullable(IsoTime), v.description(description));

export const PersonView = v.object({
  recipient: v.string(),
  email: v.nullable(v.string()),
  name: v.nullable(v.string()),
  locale: v.nullable(v.picklist(LOCALES)),
  timezone: v.nullable(v.string()),
  properties: v.record(v.string(), v.string()),
  created_at: IsoTime,
  updated_at: IsoTime,
  last_sent_at: moment("Their latest survey email that was sent; null when none was."),
  last_responded_at: moment("Their latest counted answer to any survey; null when none."),
  next_send_at: moment("When their next survey email is due (scheduled, or their next recurrence); null when none is."),
  unsubscribed: v.pipe(v.boolean(), v.description("Their address is on the unsubscribe list: no survey email reaches it.")),
  bounced: v.pipe(v.boolean(), v.description("Their address bounced: no survey email is sent to it.")),
  complained: v.pipe(v.boolean(), v.description("A message to their address was marked as spam: no survey email is sent to it.")),
});
type PersonView = v.InferOutput<typeof PersonView>;

export const PersonList = v.object({
  people: v.array(PersonView),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const PersonListQuery = v.object({
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 500, fallback: 100 }, "People per page,"),
  email: queryText("Only people with this address (compared without case).", 254),
});
type PersonListQuery = v.InferOutput<typeof PersonListQuery>;

/** Checked by the handler, not the router: a recipient that is not valid is a 400 naming it (api/erasure.ts). */
export const PersonParams = v.object({
  recipient: v.pipe(v.string(), v.description("The recipient id, percent-encoded: 1 to 200 characters once decoded and trimmed.")),
});
type PersonParams = v.InferOutput<typeof PersonParams>;

const at = (epochMs: number | null) => (epochMs === null ? null : isoTime(epochMs));

const present = (person: StoredPersonView): PersonView => ({
  ...person,
  created_at: isoTime(person.created_at),
  updated_at: isoTime(person.updated_at),
  last_sent_at: at(person.last_sent_at),
  last_responded_at: at(person.last_responded_at),
  next_send_at: at(person.next_send_at),
});

/** POST /api/v1/people — creates or updates one person; a field left out keeps what is stored. */
export async function upsertPerson(request: ValidatedRequest<Record<string, string>, Record<string, unknown>, NewPerson>, env: Env): Promise<PersonView> {
  const body = request.input.body;
  await savePerson(env.DB, body, Date.now());
  const person = await getPersonView(env.DB, body.recipient);
  if (!person) throw new Error("a person just saved is missing");
  return present(person);
}

/** GET /api/v1/people — by recipient id, a page at a time. */
export async function listPeopleRoute(request: ValidatedRequest<Record<string, string>, PersonListQuery>, env: Env): Promise<v.InferOutput<typeof PersonList>> {
  const { cursor, limit, email } = request.input.query;
  const rows = await listPeopleViews(env.DB, { after: decodeTextCursor(cursor), limit: limit + 1, email: email ?? null });
  const people = rows.slice(0, limit);
  const last = people.at(-1);
  return { people: people.map(present), next_cursor: rows.length > limit && last ? encodeTextCursor(last.recipient) : null };
}

/** GET /api/v1/people/{recipient} */
export async function getPersonRoute(request: ValidatedRequest<PersonParams>, env: Env): Promise<PersonView> {
  const person = await getPersonView(env.DB, recipientOf(request.input.params.recipient));
  if (!person) throw notFound("The person");
  return present(person);
}

/** DELETE /api/v1/people/{recipient} — the erasure of DELETE /api/v1/respondents/{recipient}, everywhere. */
export async function deletePersonRoute(request: ValidatedRequest<PersonParams> & { principal: Principal }, env: Env): Promise<v.InferOutput<typeof Erased>> {
  return erasePerson(env, request.principal, recipientOf(request.input.params.recipient), null);
}
