import { badRequest, notFound } from "../http/errors";
import { queryParam } from "../http/query";
import { base64url, randomBytes } from "../security/secrets";
import { eraseRecipient } from "../storage/erasure";
import { getSurvey } from "../storage/surveys";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import type { AuthedRequest } from "./auth";

/** The same limit invitations put on a recipient id. */
const MAX_RECIPIENT_CHARS = 200;

function recipientOf(request: AuthedRequest): string {
  let recipient: string;
  try {
    recipient = decodeURIComponent(request.params.recipient ?? "").trim();
  } catch {
    throw badRequest("invalid_path", "recipient: not valid percent-encoding.", "recipient");
  }
  if (recipient.length === 0 || recipient.length > MAX_RECIPIENT_CHARS) {
    throw badRequest("invalid_path", `recipient: must be 1 to ${MAX_RECIPIENT_CHARS} characters.`, "recipient");
  }
  return recipient;
}

/**
 * DELETE /api/v1/respondents/{recipient}[?survey=] — removes the person's invitations, responses
 * (with comments), raw events and queued webhook bodies; the next rollup tick corrects the numbers.
 * Idempotent: erasing someone unknown, or twice, answers zeros.
 */
export async function eraseRespondent(request: AuthedRequest, env: Env) {
  const recipient = recipientOf(request);
  const survey = queryParam(request, "survey") ?? null;
  if (survey !== null) {
    if (!SURVEY_ID_PATTERN.test(survey)) throw badRequest("invalid_query", "survey: must be a survey id.", "survey");
    if (!(await getSurvey(env.DB, survey))) throw notFound("The survey");
  }
  const counts = await eraseRecipient(env.DB, {
    id: `era_${base64url(randomBytes(12))}`,
    recipient,
    surveyId: survey,
    requestedBy: request.principal.keyId,
    now: Date.now(),
  });
  return { erased: { invitations: counts.invitations, responses: counts.responses, events: counts.events } };
}
