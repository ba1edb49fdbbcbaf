/**
 * GET /t/{survey-token}/{score}?r=…: the one tap from a help-desk or mailing template
 * (docs/template-links.md). The token names the survey; the platform filled in who the person is.
 *
 * The first tap with a recipient id makes that person's invitation, keyed by (survey, recipient id);
 * later taps with the same id find it, so they are the person changing their mind. Without a
 * recipient id the link itself is the person: everyone tapping one shared link is one answer. The tap
 * is then recorded exactly as /r/'s (recordOrSend, the same counting rule) and answered with the same
 * page, whose forms go on under /r/ with the invitation's own signed token.
 */
import * as v from "valibot";
import { limitTemplateTap } from "../http/rate-limit";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import type { ErrorKind } from "../i18n/respondent-messages";
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from "../i18n/locales";
import { newInvitationId } from "../links/invitation-id";
import { linkSecrets } from "../links/link-secrets";
import { TEMPLATE_QUERY } from "../links/template-snippets";
import { verifyTemplateToken } from "../links/template-token";
import { signToken } from "../links/token";
import { requestFacts, type CfLike } from "../counting/request-signals";
import { recordOrSend } from "../queue/producer";
import { allowedPropertyKeys, isEmailAddress, isUnfilledPlaceholder, recipientSchema } from "../surveys/properties";
import { templateInvitation } from "../storage/invitations";
import { getSurvey, type StoredSurvey } from "../storage/surveys";
import { parseScore } from "./form";
import { htmlResponse } from "./html-response";
import { errorPage } from "./page";
import { respondentLocale, surveyBrand } from "./resolve";
import { pageResponse, respondentFailure } from "./routes";
import { base64url, randomBytes } from "../security/secrets";

const DAY_MS = 86_400_000;
/** How long a template invitation's own links (the page's forms) work after its first tap, as the API's default. */
const INVITATION_DAYS = 30;

/** Path parameters: any text, so that a token or score that does not work gets a page, not a JSON 404. */
export const TemplateLinkParams = v.object({
  token: v.pipe(v.string(), v.description("The survey's signed template token (GET /api/v1/surveys/{id}/snippets).")),
  score: v.pipe(v.string(), v.description("A score on the survey's scale.")),
});
type TemplateLinkParams = v.InferOutput<typeof TemplateLinkParams>;

const RecipientId = recipientSchema("");
const PropertyValue = freeText(100);

/** Everything a tap needs before anything is written, or the page saying why not. */
type Checked =
  | { ok: true; survey: StoredSurvey; score: number; recipient: string | null; query: URLSearchParams }
  | { ok: false; kind: ErrorKind; status: number; locale: Locale };

/** GET /t/{token}/{score}: a template link's tap. */
export async function templateTap(request: ValidatedRequest<TemplateLinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  try {
    const checked = await check(request, env, Date.now());
    if (!checked.ok) return htmlResponse(errorPage(checked.kind, checked.locale), checked.status);
    return await recordTap(request, env, ctx, checked);
  } catch (error) {
    // Rate limits and our own failures get the respondent's page, as on /r/.
    return respondentFailure(error, request);
  }
}

/** HEAD /t/{token}/{score}: scanners probe links this way; the link is checked, nothing is written. */
export async function templateProbe(request: ValidatedRequest<TemplateLinkParams>, env: Env): Promise<Response> {
  try {
    const checked = await check(request, env, Date.now());
    return htmlResponse(null, checked.ok ? 200 : checked.status);
  } catch (error) {
    return respondentFailure(error, request);
  }
}

