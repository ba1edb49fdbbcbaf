import * as v from "valibot";
import { decodeTextCursor, encodeTextCursor } from "../http/cursor";
import { ApiError, notFound } from "../http/errors";
import { queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { IsoTime, isoTime } from "../http/time";
import { nextInWindow, spreadOffsets } from "../sending/schedule";
import { enrollMembersStatement, getMembers, listMembers, removeMember, type MemberRecord, type NewMember } from "../storage/members";
import { getPeople, upsertPeopleStatement, type PersonInput } from "../storage/people";
import { checkProperties, isEmailAddress, personFields, recipientSchema } from "../surveys/properties";
import { recipientOf } from "./erasure";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import { requireSurvey } from "./surveys";

export const MAX_MEMBERS = 1000;
const MAX_RECIPIENT_CHARS = 200;
const DAY_MS = 86_400_000;


const MemberInput = v.strictObject({
  recipient: recipientSchema("Who is enrolled, in your own terms (a customer id, an email address)."),
  ...personFields,
});

export const NewMembers = v.strictObject({
  members: v.pipe(
    v.array(MemberInput),
    v.minLength(1, "must list at least one member"),
    v.maxLength(MAX_MEMBERS, `may list at most ${MAX_MEMBERS} members per call`),
  ),
  spread: v.optional(
    v.pipe(
      v.boolean("must be true or false"),
      v.description("Spread the first messages of the people newly enrolled evenly over the first interval (the default); false: all due now."),
    ),
    true,
  ),
});

/** A member as the API answers with it. */
export const Member = v.object({
  recipient: v.string(),
  email: v.pipe(v.nullable(v.string()), v.description("The address on file for them.")),
  name: v.nullable(v.string()),
  enrolled_at: IsoTime,
  next_send_at: v.pipe(IsoTime, v.description("When the cron schedules their next message (inside the sending window).")),
});
type Member = v.InferOutput<typeof Member>;

export const MEMBER_SKIP_REASONS = ["no_email", "invalid_email", "duplicate_in_request"] as const;

export const EnrolledMembers = v.object({
  members: v.pipe(v.array(Member), v.description("Everyone enrolled by this call or already a member, in the order given; a member keeps their next_send_at.")),
  skipped: v.pipe(
    v.array(v.object({ recipient: v.string(), reason: v.picklist(MEMBER_SKIP_REASONS) })),
    v.description("People left out, each with why; nothing was written for them."),
  ),
});
type EnrolledMembers = v.InferOutput<typeof EnrolledMembers>;

export const MemberList = v.object({
  members: v.array(Member),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const MemberListQuery = v.object({
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 200, fallback: 50 }, "Members per page,"),
});

/**
 * The recipient arrives percent-encoded and is checked here, not by the router: a recipient that is
 * not valid is a 400 naming it, where a path parameter the router refuses would be a 404.
 */
export const MemberParams = v.object({
  id: v.pipe(v.string(), v.regex(SURVEY_ID_PATTERN)),
  recipient: v.pipe(v.string(), v.description(`The member's recipient id, percent-encoded: 1 to ${MAX_RECIPIENT_CHARS} characters once decoded and trimmed.`)),
});

type SurveyIdParams = { id: string };
type NewMemberInput = v.InferOutput<typeof MemberInput>;

const present = (member: MemberRecord): Member => ({
  recipient: member.recipient,
  email: member.email,
  name: member.name,
  enrolled_at: isoTime(member.enrolled_at),
  next_send_at: isoTime(member.next_send_at),
});

/**
 * POST /api/v1/surveys/{id}/members — enrolls people in a recurring survey. Those newly enrolled are
 * first asked inside the sending window, spread over the first interval unless `spread` is false;
 * someone already a member keeps their next message.
 */
export async function enrollMembers(
  request: ValidatedRequest<SurveyIdParams, Record<string, unknown>, v.InferOutput<typeof NewMembers>>,
  env: Env,
): Promise<Response> {
  const body = request.input.body;
  const survey = await requireSurvey(env, request.input.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived and takes no new members.");
  const recurrence = survey.recurrence;
  if (!recurrence) throw new ApiError(409, "survey_not_recurring", "This survey has no recurrence: set recurrence.every_days on it first.");
  body.members.forEach((m, index) => checkProperties(survey, m.properties, `members.${index}.properties`));

  const recipients = body.members.map((m) => m.recipient);
  const [known, existing] = await Promise.all([getPeople(env.DB, recipients), getMembers(env.DB, survey.id, recipients)]);
  const skipped: EnrolledMembers["skipped"] = [];
  const seen = new Set<string>();
  const accepted: { member: NewMemberInput; email: string }[] = [];
  for (const member of body.members) {
    const email = member.email || known.get(member.recipient)?.email?.trim() || "";
    if (seen.has(member.recipient)) skipped.push({ recipient: member.recipient, reason: "duplicate_in_request" });
    else if (!email) skipped.push({ recipient: member.recipient, reason: "no_email" });
    else if (!isEmailAddress(email)) skipped.push({ recipient: member.recipient, reason: "invalid_email" });
    else accepted.push({ member, email });
    seen.add(member.recipient);
  }

  const now = Date.now();
  const fresh = accepted.filter(({ member }) => !existing.has(member.recipient));
  const offsets = body.spread ? spreadOffsets(fresh.length, recurrence.every_days * DAY_MS) : fresh.map(() => 0);
  const enrolled: NewMember[] = fresh.map(({ member }, index) => {
    const timeZone = member.timezone ?? known.get(member.recipient)?.timezone ?? survey.timezone;
    return { recipient: member.recipient, next_send_at: nextInWindow(now + offsets[index]!, recurrence.window, timeZone) };
  });
  const people: PersonInput[] = accepted.map(({ member, email }) => ({
    recipient: member.recipient,
    email,
    name: member.name ?? null,
    locale: member.locale ?? null,
    timezone: member.timezone ?? null,
    properties: member.properties ?? {},
  }));
  const statements = [upsertPeopleStatement(env.DB, people, now)];
  if (enrolled.length > 0) statements.push(enrollMembersStatement(env.DB, survey.id, enrolled, now));
  if (people.length > 0) await env.DB.batch(statements);

  const members = await getMembers(env.DB, survey.id, accepted.map(({ member }) => member.recipient));
  const answer: EnrolledMembers = {
    members: accepted.flatMap(({ member }) => {
      const stored = members.get(member.recipient);
      return stored ? [present(stored)] : [];
    }),
    skipped,
  };
  return Response.json(answer, { status: 201 });
}


/** DELETE /api/v1/surveys/{id}/members/{recipient} — they are asked no more; messages already scheduled stay. */
export async function removeMemberRoute(request: ValidatedRequest<v.InferOutput<typeof MemberParams>>, env: Env): Promise<Response> {
  const survey = await requireSurvey(env, request.input.params.id);
  const recipient = recipientOf(request.input.params.recipient);
  if (!(await removeMember(env.DB, survey.id, recipient))) throw notFound("The member");
  return new Response(null, { status: 204 });
}

/** GET /api/v1/surveys/{id}/members — members by recipient, a page at a time. */
export async function listMembersRoute(
  request: ValidatedRequest<SurveyIdParams, v.InferOutput<typeof MemberListQuery>>,
  env: Env,
): Promise<v.InferOutput<typeof MemberList>> {
  const survey = await requireSurvey(env, request.input.params.id);
  const { cursor, limit } = request.input.query;
  const rows = await listMembers(env.DB, survey.id, { after: decodeTextCursor(cursor), limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { members: page.map(present), next_cursor: rows.length > limit && last ? encodeTextCursor(last.recipient) : null };
}
