import * as v from "valibot";
import { linkOrigin, requireSender } from "../api/invitations";
import { erasePerson } from "../api/erasure";
import { encodeTextCursor } from "../http/cursor";
import { ApiError, notFound } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { codePoints, NOT_WELL_FORMED, withoutControlCharacters } from "../http/text";
import { LOCALES, type Locale } from "../i18n/locales";
import { configuredThrottleDays, scheduleSends } from "../sending/enqueue";
import { getPeople, getPersonView, listPeopleByCreation, recipientsWithEmail, savePerson, type PersonPosition } from "../storage/people";
import { cancelScheduledSendsTo } from "../storage/sends";
import { isEmailAddress } from "../surveys/properties";
import { DelightedPerson, presentPerson, unixTime } from "../webhooks/delighted-format";
import type { DelightedRequest } from "./auth";
import { unprocessable } from "./errors";
import { cursorText, nextLink, pageResponse, perPage, unixSeconds } from "./pagination";

/**
 * Delighted's people: POST /v1/people (the call integrations make after every purchase or ticket),
 * the list, one person, their erasure, and calling off their pending survey emails. A Delighted person
 * is one of Tapscore's people, shared by every survey; the key's survey is the one they are emailed.
 */

const DAY_MS = 86_400_000;
const MAX_DELAY_SECONDS = 365 * 86_400;
const MAX_PROPERTIES = 50;

const text = (max: number) =>
  v.pipe(
    v.string("must be text"),
    v.check((value: string) => value.isWellFormed(), NOT_WELL_FORMED),
    v.trim(),
    withoutControlCharacters(),
    v.check((value: string) => codePoints(value) <= max, `must be at most ${max} characters`),
  );

/** PHP sends every value as text: `send=false`, `send=0`. */
const Flag = v.pipe(
  v.union([v.boolean(), v.picklist(["true", "false", "1", "0"])], "must be true or false"),
  v.transform((value) => value === true || value === "true" || value === "1"),
);

/** Strings are kept, numbers and booleans become text; Delighted took nothing nested either. */
const PropertyValue = v.pipe(
  v.union([text(500), v.number(), v.boolean()], "must be a string, number or boolean"),
  v.transform((value) => String(value)),
);

export const DelightedNewPerson = v.looseObject({
  email: v.optional(v.pipe(v.string("is invalid"), v.description("Required: where the survey email goes. Tapscore sends email only."))),
  name: v.optional(v.pipe(v.nullable(text(200)), v.description("Their name, the {{name}} of the message; empty keeps the stored one."))),
  phone_number: v.optional(v.pipe(v.unknown(), v.description("Not used: Tapscore sends email only. Without an email it is refused."))),
  properties: v.optional(
    v.pipe(
      v.record(v.pipe(text(100), v.minLength(1, "keys must not be empty")), PropertyValue),
      v.check((properties) => Object.keys(properties).length <= MAX_PROPERTIES, `may hold at most ${MAX_PROPERTIES} properties`),
      v.description(
        `Kept on the person, merged into what is stored (at most ${MAX_PROPERTIES}). \`locale\` sets their language when it is one of ${LOCALES.join(", ")} ` +
          "(compared without case) and is otherwise ignored; the survey's segment keys also go onto the invitation.",
      ),
    ),
  ),
  delay: v.optional(
    v.pipe(
      v.union([v.string(), v.number()], "must be a whole number of seconds"),
      v.transform((value) => Number(value)),
      v.integer("must be a whole number of seconds"),
      v.minValue(0, "must be at least 0"),
      v.maxValue(MAX_DELAY_SECONDS, `must be at most ${MAX_DELAY_SECONDS} (a year)`),
      v.description("Seconds to wait before the survey email leaves; 0 when absent."),
    ),
  ),
  send: v.optional(v.pipe(Flag, v.description("false: only create or update the person. true when absent.")), true),
  last_sent_at: unixSeconds("When they were last surveyed elsewhere: within THROTTLE_DAYS of the send, no email is scheduled."),
  channel: v.optional(v.pipe(v.picklist(["email"], "is not supported: Tapscore sends email only"), v.description("Only email."))),
});
type DelightedNewPerson = v.InferOutput<typeof DelightedNewPerson>;

export const DelightedCreatedPerson = v.object({
  id: v.pipe(v.string(), v.description("The recipient id: theirs if a person with this address exists, else the address in lower case.")),
  email: v.nullable(v.string()),
  name: v.nullable(v.string()),
  survey_scheduled_at: v.pipe(
    v.nullable(v.pipe(v.number(), v.integer())),
    v.description("Unix seconds the survey email leaves; null when none was scheduled (send=false, unsubscribed, bounced, throttled)."),
  ),
  properties: v.pipe(v.record(v.string(), v.string()), v.description("All the properties stored on the person.")),
});
type DelightedCreatedPerson = v.InferOutput<typeof DelightedCreatedPerson>;

