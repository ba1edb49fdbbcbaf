import * as v from "valibot";
import { ApiError } from "../http/errors";
import { readJsonObject } from "../http/json";
import { parseOrThrow } from "../http/validate";
import { LOCALES, type Locale } from "../i18n/locales";
import { emailSnippet } from "../links/email-snippet";
import { newInvitationId } from "../links/invitation-id";
import { linkSecrets } from "../links/link-secrets";
import { signToken } from "../links/token";
import { checkProperties, propertiesSchema } from "../surveys/properties";
import { insertInvitations, recentlyInvited, type NewInvitation } from "../storage/invitations";
import type { AuthedRequest } from "./auth";
import { isoTime } from "../http/time";
import { requireSurvey } from "./surveys";

export const MAX_RECIPIENTS = 1000;
const DAY_MS = 86_400_000;

const recipientSchema = v.strictObject({
  recipient: v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(200, "must be at most 200 characters")),
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email("must be an email address"))),
  locale: v.optional(v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`)),
  properties: v.optional(propertiesSchema),
});

const batchSchema = v.strictObject({
  recipients: v.pipe(
    v.array(recipientSchema),
    v.minLength(1, "must list at least one recipient"),
    v.maxLength(MAX_RECIPIENTS, `may list at most ${MAX_RECIPIENTS} recipients per call`),
  ),
  expires_in_days: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(365))),
  throttle_days: v.optional(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(3650))),
  snippets: v.optional(v.boolean("must be true or false")),
});

type RecipientInput = v.InferOutput<typeof recipientSchema>;

/** The origin links point at: PUBLIC_URL when configured, else the origin this request came to. */
function linkOrigin(request: Request, env: Env): string {
  return (env.PUBLIC_URL || new URL(request.url).origin).replace(/\/+$/, "");
}

/** POST /api/v1/surveys/{id}/invitations — links and snippets for a batch of recipients. */
export async function createInvitations(request: AuthedRequest, env: Env): Promise<Response> {
  const body = parseOrThrow(batchSchema, await readJsonObject(request));
  const survey = await requireSurvey(env, request.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived and takes no new invitations.");
  body.recipients.forEach((r, index) => checkProperties(survey, r.properties, `recipients.${index}.properties`));

  const now = Date.now();
  const throttled = body.throttle_days
    ? await recentlyInvited(env.DB, survey.id, body.recipients.map((r) => r.recipient), now - body.throttle_days * DAY_MS)
    : new Set<string>();
  const skipped: { recipient: string; reason: string }[] = [];
  const seen = new Set<string>();
  const accepted: RecipientInput[] = [];
  for (const r of body.recipients) {
    if (seen.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "duplicate_in_request" });
    else if (throttled.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "recently_invited" });
    else accepted.push(r);
    seen.add(r.recipient);
  }

  const expiresAt = now + (body.expires_in_days ?? 30) * DAY_MS;
  const invitations: NewInvitation[] = accepted.map((r) => ({
    id: newInvitationId(),
    recipient: r.recipient,
    email: r.email ?? null,
    locale: r.locale ?? null,
    properties: { ...(survey.touchpoint ? { touchpoint: survey.touchpoint } : {}), ...r.properties },
    expires_at: expiresAt,
  }));
  await insertInvitations(env.DB, survey.id, invitations, now);

  const origin = linkOrigin(request, env);
  const secrets = linkSecrets(env);
  const withSnippets = body.snippets ?? true;
  const scores = Array.from({ length: survey.scale.max - survey.scale.min + 1 }, (_, i) => survey.scale.min + i);
  const answered = await Promise.all(
    invitations.map(async (invitation) => {
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
  return Response.json({ invitations: answered, skipped }, { status: 201 });
}
