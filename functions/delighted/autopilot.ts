import * as v from "valibot";
import { encodeTextCursor } from "../http/cursor";
import { ApiError } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import { LOCALES, type Locale } from "../i18n/locales";
import { nextInWindow } from "../sending/schedule";
import { enrollMembersStatement, listMemberships, removeMember, type Membership } from "../storage/members";
import { getPeople, getPersonView, getPersonViews, recipientsWithEmail, upsertPeopleStatement, type PersonView } from "../storage/people";
import type { StoredSurvey } from "../storage/surveys";
import { isEmailAddress } from "../surveys/properties";
import { DelightedPerson, presentPerson, unixTime } from "../webhooks/delighted-format";
import type { DelightedRequest } from "./auth";
import { unprocessable } from "./errors";
import { cursorText, nextLink, pageResponse, perPage } from "./pagination";

/**
 * Delighted's Autopilot on Tapscore's recurring surveys: the key's survey is the one Autopilot
 * configuration (email only: Tapscore sends no SMS), its recurrence the frequency, its members
 * (survey_members, as POST /api/v1/surveys/{id}/members enrolls them) the memberships.
 */

const DAY_SECONDS = 86_400;

const UnixTime = v.pipe(v.number(), v.integer(), v.description("Unix seconds."));

export const DelightedAutopilotConfiguration = v.object({
  platform_id: v.pipe(v.literal("email"), v.description("Tapscore sends email only.")),
  active: v.pipe(v.boolean(), v.description("The survey has a recurrence and is not archived.")),
  frequency: v.pipe(v.nullable(v.pipe(v.number(), v.integer())), v.description("The recurrence's every_days in seconds; null without one.")),
  created_at: v.pipe(UnixTime, v.description("When the survey was created.")),
  updated_at: v.pipe(UnixTime, v.description("When the survey was last changed.")),
});
type DelightedAutopilotConfiguration = v.InferOutput<typeof DelightedAutopilotConfiguration>;

export const DelightedSurveyRequest = v.object({
  id: v.pipe(v.string(), v.description("The scheduled message (snd_…).")),
  created_at: UnixTime,
  survey_scheduled_at: v.pipe(UnixTime, v.description("When it leaves.")),
  properties: v.pipe(v.record(v.string(), v.string()), v.description("The segment values its invitation carries.")),
});

export const DelightedMembership = v.object({
  created_at: v.pipe(UnixTime, v.description("When the person was enrolled.")),
  updated_at: v.pipe(UnixTime, v.description("The enrollment time too: Tapscore keeps no other change time for a membership.")),
  person: DelightedPerson,
  next_survey_request: v.pipe(
    v.nullable(DelightedSurveyRequest),
    v.description("Their next message of this survey once the cron has scheduled it; until then null, and person.next_survey_scheduled_at says when it will be."),
  ),
});
type DelightedMembership = v.InferOutput<typeof DelightedMembership>;
export const DelightedMembershipList = v.array(DelightedMembership);
export const DelightedRemovedMembership = v.object({ person: DelightedPerson });

const EmailField = v.pipe(v.string("is invalid"), v.trim(), v.maxLength(254, "is invalid"), v.email("is invalid"));
const PersonIdField = v.pipe(freeText(200), v.description("The person's id (their recipient)."));

export const DelightedMembershipQuery = v.looseObject({
  per_page: perPage(),
  cursor: v.optional(v.pipe(v.string(), v.description("From the Link header of the page before."))),
  person_id: v.optional(PersonIdField),
  person_email: v.optional(v.pipe(EmailField, v.description("Only the person with this address."))),
});

/** Who leaves Autopilot: Node sends it as the query of the DELETE, Python as a JSON body, PHP as a form. */
export const DelightedMembershipTarget = v.looseObject({
  person_id: v.optional(PersonIdField),
  person_email: v.optional(v.pipe(EmailField, v.description("The member's address."))),
});
type DelightedMembershipTarget = v.InferOutput<typeof DelightedMembershipTarget>;

const PropertyValue = v.pipe(
  v.union([v.pipe(v.string(), v.maxLength(500, "must be at most 500 characters")), v.number(), v.boolean()], "must be a string, number or boolean"),
  v.transform((value) => String(value)),
);

export const DelightedNewMembership = v.looseObject({
  person_email: v.optional(v.pipe(EmailField, v.description("Their address; needed unless person_id names someone on file with one."))),
  person_id: v.optional(v.pipe(PersonIdField, v.description("Someone already on file (their recipient); a new person's id is their address in lower case."))),
  person_name: v.optional(v.pipe(freeText(200), v.description("Their name, kept on the person."))),
  properties: v.optional(
    v.pipe(
      v.record(v.string(), PropertyValue),
      v.description("Kept on the person (merged), as POST /v1/people keeps them; `locale` sets their language when Tapscore speaks it; the survey's segment keys go onto their invitations."),
    ),
  ),
});
type DelightedNewMembership = v.InferOutput<typeof DelightedNewMembership>;

type DelightedHandlerRequest<Q, B> = ValidatedRequest<Record<string, string>, Q, B> & DelightedRequest;

/** GET /v1/autopilot/email — the key's survey's recurrence as Delighted's Autopilot configuration. */
export function getAutopilotConfiguration(request: DelightedHandlerRequest<Record<string, unknown>, undefined>): DelightedAutopilotConfiguration {
  const survey = request.delighted.survey;
  return {
    platform_id: "email",
    active: survey.recurrence !== null && !survey.archived,
    frequency: survey.recurrence ? survey.recurrence.every_days * DAY_SECONDS : null,
    created_at: unixTime(survey.created_at),
    updated_at: unixTime(survey.updated_at),
  };
}