export const DelightedPersonList = v.array(DelightedPerson);

export const DelightedPeopleQuery = v.looseObject({
  per_page: perPage(),
  cursor: v.optional(v.pipe(v.string(), v.description("From the Link header of the page before."))),
  since: unixSeconds("Only people created at or after (Unix seconds)."),
  until: unixSeconds("Only people created at or before (Unix seconds)."),
  email: v.optional(v.pipe(v.string(), v.description("Only people with this address (compared without case)."))),
});
type DelightedPeopleQuery = v.InferOutput<typeof DelightedPeopleQuery>;

export const DelightedPersonParams = v.object({
  id: v.pipe(v.string(), v.description("The person's id (their recipient id), percent-encoded.")),
});
type DelightedPersonParams = v.InferOutput<typeof DelightedPersonParams>;

export const DelightedPersonIdentifier = v.object({
  id: v.pipe(v.string(), v.description("Percent-encoded: the person's id, `email:<address>` or `phone_number:<number>` (which names nobody: Tapscore keeps no numbers).")),
});

export const DelightedPendingParams = v.object({
  email: v.pipe(v.string(), v.description("The address whose pending survey emails of this survey are called off, percent-encoded.")),
});
type DelightedPendingParams = v.InferOutput<typeof DelightedPendingParams>;

export const DelightedOk = v.object({ ok: v.literal(true) });

type Handled<P, Q, B> = ValidatedRequest<P, Q, B> & DelightedRequest;

// An id, or `email:` and an address of up to 254 characters.
const MAX_ID_CHARS = 300;

/**
 * A path id decoded strictly, as api/erasure.ts decodes recipients (escapes that are not UTF-8 are
 * refused, not read as U+FFFD), or null when it names nothing.
 */
function decodedId(raw: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw).trim();
  } catch {
    return null;
  }
  const length = codePoints(decoded);
  return length === 0 || length > MAX_ID_CHARS ? null : decoded;
}

/** Delighted's locales are tags such as "pt-BR": one of Tapscore's, compared without case, or none. */
const localeOf = (value: string | undefined): Locale | undefined => LOCALES.find((locale) => locale === value?.toLowerCase());

/** The address, as Delighted refuses one; a phone number alone is refused too: Tapscore sends email only. */
function addressOf(body: DelightedNewPerson): string {
  const email = body.email?.trim() ?? "";
  if (email === "") {
    if (body.phone_number !== undefined && body.phone_number !== null && body.phone_number !== "") {
      throw unprocessable("phone_number", "is not supported: Tapscore sends email only, give an email");
    }
    throw unprocessable("email", "can't be blank");
  }
  if (!isEmailAddress(email)) throw unprocessable("email", "is invalid");
  return email;
}

/** Their own recipient when someone has this address, else the address in lower case. */
async function recipientFor(env: Env, email: string): Promise<string> {
  const [existing] = await recipientsWithEmail(env.DB, email);
  return existing ?? email.toLowerCase();
}

/** Delighted's throttle seed: surveyed elsewhere within THROTTLE_DAYS of this send, so not again. */
function surveyedRecently(lastSentAt: number | undefined, sendAt: number, throttleDays: number): boolean {
  return lastSentAt !== undefined && throttleDays > 0 && Math.abs(sendAt - lastSentAt * 1000) < throttleDays * DAY_MS;
}

/**
 * POST /v1/people — creates or updates the person by address and, unless send=false, schedules this
 * survey's email to them (kept from unsubscribed, bounced and recently surveyed people, as Delighted did).
 */
