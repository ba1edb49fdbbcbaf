import * as v from "valibot";
import { recordChoice } from "../counting/record";
import { COMMENT_MAX_LENGTH, cleanComment } from "../counting/comment";
import { CLOCK_SKEW_MS, parseIngestInput } from "../ingest/input";
import { ingestResponse } from "../ingest/record";
import { notFound } from "../http/errors";
import { FIRST_DAY, FIRST_INSTANT } from "../http/time";
import type { ValidatedRequest } from "../http/route";
import { parseOrThrow } from "../http/validate";
import { getInvitation } from "../storage/invitations";
import { getPeople, getPersonViews } from "../storage/people";
import { linkOrigin } from "../api/invitations";
import {
  COUNTED_ORDERS,
  getResponse,
  mergeResponseProperties,
  pageCountedResponses,
  type ResponseRecord,
} from "../storage/responses";
import { touchBucket } from "../storage/rollups";
import type { StoredSurvey } from "../storage/surveys";
import { allowedPropertyKeys, checkProperties, propertiesSchema } from "../surveys/properties";
import { DelightedSurveyResponse, presentPerson, presentSurveyResponse, responsePermalink, type DelightedPerson } from "../webhooks/delighted-format";
import { webhookOutbox } from "../webhooks/deliver";
import type { DelightedRequest } from "./auth";
import { unprocessable } from "./errors";
import { pageNumber, perPage, unixSeconds } from "./pagination";
import { teamFacts } from "../counting/request-signals";

/**
 * Delighted's survey responses over the key's survey: only counted responses, the answers Tapscore's
 * counting rule took as a person's (a link scanner's suspected taps and excluded responses are not).
 * Reading lists and shows them; creating one is server-side ingestion; updating changes the score, the
 * comment and the segment values of the answer's invitation.
 */

export { DelightedSurveyResponse };
export const DelightedSurveyResponseList = v.array(DelightedSurveyResponse);

/** Delighted's timestamps are whole seconds: `until` takes in everything within its last second. */
const fromSeconds = (seconds: number | undefined) => (seconds === undefined ? null : seconds * 1000);
const untilSeconds = (seconds: number | undefined) => (seconds === undefined ? null : seconds * 1000 + 999);

const Expand = v.optional(
  v.pipe(
    v.union([v.string(), v.array(v.string())]),
    v.description('"person" (expand=person, or expand[]=person) shows each person instead of their id.'),
  ),
);

export const SurveyResponseListQuery = v.looseObject({
  per_page: perPage(),
  page: pageNumber(),
  since: unixSeconds("Only responses created at or after this moment (Unix seconds)."),
  until: unixSeconds("Only responses created at or before this moment (Unix seconds, included)."),
  updated_since: unixSeconds("Only responses last changed at or after this moment (Unix seconds)."),
  updated_until: unixSeconds("Only responses last changed at or before this moment (Unix seconds, included)."),
  order: v.optional(
    v.pipe(
      v.picklist(COUNTED_ORDERS, `must be one of ${COUNTED_ORDERS.join(", ")}`),
      v.description("asc (default) or desc by creation; asc:updated_at or desc:updated_at by last change."),
    ),
    "asc",
  ),
  expand: Expand,
  person_id: v.optional(v.pipe(v.string("must be text"), v.maxLength(200), v.description("Only this person's responses (their id)."))),
  person_email: v.optional(v.pipe(v.string("must be text"), v.maxLength(254), v.description("Only responses from this address (any case)."))),
});
type SurveyResponseListQuery = v.InferOutput<typeof SurveyResponseListQuery>;

export const SurveyResponseQuery = v.looseObject({ expand: Expand });

export const SurveyResponseParams = v.object({ id: v.pipe(v.string(), v.maxLength(200)) });
type SurveyResponseParams = v.InferOutput<typeof SurveyResponseParams>;

/** A whole number as JSON sends it, or as text from a form. */
const wholeNumber = (description: string) =>
  v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.regex(/^-?\d{1,9}$/, "must be a whole number"))], "must be a whole number"),
    v.transform(Number),
    v.integer("must be a whole number"),
    v.description(description),
  );

const PersonProperties = v.optional(
  v.pipe(
    v.record(v.string(), v.unknown(), "must be an object"),
    v.description("Kept as the answer's segment values: only the survey's built-in dimensions and its segments; other keys are ignored."),
  ),
);

const Comment = v.optional(v.nullable(v.pipe(v.string("must be text"), v.description(`At most ${COMMENT_MAX_LENGTH} characters.`))));

export const NewSurveyResponse = v.looseObject({
  person: v.pipe(
    v.union([v.string(), v.number()], "is invalid"),
    v.transform(String),
    v.description("The id of a person Tapscore knows (POST /v1/people answers it)."),
  ),
  score: wholeNumber("On the survey's scale."),
  comment: Comment,
  person_properties: PersonProperties,
  created_at: unixSeconds("When the person answered (Unix seconds, from 2000 on); now when absent."),
});

