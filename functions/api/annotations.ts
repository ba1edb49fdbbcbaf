import * as v from "valibot";
import { badRequest, notFound } from "../http/errors";
import { queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import { IsoDay, IsoTime, isoTime, readMoment } from "../http/time";
import { addDays, dayStart, localDay } from "../rollups/days";
import { sha256Hex } from "../security/secrets";
import { deleteAnnotation, insertAnnotation, listAnnotations, type Annotation as StoredAnnotation } from "../storage/annotations";
import type { StoredSurvey } from "../storage/surveys";
import { SurveyParams, requireSurvey } from "./surveys";

type SurveyParams = v.InferOutput<typeof SurveyParams>;

/** Trends draw every annotation of their range; a survey's timeline is not a log. */
const MAX_LISTED = 1_000;

const MOMENT_FORMAT = "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone";

export const NewAnnotation = v.strictObject({
  at: v.pipe(
    v.string(MOMENT_FORMAT),
    v.description("A day (YYYY-MM-DD: the start of that day in the survey's time zone) or an ISO 8601 date-time with a zone; 2000-01-01 to 2999-12-31."),
  ),
  label: freeText(200),
});

/** An annotation as the API answers with it. */
export const Annotation = v.object({
  id: v.string(),
  survey: v.string(),
  at: IsoTime,
  day: v.pipe(IsoDay, v.description("The local day of `at` in the survey's time zone.")),
  label: v.string(),
});
type Annotation = v.InferOutput<typeof Annotation>;

export const AnnotationList = v.object({ annotations: v.array(Annotation) });

/** The survey's id and the annotation's. */
export const AnnotationParams = v.object({
  ...SurveyParams.entries,
  annotation: v.pipe(v.string(), v.regex(/^ann_[0-9a-f]{20}$/)),
});

export const AnnotationListQuery = v.object({
  from: queryText("First day (YYYY-MM-DD, in the survey's time zone, included) or an ISO 8601 date-time with a zone; 2000-01-01 to 2999-12-31.", 64),
  to: queryText("Last day (YYYY-MM-DD, included) or an ISO 8601 date-time with a zone (excluded); 2000-01-01 to 2999-12-31.", 64),
});

/**
 * A moment on the survey's timeline: a day (YYYY-MM-DD) is the start of that local day in the
 * survey's time zone, where trends draw it (or of the next day, for the end of a range); a date-time
 * must carry its zone. Either lies within the API's calendar; otherwise `error` says why not.
 */
function momentOf(raw: string, survey: StoredSurvey, day: "start" | "end"): { at: number } | { error: string } {
  const moment = readMoment(raw, MOMENT_FORMAT);
  if (!("day" in moment)) return moment;
  return { at: dayStart(day === "end" ? addDays(moment.day, 1) : moment.day, survey.timezone) };
}

const present = (annotation: StoredAnnotation, survey: StoredSurvey): Annotation => ({
  id: annotation.id,
  survey: annotation.survey_id,
  at: isoTime(annotation.at),
  day: localDay(annotation.at, survey.timezone),
  label: annotation.label,
});

/**
 * POST /api/v1/surveys/{id}/annotations — the id is derived from survey, moment and label, so a
 * retried POST finds the note it made (200) instead of adding a second one (201).
 */
export async function createAnnotation(
  request: ValidatedRequest<SurveyParams, Record<string, unknown>, v.InferOutput<typeof NewAnnotation>>,
  env: Env,
): Promise<Response> {
  const survey = await requireSurvey(env, request.input.params.id);
  const input = request.input.body;
  const moment = momentOf(input.at, survey, "start");
  if ("error" in moment) throw badRequest("invalid_field", `at: ${moment.error}.`, "at");
  const at = moment.at;
  const id = `ann_${(await sha256Hex(`${survey.id}\n${at}\n${input.label}`)).slice(0, 20)}`;
  const annotation = { id, survey_id: survey.id, at, label: input.label };
  const created = await insertAnnotation(env.DB, annotation);
  return Response.json(present(annotation, survey), {
    status: created ? 201 : 200,
    headers: { Location: `/api/v1/surveys/${survey.id}/annotations/${id}` },
  });
}

/** GET /api/v1/surveys/{id}/annotations[?from=&to=] — in time order; days include the whole of `to`. */
export async function listAnnotationsRoute(
  request: ValidatedRequest<SurveyParams, v.InferOutput<typeof AnnotationListQuery>>,
  env: Env,
): Promise<v.InferOutput<typeof AnnotationList>> {
  const survey = await requireSurvey(env, request.input.params.id);
  const bound = (name: "from" | "to"): number | null => {
    const raw = request.input.query[name];
    if (raw === undefined) return null;
    const moment = momentOf(raw, survey, name === "to" ? "end" : "start");
    if ("error" in moment) throw badRequest("invalid_query", `${name}: ${moment.error}.`, name);
    return moment.at;
  };
  const annotations = await listAnnotations(env.DB, survey.id, { from: bound("from"), to: bound("to"), limit: MAX_LISTED });
  return { annotations: annotations.map((a) => present(a, survey)) };
}

export async function deleteAnnotationRoute(request: ValidatedRequest<v.InferOutput<typeof AnnotationParams>>, env: Env): Promise<Response> {
  const survey = await requireSurvey(env, request.input.params.id);
  if (!(await deleteAnnotation(env.DB, survey.id, request.input.params.annotation))) throw notFound("The annotation");
  return new Response(null, { status: 204 });
}