export async function createDelightedPerson(request: Handled<Record<string, string>, Record<string, unknown>, DelightedNewPerson>, env: Env): Promise<DelightedCreatedPerson> {
  const body = request.input.body;
  const survey = request.delighted.survey;
  const email = addressOf(body);
  if (survey.archived) throw new ApiError(422, "survey_archived", "The survey this key is bound to is archived and takes no new people.");
  // Refused before anything is written: a configuration that cannot send leaves no person half-made.
  const origin = body.send ? linkOrigin(request, env) : null;
  if (body.send) requireSender(env);

  const { locale: localeProperty, ...properties } = body.properties ?? {};
  const locale = localeOf(localeProperty);
  const name = body.name ? body.name : undefined;
  const recipient = await recipientFor(env, email);
  const now = Date.now();
  await savePerson(env.DB, { recipient, email, name, ...(locale ? { locale } : {}), properties }, now);

  let scheduledAt: number | null = null;
  const sendAt = now + (body.delay ?? 0) * 1000;
  const throttleDays = configuredThrottleDays(env);
  if (origin !== null && !surveyedRecently(body.last_sent_at, sendAt, throttleDays)) {
    // The address, language and segment values come from the person just saved.
    const result = await scheduleSends(env, {
      survey,
      targets: [{ recipient, email: null }],
      sendAt: () => sendAt,
      kind: "invitation",
      origin,
      expiresInDays: 30,
      throttleDays,
      now,
    });
    const [scheduled] = result.scheduled;
    scheduledAt = scheduled ? unixTime(scheduled.send.send_at) : null;
  }

  const person = (await getPeople(env.DB, [recipient])).get(recipient);
  if (!person) throw new Error("a person just saved is missing");
  return { id: recipient, email: person.email, name: person.name, survey_scheduled_at: scheduledAt, properties: person.properties };
}

// The cursor is the page's last person (creation time and recipient), opaque to callers.
const encodeCursor = (position: PersonPosition): string => encodeTextCursor(JSON.stringify([position.created_at, position.recipient]));

function decodeCursor(raw: string | undefined): PersonPosition | null {
  const text = cursorText(raw);
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === "string") {
      return { created_at: value[0] as number, recipient: value[1] };
    }
  } catch {
    // Not JSON: not a cursor this API gave out.
  }
  throw unprocessable("cursor", "is invalid");
}

/**
 * GET /v1/people — every person (Tapscore's people are shared by all surveys), oldest first, with the
 * next page's URL in a Link header until the last page.
 */
export async function listDelightedPeople(request: Handled<Record<string, string>, DelightedPeopleQuery, undefined>, env: Env): Promise<Response> {
  const query = request.input.query;
  const rows = await listPeopleByCreation(env.DB, {
    after: decodeCursor(query.cursor),
    since: query.since === undefined ? null : query.since * 1000,
    // Until the end of that second: a person created at 12:00:00.500 was created "at" 12:00:00.
    until: query.until === undefined ? null : query.until * 1000 + 999,
    email: query.email?.trim() || null,
    limit: query.per_page + 1,
  });
  const page = rows.slice(0, query.per_page);
  const last = page.at(-1);
  const link = rows.length > query.per_page && last ? nextLink(request.url, { cursor: encodeCursor({ created_at: last.created_at, recipient: last.recipient }) }) : null;
  return pageResponse(page.map(presentPerson), link);
}

/** GET /v1/people/{id} */
export async function getDelightedPerson(request: Handled<DelightedPersonParams, Record<string, unknown>, undefined>, env: Env): Promise<DelightedPerson> {
  const recipient = decodedId(request.input.params.id);
  const person = recipient === null ? null : await getPersonView(env.DB, recipient);
  if (!person) throw notFound("The person");
  return presentPerson(person);
}

/** Whom a Delighted identifier names: a recipient id, everyone with an `email:` address, nobody for a `phone_number:`. */
async function recipientsNamed(env: Env, identifier: string): Promise<string[]> {
  if (identifier.startsWith("email:")) return recipientsWithEmail(env.DB, identifier.slice("email:".length).trim());
  if (identifier.startsWith("phone_number:")) return [];
  return [identifier];
}

/**
 * DELETE /v1/people/{id | email:… | phone_number:…} — erases the person everywhere (all their
 * surveys), as DELETE /api/v1/people/{recipient} does. Idempotent: someone unknown answers the same.
 */
export async function deleteDelightedPerson(request: Handled<DelightedPersonParams, Record<string, unknown>, undefined>, env: Env): Promise<Response> {
  const identifier = decodedId(request.input.params.id);
  if (identifier === null) throw notFound("The person");
  for (const recipient of await recipientsNamed(env, identifier)) await erasePerson(env, request.delighted.principal, recipient, null);
  const ok: v.InferOutput<typeof DelightedOk> = { ok: true };
  return Response.json(ok, { status: 202 });
}

/** DELETE /v1/people/{email}/survey_requests/pending — calls off this survey's emails to them that have not left. */
export async function deletePendingSurveyRequests(request: Handled<DelightedPendingParams, Record<string, unknown>, undefined>, env: Env): Promise<v.InferOutput<typeof DelightedOk>> {
  const email = decodedId(request.input.params.email);
  if (email === null) throw notFound("The person");
  await cancelScheduledSendsTo(env.DB, { surveyId: request.delighted.survey.id, email, now: Date.now() });
  return { ok: true };
}
