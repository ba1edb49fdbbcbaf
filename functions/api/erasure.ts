import * as v from "valibot";
import type { Principal } from "../auth/principal";
import { badRequest, notFound } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { codePoints } from "../http/text";
import { base64url, randomBytes } from "../security/secrets";
import { eraseRecipient } from "../storage/erasure";
import { getSurvey } from "../storage/surveys";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";

/** The same limit invitations put on a recipient id. */
const MAX_RECIPIENT_CHARS = 200;

/**
 * The recipient arrives percent-encoded and is checked here, not by the router: a recipient that is
 * not valid is a 400 naming it, where a path parameter the router refuses would be a 404.
 */
export const ErasureParams = v.object({
  recipient: v.pipe(
    v.string(),
    v.description(`The recipient id used in invitations, percent-encoded: 1 to ${MAX_RECIPIENT_CHARS} characters once decoded and trimmed.`),
  ),
});

export const ErasureQuery = v.object({
  survey: v.optional(v.pipe(v.string(), v.description("Erase only within this survey."), v.regex(SURVEY_ID_PATTERN, "must be a survey id."))),
});

export const Erased = v.object({
  erased: v.pipe(
    v.object({
      invitations: v.pipe(v.number(), v.integer()),
      responses: v.pipe(v.number(), v.integer()),
      events: v.pipe(v.number(), v.integer()),
      sends: v.pipe(v.number(), v.integer(), v.description("Survey emails to them, scheduled or sent.")),
    }),
    v.description("Rows removed; zeros for someone unknown or already erased."),
  ),
});

/** A recipient from a path: 400 naming it when it is not percent-encoded UTF-8 of 1 to 200 characters. */
export function recipientOf(raw: string): string {
  let recipient: string;
  try {
    // Strict: escapes that are not UTF-8 (an encoded lone surrogate, say) throw instead of becoming U+FFFD.
    recipient = decodeURIComponent(raw).trim();
  } catch {
    throw badRequest("invalid_path", "recipient: not valid percent-encoding of UTF-8 text.", "recipient");
  }
  // Counted as invitations count it (code points), so everyone invited can be named here.
  const length = codePoints(recipient);
  if (length === 0 || length > MAX_RECIPIENT_CHARS) {
    throw badRequest("invalid_path", `recipient: must be 1 to ${MAX_RECIPIENT_CHARS} characters.`, "recipient");
  }
  return recipient;
}

/**
 * Erases one person, everywhere or within one survey (api/people.ts erases through here too). Their
 * address stays on the suppression list: see storage/erasure.ts.
 */
export async function erasePerson(env: Env, principal: Principal, recipient: string, surveyId: string | null): Promise<v.InferOutput<typeof Erased>> {
  const counts = await eraseRecipient(env.DB, {
    id: `era_${base64url(randomBytes(12))}`,
    recipient,
    surveyId,
    requestedBy: principal.keyId,
    now: Date.now(),
  });
  return { erased: { invitations: counts.invitations, responses: counts.responses, events: counts.events, sends: counts.sends } };
}

/**
 * DELETE /api/v1/respondents/{recipient}[?survey=] — removes the person's invitations, responses
 * (with comments), raw events, queued webhook bodies, messages and memberships, and (erased
 * everywhere) their person record; the next rollup tick corrects the numbers.
 * Idempotent: erasing someone unknown, or twice, answers zeros.
 */
export async function eraseRespondent(
  request: ValidatedRequest<v.InferOutput<typeof ErasureParams>, v.InferOutput<typeof ErasureQuery>> & { principal: Principal },
  env: Env,
): Promise<v.InferOutput<typeof Erased>> {
  const recipient = recipientOf(request.input.params.recipient);
  const survey = request.input.query.survey ?? null;
  if (survey !== null && !(await getSurvey(env.DB, survey))) throw notFound("The survey");
  return erasePerson(env, request.principal, recipient, survey);
}