export const SurveyResponseUpdate = v.looseObject({
  id: v.optional(v.pipe(v.union([v.string(), v.number()]), v.transform(String), v.description("The response, when the path does not name it (the Node client's save()."))),
  score: v.optional(wholeNumber("A new score on the survey's scale: recorded as a new answer, and counted instead of the old one.")),
  comment: Comment,
  person_properties: PersonProperties,
});
type SurveyResponseUpdate = v.InferOutput<typeof SurveyResponseUpdate>;

type Call<P, Q, B> = ValidatedRequest<P, Q, B> & DelightedRequest;
/** What the router hands a route without path parameters, or without a query schema. */
type NoParams = Record<string, string>;
type NoQuery = Record<string, unknown>;

/** The public origin (PUBLIC_URL) where one is configured; else this call's: reading never fails over a link's origin. */
function permalinkOrigin(request: Request, env: Env): string {
  try {
    return linkOrigin(request, env);
  } catch {
    return new URL(request.url).origin;
  }
}


const wantsPerson = (expand: string | string[] | undefined): boolean => (Array.isArray(expand) ? expand.includes("person") : expand === "person");

/** The people of these responses, in one read; someone Tapscore has no person for stays an id. */
async function peopleOf(env: Env, responses: readonly ResponseRecord[]): Promise<Map<string, DelightedPerson>> {
  const views = await getPersonViews(env.DB, responses.map((response) => response.recipient));
  return new Map([...views].map(([recipient, view]) => [recipient, presentPerson(view)]));
}

async function present(request: Call<unknown, unknown, unknown>, env: Env, responses: readonly ResponseRecord[], expand: boolean): Promise<DelightedSurveyResponse[]> {
  const survey = request.delighted.survey;
  const people = expand ? await peopleOf(env, responses) : new Map<string, DelightedPerson>();
  const origin = permalinkOrigin(request, env);
  return responses.map((response) =>
    presentSurveyResponse({ response, survey, person: people.get(response.recipient) ?? null, permalink: responsePermalink(origin, response.id) }),
  );
}

/** This survey's counted response, or 404 as for one that does not exist. */
async function countedResponse(env: Env, survey: StoredSurvey, id: string): Promise<ResponseRecord> {
  const response = await getResponse(env.DB, id);
  if (!response || response.survey !== survey.id || response.status !== "counted") throw notFound("The survey response");
  return response;
}

/** GET /v1/survey_responses — a page of the survey's counted responses. */
export async function listSurveyResponses(request: Call<NoParams, SurveyResponseListQuery, undefined>, env: Env): Promise<Response> {
  const query = request.input.query;
  const responses = await pageCountedResponses(
    env.DB,
    request.delighted.survey.id,
    {
      createdFrom: fromSeconds(query.since),
      createdTo: untilSeconds(query.until),
      updatedFrom: fromSeconds(query.updated_since),
      updatedTo: untilSeconds(query.updated_until),
      recipient: query.person_id ?? null,
      email: query.person_email ?? null,
    },
    query.order,
    { offset: (query.page - 1) * query.per_page, limit: query.per_page },
  );
  return Response.json(await present(request, env, responses, wantsPerson(query.expand)));
}

/** GET /v1/survey_responses/{id} */
export async function getSurveyResponse(
  request: Call<SurveyResponseParams, v.InferOutput<typeof SurveyResponseQuery>, undefined>,
  env: Env,
): Promise<Response> {
  const response = await countedResponse(env, request.delighted.survey, request.input.params.id);
  const [shown] = await present(request, env, [response], wantsPerson(request.input.query.expand));
  return Response.json(shown);
}

/** The person_properties a survey keeps (other keys are dropped), their values checked like every segment value. */
function keptProperties(survey: StoredSurvey, raw: Record<string, unknown> | undefined): Record<string, string> {
  const allowed = allowedPropertyKeys(survey);
  const kept = Object.fromEntries(Object.entries(raw ?? {}).filter(([key]) => allowed.has(key)));
  const { person_properties } = parseOrThrow(v.object({ person_properties: propertiesSchema }), { person_properties: kept });
  checkProperties(survey, person_properties, "person_properties");
  return person_properties;
}

