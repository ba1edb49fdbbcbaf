import * as v from "valibot";
import { isDevelopment } from "../http/environment";
import { ApiError, badRequest } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { LOCALES, type Locale } from "../i18n/locales";
import { emailSnippet } from "../links/email-snippet";
import { newInvitationId } from "../links/invitation-id";
import { linkSecrets } from "../links/link-secrets";
import { signToken } from "../links/token";
import { effectiveBrand, installationBrand } from "../surveys/brand";
import { checkProperties, isEmailAddress, personFields, recipientSchema } from "../surveys/properties";
import { insertInvitationsStatement, recentlyInvited, type NewInvitation } from "../storage/invitations";
import { upsertPeopleStatement, type PersonInput } from "../storage/people";
import { SEND_STATUSES } from "../storage/sends";
import type { StoredSurvey } from "../storage/surveys";
import { IsoTime, isoTime, parseIsoDateTime } from "../http/time";
import { configuredThrottleDays, scheduleSends, senderProblem, SKIP_REASONS, type SkipReason } from "../sending/enqueue";
import { SurveyParams, requireSurvey } from "./surveys";

export const MAX_RECIPIENTS = 1000;
const DAY_MS = 86_400_000;
const MAX_DELAY_SECONDS = 30 * 86_400;
const MAX_SEND_AHEAD_MS = 365 * DAY_MS;
// A send_at a little in the past is a clock apart, not a mistake: it leaves at once.
const SEND_AT_SLACK_MS = 60_000;

const Recipient = v.strictObject({
  recipient: recipientSchema("Who is invited, in your own terms (a customer id, an email address)."),
  ...personFields,
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
  send: v.optional(
    v.pipe(
      v.boolean("must be true or false"),
      v.description(
        "Tapscore emails each invitation itself (now, after delay_seconds, or at send_at). Each recipient then needs an email, " +
          "given or on file; who cannot be emailed is listed in skipped. The throttle across surveys (THROTTLE_DAYS, or throttle_days) applies.",
      ),
    ),
    false,
  ),
  delay_seconds: v.optional(
    v.pipe(
      v.number("must be a number"),
      v.integer("must be an integer"),
      v.minValue(0, "must be at least 0"),
      v.maxValue(MAX_DELAY_SECONDS, `must be at most ${MAX_DELAY_SECONDS} (30 days)`),
      v.description("With send: wait so many seconds before sending (0–30 days). Not with send_at."),
    ),
  ),
  send_at: v.optional(
    v.pipe(
      v.string("must be text"),
      v.maxLength(40, "must be at most 40 characters"),
      v.description("With send: when to send, an ISO 8601 date-time with a zone, at most a year ahead. Not with delay_seconds."),
    ),
  ),
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
  send: v.optional(
    v.pipe(
      v.object({ id: v.string(), status: v.picklist(SEND_STATUSES), send_at: IsoTime }),
      v.description("With send: the scheduled message (GET /api/v1/sends/{id})."),
    ),
  ),
});
type Invitation = v.InferOutput<typeof Invitation>;