async function check(request: ValidatedRequest<TemplateLinkParams>, env: Env, now: number): Promise<Checked> {
  const { token, score: rawScore } = request.input.params;
  await limitTemplateTap(request, env, token);
  const query = new URL(request.url).searchParams;
  const browserLocale = localeFromAcceptLanguage(request.headers.get("accept-language")) ?? DEFAULT_LOCALE;
  const verified = await verifyTemplateToken(linkSecrets(env), token, now);
  if (!verified.ok) {
    return verified.reason === "expired" ? { ok: false, kind: "expired", status: 410, locale: browserLocale } : { ok: false, kind: "invalid", status: 404, locale: browserLocale };
  }
  const survey = await getSurvey(env.DB, verified.surveyId);
  if (!survey) return { ok: false, kind: "invalid", status: 404, locale: browserLocale };
  const asked = query.get(TEMPLATE_QUERY.locale);
  const locale = isLocale(asked) ? asked : survey.locale;
  if (survey.archived) return { ok: false, kind: "closed", status: 410, locale };
  const recipient = query.get(TEMPLATE_QUERY.recipient)?.trim() ?? "";
  // A merge that failed: this is not a person, and taking it for one would join everyone it failed for.
  if (isUnfilledPlaceholder(recipient)) return { ok: false, kind: "unfilledLink", status: 400, locale };
  if (recipient && !v.is(RecipientId, recipient)) return { ok: false, kind: "invalid", status: 400, locale };
  const score = parseScore(rawScore, survey.scale);
  if (score === null) return { ok: false, kind: "invalid", status: 400, locale };
  return { ok: true, survey, score, recipient: recipient || null, query };
}

async function recordTap(request: ValidatedRequest<TemplateLinkParams>, env: Env, ctx: ExecutionContext, checked: Extract<Checked, { ok: true }>): Promise<Response> {
  const { survey, score, query } = checked;
  const now = Date.now();
  const asked = query.get(TEMPLATE_QUERY.locale);
  const email = query.get(TEMPLATE_QUERY.email)?.trim() ?? "";
  const { invitation } = await templateInvitation(
    env.DB,
    survey.id,
    {
      id: newInvitationId(),
      // Without a recipient id the link is the person: a shared, unfilled link is one answer.
      recipient: checked.recipient ?? `link:${request.input.params.token}`,
      email: isEmailAddress(email) && !isUnfilledPlaceholder(email) ? email : null,
      locale: isLocale(asked) ? asked : null,
      properties: templateProperties(survey, query),
      expires_at: now + INVITATION_DAYS * DAY_MS,
    },
    now,
  );
  // Incoming requests carry IncomingRequestCfProperties; requestFacts checks each value itself.
  const cf: CfLike | undefined = request.cf && "asn" in request.cf ? { asn: request.cf.asn, country: request.cf.country } : undefined;
  await recordOrSend(env, ctx, {
    invitationId: invitation.id, surveyId: survey.id, kind: "tap", score, facts: requestFacts(request.headers, cf, new URL(request.url).origin), now,
  });
  const pageToken = await signToken(linkSecrets(env), { invitationId: invitation.id, expiresAt: now + INVITATION_DAYS * DAY_MS });
  const locale = respondentLocale(invitation, survey, request.headers.get("accept-language"));
  return pageResponse({ survey, locale, token: pageToken, chosen: score, comment: null, nonce: base64url(randomBytes(12)), brand: surveyBrand(env, survey) });
}

/**
 * The properties the survey keeps, from the query: a value the merge left unfilled, too long or not
 * text is dropped rather than refused, since the person's answer matters more than one segment value.
 */
export function templateProperties(survey: Pick<StoredSurvey, "segments" | "touchpoint">, query: URLSearchParams): Record<string, string> {
  // The survey's touchpoint is the default, as for invitations the API makes.
  const properties: Record<string, string> = survey.touchpoint ? { touchpoint: survey.touchpoint } : {};
  for (const key of allowedPropertyKeys(survey)) {
    const raw = query.get(key)?.trim();
    if (!raw || isUnfilledPlaceholder(raw)) continue;
    const value = v.safeParse(PropertyValue, raw);
    if (!value.success || (key === "country" && !/^[A-Z]{2}$/.test(value.output))) continue;
    properties[key] = value.output;
  }
  return properties;
}
