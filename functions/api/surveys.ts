import * as v from "valibot";
import { ApiError, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryBoolean, queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { IsoDay, IsoTime, isoTime } from "../http/time";
import { LOCALES } from "../i18n/locales";
import { HEADLINES, METRICS } from "../scoring/metrics";
import { regroupSurveyStatements } from "../storage/rollups";
import { getSurvey, insertSurvey, listSurveys, updateSurvey, updateSurveyStatement, type StoredSurvey } from "../storage/surveys";
import { NO_BRAND } from "../surveys/brand";
import { SURVEY_ID_PATTERN, applySurveyPatch, parseNewSurvey, type Survey } from "../surveys/survey-input";

const perLocale = v.record(v.picklist(LOCALES), v.string());

/** A survey as the API answers with it. */
export const SurveyView = v.object({
  id: v.string(),
  name: v.string(),
  metric: v.picklist(METRICS),
  scale: v.object({ min: v.pipe(v.number(), v.integer()), max: v.pipe(v.number(), v.integer()) }),
  satisfied_min: v.pipe(v.number(), v.integer()),
  headline: v.picklist(HEADLINES),
  question: perLocale,
  locale: v.picklist(LOCALES),
  touchpoint: v.nullable(v.string()),
  attribute: v.nullable(v.string()),
  timezone: v.string(),
  segments: v.array(v.string()),
  public: v.boolean(),
  min_public_n: v.pipe(v.number(), v.integer()),
  target: v.nullable(v.object({ value: v.number(), by: IsoDay })),
  benchmark: v.nullable(v.object({ value: v.number(), label: v.string() })),
  follow_up: perLocale,
  follow_ups: v.pipe(
    v.object({ low: v.optional(perLocale), middle: v.optional(perLocale), high: v.optional(perLocale) }),
    v.description("The question after a low, middle or high score, per language; where absent, follow_up, else Tapscore's default for the score's sentiment."),
  ),
  retain_days: v.nullable(v.pipe(v.number(), v.integer())),
  email: v.object({ sender_name: v.nullable(v.string()), reply_to: v.nullable(v.string()), subject: perLocale, intro: perLocale }),
  recurrence: v.nullable(
    v.object({
      every_days: v.pipe(v.number(), v.integer()),
      window: v.nullable(v.object({ weekdays: v.array(v.pipe(v.number(), v.integer())), from_hour: v.pipe(v.number(), v.integer()), to_hour: v.pipe(v.number(), v.integer()) })),
    }),
  ),
  reminder_after_days: v.nullable(v.pipe(v.number(), v.integer())),
  // Optional because report exports (api/reports.ts) reuse this schema for the Survey type, where it is optional; this API always sends it.
  control_variant: v.pipe(
    v.optional(v.nullable(v.string())),
    v.description('The baseline of A/B comparisons (compare=variant); null: a variant named "control", else "A", else the query names it.'),
  ),
  // Optional for the same reason as control_variant; this API always sends it.
  brand: v.pipe(
    v.optional(v.object({ name: v.nullable(v.string()), logo_url: v.nullable(v.string()), accent: v.nullable(v.string()) })),
    v.description(
      "Who asks: an organization name, an https logo URL and an accent colour (#rrggbb) for the respondent page and the emails; " +
        "a null field falls back to the installation's BRAND_NAME, BRAND_LOGO_URL and BRAND_ACCENT. The accent is adjusted where needed to keep WCAG AA contrast.",
    ),
  ),
  archived: v.boolean(),
  created_at: IsoTime,
  updated_at: IsoTime,
  archived_at: v.nullable(IsoTime),
});
type SurveyView = v.InferOutput<typeof SurveyView>;

export const SurveyList = v.object({
  surveys: v.array(SurveyView),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const SurveyParams = v.object({ id: v.pipe(v.string(), v.regex(SURVEY_ID_PATTERN)) });
type SurveyParams = v.InferOutput<typeof SurveyParams>;

export const SurveyListQuery = v.object({
  include_archived: queryBoolean("Also list archived surveys."),
  cursor: queryText("The next_cursor of the page before."),
  limit: queryInteger({ min: 1, max: 100, fallback: 50 }, "Surveys per page,"),
});

export function presentSurvey({ created_at, updated_at, archived_at, ...survey }: StoredSurvey): SurveyView {
  return {
    ...survey,
    created_at: isoTime(created_at),
    updated_at: isoTime(updated_at),
    archived_at: archived_at === null ? null : isoTime(archived_at),
    retain_days: survey.retain_days ?? null,
    control_variant: survey.control_variant ?? null,
    brand: survey.brand ?? NO_BRAND,
  };
}

export async function createSurvey(request: ValidatedRequest, env: Env): Promise<Response> {
  const survey = parseNewSurvey(await readJsonObject(request));
  const inserted = await insertSurvey(env.DB, survey, Date.now());
  if (!inserted) throw new ApiError(409, "conflict", `A survey with id "${survey.id}" already exists.`, "id");
  const stored = await getSurvey(env.DB, survey.id);
  return Response.json(presentSurvey(stored!), { status: 201, headers: { Location: `/api/v1/surveys/${survey.id}` } });
}

export async function listSurveysRoute(
  request: ValidatedRequest<SurveyParams, v.InferOutput<typeof SurveyListQuery>>,
  env: Env,
): Promise<v.InferOutput<typeof SurveyList>> {
  const { include_archived, cursor, limit } = request.input.query;
  const page = await listSurveys(env.DB, { includeArchived: include_archived, after: cursor ?? null, limit });
  return { surveys: page.surveys.map(presentSurvey), next_cursor: page.next_cursor };
}

export async function requireSurvey(env: Env, id: string | undefined): Promise<StoredSurvey> {
  const survey = id ? await getSurvey(env.DB, id) : null;
  if (!survey) throw notFound("The survey");
  return survey;
}

export async function getSurveyRoute(request: ValidatedRequest<SurveyParams>, env: Env): Promise<SurveyView> {
  return presentSurvey(await requireSurvey(env, request.input.params.id));
}

export async function patchSurvey(request: ValidatedRequest<SurveyParams>, env: Env): Promise<SurveyView> {
  const body = await readJsonObject(request);
  const current = await requireSurvey(env, request.input.params.id);
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
export async function archiveSurvey(request: ValidatedRequest<SurveyParams>, env: Env): Promise<SurveyView> {
  const current = await requireSurvey(env, request.input.params.id);
  if (!current.archived) await updateSurvey(env.DB, { ...current, archived: true }, Date.now());
  return presentSurvey((await getSurvey(env.DB, current.id))!);
}