export const InvitationBatch = v.object({
  invitations: v.array(Invitation),
  skipped: v.pipe(
    v.array(v.object({ recipient: v.string(), reason: v.picklist(SKIP_REASONS) })),
    v.description(
      "Recipients left out, each with why: duplicate_in_request, recently_invited (this survey, within throttle_days); with send also " +
        "no_email, invalid_email, unsubscribed, bounced (a suppressed message is recorded) and throttled (emailed by any survey within the throttle).",
    ),
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
export function linkOrigin(request: Request, env: Env): string {
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

/** 409 naming the setting when no survey email can leave with this configuration (EMAIL_FROM). */
export function requireSender(env: Env): void {
  const issue = senderProblem(env);
  if (issue === "email_from_missing") {
    throw misconfigured(issue, "EMAIL_FROM is not set: survey emails need a sender on a domain onboarded to Cloudflare Email Service, e.g. \"Acme <support@acme.com>\" (wrangler.toml [vars]).");
  }
  if (issue === "email_from_invalid") {
    throw misconfigured(issue, "EMAIL_FROM must be \"Name <address>\" or an address, e.g. \"Acme <support@acme.com>\" (wrangler.toml [vars]).");
  }
}

/** When the messages of a `send` request leave, checked before anything is written; null without send. */
function sendTime(body: v.InferOutput<typeof NewInvitations>, now: number): number | null {
  if (!body.send) {
    const stray = body.delay_seconds !== undefined ? "delay_seconds" : body.send_at !== undefined ? "send_at" : null;
    if (stray) throw badRequest("invalid_field", `${stray}: only with send: true.`, stray);
    return null;
  }
  if (body.delay_seconds !== undefined && body.send_at !== undefined) {
    throw badRequest("invalid_field", "send_at: give delay_seconds or send_at, not both.", "send_at");
  }
  if (body.send_at === undefined) return now + (body.delay_seconds ?? 0) * 1000;
  const at = parseIsoDateTime(body.send_at);
  if (at === null) throw badRequest("invalid_field", "send_at: must be an ISO 8601 date-time with a zone, e.g. 2026-03-05T09:00:00Z.", "send_at");
  if (at < now - SEND_AT_SLACK_MS) throw badRequest("invalid_field", "send_at: must not be in the past.", "send_at");
  if (at > now + MAX_SEND_AHEAD_MS) throw badRequest("invalid_field", "send_at: must be at most a year ahead.", "send_at");
  return Math.max(at, now);
}

const personOf = (r: RecipientInput, email: string | null): PersonInput => ({
  recipient: r.recipient,
  email,
  name: r.name ?? null,
  locale: r.locale ?? null,
  timezone: r.timezone ?? null,
  properties: r.properties ?? {},
});

interface Minted {
  id: string;
  recipient: string;
  locale: Locale | null;
  token: string;
  expires_at: number;
  send?: Invitation["send"];
}

/** POST /api/v1/surveys/{id}/invitations — links and snippets for a batch of recipients, and with send, their emails. */
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
  const sendAt = sendTime(body, now);
  if (sendAt !== null) requireSender(env);
  if (sendAt === null) {
    // Without send an address is only kept, so a wrong one is the request's mistake, as any other field.
    body.recipients.forEach((r, index) => {
      if (r.email !== undefined && !isEmailAddress(r.email)) {
        throw badRequest("invalid_field", `recipients.${index}.email: must be an email address`, `recipients.${index}.email`);
      }
    });
  }

  const throttled = body.throttle_days
    ? await recentlyInvited(env.DB, survey.id, body.recipients.map((r) => r.recipient), now - body.throttle_days * DAY_MS)
    : new Set<string>();
  const skipped: { recipient: string; reason: SkipReason }[] = [];
  const seen = new Set<string>();
  const accepted: RecipientInput[] = [];
  for (const r of body.recipients) {
    if (seen.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "duplicate_in_request" });
    else if (throttled.has(r.recipient)) skipped.push({ recipient: r.recipient, reason: "recently_invited" });
    else accepted.push(r);
    seen.add(r.recipient);
  }

  const minted =
    sendAt === null
      ? await invite(env, survey, accepted, body.expires_in_days, now)
      : await inviteBySending(env, survey, accepted, { sendAt, origin, expiresInDays: body.expires_in_days, throttleDays: body.throttle_days ?? configuredThrottleDays(env), now }, skipped);

  const scores = Array.from({ length: survey.scale.max - survey.scale.min + 1 }, (_, i) => survey.scale.min + i);
  const brand = effectiveBrand(survey.brand, installationBrand(env));
  const answered = minted.map((invitation): Invitation => {
    const links = Object.fromEntries(scores.map((s) => [s, `${origin}/r/${invitation.token}/${s}`]));
    const locale: Locale = invitation.locale ?? survey.locale;
    return {
      id: invitation.id,
      recipient: invitation.recipient,
      locale,
      expires_at: isoTime(invitation.expires_at),
      url: `${origin}/r/${invitation.token}`,
      links,
      ...(body.snippets ? emailSnippet({ survey, locale, links, brand }) : {}),
      ...(invitation.send ? { send: invitation.send } : {}),
    };
  });
  const answer: InvitationBatch = { invitations: answered, skipped };
  return Response.json(answer, { status: 201 });
}

/** Links only: the invitations, and the people who came with an address, in one batch. */
async function invite(env: Env, survey: StoredSurvey, accepted: RecipientInput[], expiresInDays: number, now: number): Promise<Minted[]> {
  const expiresAt = now + expiresInDays * DAY_MS;
  const invitations: NewInvitation[] = accepted.map((r) => ({
    id: newInvitationId(),
    recipient: r.recipient,
    email: r.email ?? null,
    locale: r.locale ?? null,
    properties: { ...(survey.touchpoint ? { touchpoint: survey.touchpoint } : {}), ...r.properties },
    expires_at: expiresAt,
  }));
  const people = accepted.flatMap((r) => (r.email ? [personOf(r, r.email)] : []));
  const statements = [insertInvitationsStatement(env.DB, survey.id, invitations, now)];
  if (people.length > 0) statements.push(upsertPeopleStatement(env.DB, people, now));
  if (invitations.length > 0) await env.DB.batch(statements);
  const secrets = linkSecrets(env);
  return Promise.all(
    invitations.map(async (invitation) => ({
      id: invitation.id,
      recipient: invitation.recipient,
      locale: invitation.locale,
      token: await signToken(secrets, { invitationId: invitation.id, expiresAt }),
      expires_at: expiresAt,
    })),
  );
}

/** With send: every accepted recipient is scheduled an email, or skipped with why (added to `skipped`). */
async function inviteBySending(
  env: Env,
  survey: StoredSurvey,
  accepted: RecipientInput[],
  options: { sendAt: number; origin: string; expiresInDays: number; throttleDays: number; now: number },
  skipped: { recipient: string; reason: SkipReason }[],
): Promise<Minted[]> {
  const result = await scheduleSends(env, {
    survey,
    targets: accepted.map((r) => ({
      recipient: r.recipient,
      email: r.email ?? null,
      name: r.name ?? null,
      locale: r.locale ?? null,
      timezone: r.timezone ?? null,
      ...(r.properties ? { properties: r.properties } : {}),
    })),
    sendAt: () => options.sendAt,
    kind: "invitation",
    origin: options.origin,
    expiresInDays: options.expiresInDays,
    throttleDays: options.throttleDays,
    now: options.now,
  });
  skipped.push(...result.skipped);
  return result.scheduled.map(({ target, invitation, send }) => ({
    id: invitation.id,
    recipient: target.recipient,
    locale: invitation.locale,
    token: invitation.token,
    expires_at: invitation.expires_at,
    send: { id: send.id, status: send.status, send_at: isoTime(send.send_at) },
  }));
}
