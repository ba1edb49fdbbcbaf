import { ApiError, badRequest } from "../http/errors";
import { readJsonObject } from "../http/json";
import { parseIngestInput } from "../ingest/input";
import { ingestResponse } from "../ingest/record";
import type { AuthedRequest } from "./auth";
import { presentResponse } from "./responses";
import { requireSurvey } from "./surveys";

/** One score with a comment and a few properties is small; this leaves room and refuses the rest (413). */
export const MAX_INGEST_BYTES = 65_536;
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

/** POST /api/v1/surveys/{id}/responses — a score collected elsewhere, once per Idempotency-Key. */
export async function ingestResponseRoute(request: AuthedRequest, env: Env): Promise<Response> {
  const key = request.headers.get("idempotency-key");
  if (key === null) throw badRequest("missing_idempotency_key", "Send an Idempotency-Key header (at most 200 characters) so a retry has no second effect.", "Idempotency-Key");
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest("invalid_header", "Idempotency-Key: must be 1 to 200 printable ASCII characters.", "Idempotency-Key");
  const body = await readJsonObject(request, MAX_INGEST_BYTES);
  const survey = await requireSurvey(env, request.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived and takes no new responses.");
  const now = Date.now();
  const input = parseIngestInput(survey, body, now);
  const result = await ingestResponse(env.DB, survey, input, key, { now, defaultedTime: body.responded_at === undefined });
  return Response.json(presentResponse(result.response), {
    status: result.replayed ? 200 : 201,
    headers: result.replayed ? { "Idempotent-Replayed": "true" } : {},
  });
}
