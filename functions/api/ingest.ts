import * as v from "valibot";
import { ApiError, badRequest } from "../http/errors";
import { readJsonObject } from "../http/json";
import type { ValidatedRequest } from "../http/route";
import { parseIngestInput } from "../ingest/input";
import { ingestResponse } from "../ingest/record";
import { webhookOutbox } from "../webhooks/deliver";
import { ResponseView, presentResponse } from "./responses";
import { SurveyParams, requireSurvey } from "./surveys";

/** One score with a comment and a few properties is small; this leaves room and refuses the rest (413). */
export const MAX_INGEST_BYTES = 65_536;
const IDEMPOTENCY_KEY = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

/** The header that makes a retry harmless; the handler checks it (missing_idempotency_key, invalid_header). */
export const IngestHeaders = {
  "Idempotency-Key": v.pipe(
    v.string(),
    v.regex(IDEMPOTENCY_KEY),
    v.description(
      "1 to 200 printable ASCII characters, chosen by the caller per answer: the same key with the same body answers 200 with the " +
        "original response and changes nothing; with another body, 409.",
    ),
  ),
};

/** POST /api/v1/surveys/{id}/responses — a score collected elsewhere, once per Idempotency-Key. */
export async function ingestResponseRoute(request: ValidatedRequest<v.InferOutput<typeof SurveyParams>>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const key = request.headers.get("idempotency-key");
  if (key === null) throw badRequest("missing_idempotency_key", "Send an Idempotency-Key header (at most 200 characters) so a retry has no second effect.", "Idempotency-Key");
  if (!IDEMPOTENCY_KEY.test(key)) throw badRequest("invalid_header", "Idempotency-Key: must be 1 to 200 printable ASCII characters.", "Idempotency-Key");
  const body = await readJsonObject(request, MAX_INGEST_BYTES);
  const survey = await requireSurvey(env, request.input.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived and takes no new responses.");
  const now = Date.now();
  const input = parseIngestInput(survey, body, now);
  const result = await ingestResponse(env.DB, survey, input, key, {
    now,
    defaultedTime: body.responded_at === undefined,
    // Sent at once after the answer goes out, as a confirmed choice is: an ingested score is no scanner's.
    outbox: webhookOutbox(env, ctx),
  });
  const answer: v.InferOutput<typeof ResponseView> = presentResponse(result.response);
  return Response.json(answer, {
    status: result.replayed ? 200 : 201,
    headers: result.replayed ? { "Idempotent-Replayed": "true" } : {},
  });
}