function present(membership: Membership, person: PersonView): DelightedMembership {
  const pending = membership.pending;
  return {
    created_at: unixTime(membership.enrolled_at),
    updated_at: unixTime(membership.enrolled_at),
    person: presentPerson(person),
    next_survey_request: pending
      ? { id: pending.id, created_at: unixTime(pending.created_at), survey_scheduled_at: unixTime(pending.send_at), properties: pending.properties }
      : null,
  };
}

async function withPeople(db: D1Database, memberships: Membership[]): Promise<DelightedMembership[]> {
  const people = await getPersonViews(db, memberships.map((m) => m.recipient));
  return memberships.flatMap((membership) => {
    const person = people.get(membership.recipient);
    return person ? [present(membership, person)] : [];
  });
}

/** GET /v1/autopilot/email/memberships — the survey's members by id, a page at a time, with a Link to the next. */
export async function listAutopilotMemberships(
  request: DelightedHandlerRequest<v.InferOutput<typeof DelightedMembershipQuery>, undefined>,
  env: Env,
): Promise<Response> {
  const query = request.input.query;
  const rows = await listMemberships(env.DB, request.delighted.survey.id, {
    after: cursorText(query.cursor),
    recipient: query.person_id ?? null,
    email: query.person_email ?? null,
    limit: query.per_page + 1,
  });
  const page = rows.slice(0, query.per_page);
  const last = page.at(-1);
  const link = rows.length > query.per_page && last ? nextLink(request.url, { cursor: encodeTextCursor(last.recipient) }) : null;
  return pageResponse(await withPeople(env.DB, page), link);
}

/** The person's id, as POST /v1/people names people: the oldest on file with this address, else the address in lower case. */
async function recipientFor(db: D1Database, email: string): Promise<string> {
  const [existing] = await recipientsWithEmail(db, email);
  return existing ?? email.toLowerCase();
}

/** Delighted's locales are tags such as "pt-BR": one of Tapscore's, compared without case, or none. */
const localeOf = (value: string | undefined): Locale | null => LOCALES.find((locale) => locale === value?.toLowerCase()) ?? null;

function requireRecurrence(survey: StoredSurvey) {
  if (survey.archived) throw new ApiError(422, "survey_archived", "This survey is archived and takes no new Autopilot members.");
  if (!survey.recurrence) {
    throw new ApiError(422, "survey_not_recurring", `This survey has no recurrence, so Autopilot is off: set recurrence.every_days on it (PATCH /api/v1/surveys/${survey.id}).`);
  }
  return survey.recurrence;
}

/**
 * POST /v1/autopilot/email/memberships — enrolls the person in the survey's recurrence, keeping them
 * on file as POST /api/v1/surveys/{id}/members does; someone already a member keeps their next message.
 * A newcomer is first asked at once (inside the sending window).
 */
export async function createAutopilotMembership(request: DelightedHandlerRequest<Record<string, unknown>, DelightedNewMembership>, env: Env): Promise<DelightedMembership> {
  const survey = request.delighted.survey;
  const recurrence = requireRecurrence(survey);
  const body = request.input.body;
  const { locale: localeProperty, ...properties } = body.properties ?? {};

  const recipient = body.person_id ?? (body.person_email === undefined ? undefined : await recipientFor(env.DB, body.person_email));
  if (recipient === undefined) throw unprocessable("person_email", "can't be blank");
  const known = (await getPeople(env.DB, [recipient])).get(recipient);
  const email = body.person_email ?? known?.email ?? null;
  if (email === null) throw unprocessable("person_email", "can't be blank");
  if (!isEmailAddress(email)) throw unprocessable("person_email", "is invalid");

  const now = Date.now();
  const timeZone = known?.timezone ?? survey.timezone;
  await env.DB.batch([
    upsertPeopleStatement(env.DB, [{ recipient, email, name: body.person_name ?? null, locale: localeOf(localeProperty), timezone: null, properties }], now),
    enrollMembersStatement(env.DB, survey.id, [{ recipient, next_send_at: nextInWindow(now, recurrence.window, timeZone) }], now),
  ]);
  const [membership] = await withPeople(env.DB, await listMemberships(env.DB, survey.id, { after: null, recipient, email: null, limit: 1 }));
  if (!membership) throw new Error("a membership just written is missing");
  return membership;
}

/**
 * DELETE /v1/autopilot/email/memberships — the person is asked no more (a message already scheduled
 * stays, as with DELETE /api/v1/surveys/{id}/members/{recipient}); answers with the person.
 */
export async function deleteAutopilotMembership(
  request: DelightedHandlerRequest<DelightedMembershipTarget, DelightedMembershipTarget>,
  env: Env,
): Promise<v.InferOutput<typeof DelightedRemovedMembership>> {
  const target = { ...request.input.query, ...request.input.body };
  if (target.person_id === undefined && target.person_email === undefined) throw unprocessable("person_email", "is required (or person_id)");
  const surveyId = request.delighted.survey.id;
  const [membership] = await listMemberships(env.DB, surveyId, {
    after: null,
    recipient: target.person_id ?? null,
    email: target.person_email ?? null,
    limit: 1,
  });
  if (!membership || !(await removeMember(env.DB, surveyId, membership.recipient))) {
    throw new ApiError(404, "not_found", "This person is not an Autopilot member of the survey.");
  }
  // Read after the removal: their next message is no longer the membership's.
  const person = await getPersonView(env.DB, membership.recipient);
  if (!person) throw new ApiError(404, "not_found", "This person is not on file.");
  return { person: presentPerson(person) };
}
