import * as v from "valibot";
import { badRequest, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryParam } from "../http/query";
import { parseOrThrow } from "../http/validate";
import { addDays, dayStart, isDayKey, localDay } from "../rollups/days";
import { sha256Hex } from "../security/secrets";
import { deleteAnnotation, insertAnnotation, listAnnotations, type Annotation } from "../storage/annotations";
import type { StoredSurvey } from "../storage/surveys";
import type { AuthedRequest } from "./auth";
import { isoTime, parseIsoDateTime } from "../http/time";
import { requireSurvey } from "./surveys";

/** Trends draw every annotation of their range; a survey's timeline is not a log. */
const MAX_LISTED = 1_000;

const newAnnotationSchema = v.strictObject({
  at: v.string("must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone"),
  label: v.pipe(
    v.string("must be text"),
    v.trim(),
    v.minLength(1, "must not be empty"),
    v.maxLength(200, "must be at most 200 characters"),
    v.regex(/^[^\p{Cc}]*$/u, "must not contain control characters"),
  ),
});

const MOMENT_FORMAT = "must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone";

/**
 * A moment on the survey's timeline: a day (YYYY-MM-DD) is the start of that local day in the
 * survey's time zone, where trends draw it (or of the next day, for the end of a range); a date-time
 * must carry its zone. Null when it is neither.
 */
function momentOf(raw: string, survey: StoredSurvey, day: "start" | "end"): number | null {
  if (isDayKey(raw)) return dayStart(day === "end" ? addDays(raw, 1) : raw, survey.timezone);
  return parseIsoDateTime(raw);
}

const present = (annotation: Annotation, survey: StoredSurvey) => ({
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
export async function createAnnotation(request: AuthedRequest, env: Env): Promise<Response> {
  const survey = await requireSurvey(env, request.params.id);
  const input = parseOrThrow(newAnnotationSchema, await readJsonObject(request));
  const at = momentOf(input.at, survey, "start");
  if (at === null) throw badRequest("invalid_field", `at: ${MOMENT_FORMAT}.`, "at");
  const id = `ann_${(await sha256Hex(`${survey.id}\n${at}\n${input.label}`)).slice(0, 20)}`;
  const annotation = { id, survey_id: survey.id, at, label: input.label };
  const created = await insertAnnotation(env.DB, annotation);
  return Response.json(present(annotation, survey), {
    status: created ? 201 : 200,
    headers: { Location: `/api/v1/surveys/${survey.id}/annotations/${id}` },
  });
}

/** GET /api/v1/surveys/{id}/annotations[?from=&to=] — in time order; days include the whole of `to`. */
export async function listAnnotationsRoute(request: AuthedRequest, env: Env) {
  const survey = await requireSurvey(env, request.params.id);
  const bound = (name: "from" | "to"): number | null => {
    const raw = queryParam(request, name);
    if (raw === undefined) return null;
    const moment = momentOf(raw, survey, name === "to" ? "end" : "start");
    if (moment === null) throw badRequest("invalid_query", `${name}: ${MOMENT_FORMAT}.`, name);
    return moment;
  };
  const annotations = await listAnnotations(env.DB, survey.id, { from: bound("from"), to: bound("to"), limit: MAX_LISTED });
  return { annotations: annotations.map((a) => present(a, survey)) };
}

export async function deleteAnnotationRoute(request: AuthedRequest, env: Env): Promise<Response> {
  const survey = await requireSurvey(env, request.params.id);
  if (!(await deleteAnnotation(env.DB, survey.id, request.params.annotation ?? ""))) throw notFound("The annotation");
  return new Response(null, { status: 204 });
}
