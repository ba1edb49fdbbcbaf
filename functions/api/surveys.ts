import { ApiError, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryBool, queryInt, queryParam } from "../http/query";
import { applySurveyPatch, parseNewSurvey, type Survey } from "../surveys/survey-input";
import { regroupSurveyStatements } from "../storage/rollups";
import { getSurvey, insertSurvey, listSurveys, updateSurvey, updateSurveyStatement, type StoredSurvey } from "../storage/surveys";
import type { AuthedRequest } from "./auth";
import { isoTime } from "../http/time";

export function presentSurvey({ created_at, updated_at, archived_at, ...survey }: StoredSurvey) {
  return {
    ...survey,
    created_at: isoTime(created_at),
    updated_at: isoTime(updated_at),
    archived_at: archived_at === null ? null : isoTime(archived_at),
  };
}

export async function createSurvey(request: AuthedRequest, env: Env): Promise<Response> {
  const survey = parseNewSurvey(await readJsonObject(request));
  const inserted = await insertSurvey(env.DB, survey, Date.now());
  if (!inserted) throw new ApiError(409, "conflict", `A survey with id "${survey.id}" already exists.`, "id");
  const stored = await getSurvey(env.DB, survey.id);
  return Response.json(presentSurvey(stored!), { status: 201, headers: { Location: `/api/v1/surveys/${survey.id}` } });
}

export async function listSurveysRoute(request: AuthedRequest, env: Env) {
  const page = await listSurveys(env.DB, {
    includeArchived: queryBool(request, "include_archived"),
    after: queryParam(request, "cursor") ?? null,
    limit: queryInt(request, "limit", { min: 1, max: 100, fallback: 50 }),
  });
  return { surveys: page.surveys.map(presentSurvey), next_cursor: page.next_cursor };
}

export async function requireSurvey(env: Env, id: string | undefined): Promise<StoredSurvey> {
  const survey = id ? await getSurvey(env.DB, id) : null;
  if (!survey) throw notFound("The survey");
  return survey;
}

export async function getSurveyRoute(request: AuthedRequest, env: Env) {
  return presentSurvey(await requireSurvey(env, request.params.id));
}

export async function patchSurvey(request: AuthedRequest, env: Env) {
  const body = await readJsonObject(request);
  const current = await requireSurvey(env, request.params.id);
  const next = applySurveyPatch(current, body);
  const update = updateSurveyStatement(env.DB, next, Date.now());
  // Rollups group answers by the survey's local day and segments: when those change, regroup them.
  await env.DB.batch(regroups(current, next) ? [update, ...regroupSurveyStatements(env.DB, current.id)] : [update]);
  return presentSurvey((await getSurvey(env.DB, current.id))!);
}

function regroups(before: Survey, after: Survey): boolean {
  return (
    before.timezone !== after.timezone ||
    before.touchpoint !== after.touchpoint ||
    before.segments.join("\u0000") !== after.segments.join("\u0000")
  );
}

/** DELETE archives: responses and rollups stay, the survey stops taking answers and leaves lists. */
export async function archiveSurvey(request: AuthedRequest, env: Env) {
  const current = await requireSurvey(env, request.params.id);
  if (!current.archived) await updateSurvey(env.DB, { ...current, archived: true }, Date.now());
  return presentSurvey((await getSurvey(env.DB, current.id))!);
}
