import * as v from "valibot";
import { isDevelopment } from "../http/environment";
import { ApiError } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { LOCALES, type Locale } from "../i18n/locales";
import { emailSnippet } from "../links/email-snippet";
import { newInvitationId } from "../links/invitation-id";
import { linkSecrets } from "../links/link-secrets";
import { signToken } from "../links/token";
import { checkProperties, propertiesSchema, recipientSchema } from "../surveys/properties";
import { insertInvitations, recentlyInvited, type NewInvitation } from "../storage/invitations";
import { IsoTime, isoTime } from "../http/time";
import { SurveyParams, requireSurvey } from "./surveys";

export const MAX_RECIPIENTS = 1000;
const DAY_MS = 86_400_000;

const Recipient = v.strictObject({
  recipient: recipientSchema("Who is invited, in your own terms (a customer id, an email address)."),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email("must be an email address"))),
  locale: v.optional(v.pipe(v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`), v.description("The page's language; the survey's when absent."))),
  properties: v.optional(
    v.pipe(propertiesSchema, v.description("Segment values: touchpoint, channel, country (ISO 3166), variant and the survey's segments.")),
  ),
});

export const NewInvitations = v.strictObject({
  recipients: v.pipe(
    v.array(Recipient),
    v.minLength(1, "must list at least one recipient"),
    v.maxLength(MAX_RECIPIENTS, `may list at most ${MAX_RECIPIENTS} recipients per call`),
  ),
  expires_in_days: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(365), v.description("Days the links work.")), 30),
  throttle_days: v.optional(
    v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(3650), v.description("Skip anyone this survey invited within so many days.")),
  ),
  snippets: v.optional(v.pipe(v.boolean("must be true or false"), v.description("Include html and text per invitation.")), true),
});

/** One invitation as the API answers with it: the links to hand out, and the snippet to paste. */
export const Invitation = v.object({
  id: v.string(),
  recipient: v.string(),
  locale: v.picklist(LOCALES),
  expires_at: IsoTime,
  url: v.pipe(v.string(), v.description("The page with the whole scale, for a plain link.")),
  links: v.pipe(v.record(v.pipe(v.string(), v.regex(/^\d+$/)), v.string()), v.description("One one-tap link per score of the scale.")),
  html: v.optional(v.pipe(v.string(), v.description("Paste-ready email block: table layout, inline styles, no script (unless snippets is false)."))),
  text: v.optional(v.pipe(v.string(), v.description("The plain-text equivalent (unless snippets is false)."))),
});
type Invitation = v.InferOutput<typeof Invitation>;

export const InvitationBatch = v.object({
  invitations: v.array(Invitation),
  skipped: v.pipe(
    v.array(v.object({ recipient: v.string(), reason: v.picklist(["recently_invited", "duplicate_in_request"]) })),
    v.description("Recipients left out, each with why; nothing was created for them."),
  ),
});
type InvitationBatch = v.InferOutput<typeof InvitationBatch>;

type RecipientInput = v.InferOutput<typeof Recipient>;

// 409, not 500: the request is fine, the Worker's configuration is not; the message names the setting.
const misconfigured = (code: string, message: string) => new ApiError(409, code, message);

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * The origin links point at: PUBLIC_URL, which must be an https origin (http only in development).
 * Without it only development may use the origin this request came to: deployed, the Host header is
 * the caller's to choose, and mailed links cannot be taken back.
 */
function linkOrigin(request: Request, env: Env): string {
  const development = isDevelopment(env);
  if (!env.PUBLIC_URL) {
    if (development) return new URL(request.url).origin;
    throw misconfigured("public_url_missing", "PUBLIC_URL is not set: links need the public origin people will open, e.g. https://feedback.example.com (wrangler.toml [vars]).");
  }
  const url = parseUrl(env.PUBLIC_URL);
  const schemes = development ? ["https:", "http:"] : ["https:"];
  // An origin alone: the Worker answers /r/* at the root, so a path, query or credentials would break every link.
  if (!url || !schemes.includes(url.protocol) || url.username || url.password || url.pathname !== "/" || url.search || url.hash) {
    throw misconfigured(
      "public_url_invalid",
      `PUBLIC_URL must be ${development ? "an http or https" : "an https"} origin without a path, e.g. https://feedback.example.com.`,
    );
  }
  return url.origin;
}

/** POST /api/v1/surveys/{id}/invitations — links and snippets for a batch of recipients. */
export async function createInvitations(
  request: ValidatedRequest<v.InferOutput<typeof SurveyParams>, Record<string, unknown>, v.InferOutput<typeof NewInvitations>>,
  env: Env,
): Promise<Response> {
  const body = request.input.body;
  const survey = await requireSurvey(env, request.input.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived and takes no new invitations.");
  // Before anything is written: a batch refused for the configuration leaves no invitations behind.
  const origin = linkOrigin(request, env);
  body.recipients.forEach((r, index) => checkProperties(survey, r.properties, `recipients.${index}.properties`));

  const now = Date.now();
  const throttled = body.throttle_days
    ? await recentlyInvited(env.DB, survey.id, body.recipients.map((r) => r.recipient), now - body.throttle_days * DAY_MS)
    : new Set<string>();
  const skipped: InvitationBatch["skipped"] = [];
  const seen = new Set<string>();
  const accepted: RecipientInput[] = [];
  for (const r of body.recipients) {
    if (seen.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "duplicate_in_request" });
    else if (throttled.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "recently_invited" });
    else accepted.push(r);
    seen.add(r.recipient);
  }

  const expiresAt = now + body.expires_in_days * DAY_MS;
  const invitations: NewInvitation[] = accepted.map((r) => ({
    id: newInvitationId(),
    recipient: r.recipient,
    email: r.email ?? null,
    locale: r.locale ?? null,
    properties: { ...(survey.touchpoint ? { touchpoint: survey.touchpoint } : {}), ...r.properties },
    expires_at: expiresAt,
  }));
  await insertInvitations(env.DB, survey.id, invitations, now);

  const secrets = linkSecrets(env);
  const withSnippets = body.snippets;
  const scores = Array.from({ length: survey.scale.max - survey.scale.min + 1 }, (_, i) => survey.scale.min + i);
  const answered = await Promise.all(
    invitations.map(async (invitation): Promise<Invitation> => {
      const token = await signToken(secrets, { invitationId: invitation.id, expiresAt });
      const links = Object.fromEntries(scores.map((s) => [s, `${origin}/r/${token}/${s}`]));
      const locale: Locale = invitation.locale ?? survey.locale;
      return {
        id: invitation.id,
        recipient: invitation.recipient,
        locale,
        expires_at: isoTime(expiresAt),
        url: `${origin}/r/${token}`,
        links,
        ...(withSnippets ? emailSnippet({ survey, locale, links }) : {}),
      };
    }),
  );
  const answer: InvitationBatch = { invitations: answered, skipped };
  return Response.json(answer, { status: 201 });
}