/** POST /v1/survey_responses — a score collected elsewhere, for a person Tapscore knows: Tapscore's server-side ingestion. */
export async function createSurveyResponse(
  request: Call<NoParams, NoQuery, v.InferOutput<typeof NewSurveyResponse>>,
  env: Env,
  ctx: ExecutionContext,
): Promise<Response> {
  const survey = request.delighted.survey;
  const body = request.input.body;
  if (survey.archived) throw unprocessable("base", "this survey is archived and takes no new responses");
  const person = (await getPeople(env.DB, [body.person])).get(body.person);
  if (!person) throw unprocessable("person", "is invalid");
  const properties = keptProperties(survey, body.person_properties);
  const now = Date.now();
  if (body.created_at !== undefined && (body.created_at * 1000 < FIRST_INSTANT || body.created_at * 1000 > now + CLOCK_SKEW_MS)) {
    throw unprocessable("created_at", `must lie between ${FIRST_DAY} and now`);
  }
  const input = parseIngestInput(
    survey,
    {
      recipient: person.recipient,
      score: body.score,
      comment: body.comment ?? null,
      properties,
      ...(body.created_at === undefined ? {} : { responded_at: new Date(body.created_at * 1000).toISOString() }),
    },
    now,
  );
  // Delighted's clients send no idempotency key: each call is a new answer, under a key of its own.
  const result = await ingestResponse(env.DB, survey, input, `delighted:${crypto.randomUUID()}`, {
    now,
    defaultedTime: body.created_at === undefined,
    outbox: webhookOutbox(env, ctx),
  });
  const [shown] = await present(request, env, [result.response], false);
  return Response.json(shown, { status: 201 });
}

/** The change a PUT asks for, checked against the survey; what it leaves out stays as it is. */
function changeOf(survey: StoredSurvey, current: ResponseRecord, body: SurveyResponseUpdate) {
  const score = body.score ?? current.score;
  const { min, max } = survey.scale;
  if (score < min || score > max) throw unprocessable("score", `must be on this survey's scale, ${min} to ${max}`);
  let comment = current.comment;
  if (body.comment !== undefined) {
    const cleaned = body.comment === null ? { ok: true as const, comment: null } : cleanComment(body.comment);
    if (!cleaned.ok) throw unprocessable("comment", `must be at most ${COMMENT_MAX_LENGTH} characters`);
    comment = cleaned.comment;
  }
  const properties = keptProperties(survey, body.person_properties);
  const changedProperties = Object.fromEntries(Object.entries(properties).filter(([key, value]) => current.properties[key] !== value));
  return { score, comment, properties: changedProperties };
}

/**
 * A new score or comment is recorded as Tapscore records an ingested answer: an "ingest" event from
 * the API, after which the counting rule decides again (the latest answer of a person counts), in one
 * batch with the decision, the comment and the segment values; webhooks hear of it as of any change.
 */
async function updateSurveyResponse(request: Call<unknown, unknown, SurveyResponseUpdate>, env: Env, ctx: ExecutionContext, id: string): Promise<Response> {
  const survey = request.delighted.survey;
  const current = await countedResponse(env, survey, id);
  const change = changeOf(survey, current, request.input.body);
  const answerChanged = change.score !== current.score || change.comment !== current.comment;
  const propertiesChanged = Object.keys(change.properties).length > 0;
  if (answerChanged || propertiesChanged) {
    const now = Date.now();
    const propertyWrites: D1PreparedStatement[] = [];
    if (propertiesChanged) {
      const invitation = await getInvitation(env.DB, current.invitation);
      // The rollup rows of both days are grouped by these values: both are recomputed.
      propertyWrites.push(
        ...mergeResponseProperties(env.DB, current.id, change.properties, now),
        touchBucket(env.DB, survey.id, current.created_at),
        touchBucket(env.DB, survey.id, invitation?.created_at ?? current.created_at),
      );
    }
    if (answerChanged) await recordAnswer(env, ctx, current, change, now, propertyWrites);
    else await env.DB.batch(propertyWrites);
  }
  const [shown] = await present(request, env, [(await getResponse(env.DB, id)) ?? current], false);
  return Response.json(shown);
}

async function recordAnswer(
  env: Env,
  ctx: ExecutionContext,
  current: ResponseRecord,
  change: { score: number; comment: string | null },
  now: number,
  alsoWrite: D1PreparedStatement[],
): Promise<void> {
  // A new answer from a trusted client: an ingest event, decided with the invitation's history.
  await recordChoice(
    env.DB,
    {
      invitationId: current.invitation,
      surveyId: current.survey,
      kind: "ingest",
      score: change.score,
      facts: teamFacts(),
      ...(change.comment === current.comment ? {} : { comment: change.comment }),
      now,
    },
    { outbox: webhookOutbox(env, ctx), also: alsoWrite },
  );
}

/** PUT /v1/survey_responses/{id} */
export function putSurveyResponse(request: Call<SurveyResponseParams, NoQuery, SurveyResponseUpdate>, env: Env, ctx: ExecutionContext): Promise<Response> {
  return updateSurveyResponse(request, env, ctx, request.input.params.id);
}

/** PUT /v1/survey_responses with the id in the body: what the Node client's save() sends. */
export function saveSurveyResponse(request: Call<NoParams, NoQuery, SurveyResponseUpdate>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const id = request.input.body.id;
  if (id === undefined) throw unprocessable("id", "can't be blank");
  return updateSurveyResponse(request, env, ctx, id);
}
