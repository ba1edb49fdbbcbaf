import { isDevelopment } from "../http/environment";
import type { Locale } from "../i18n/locales";
import { newInvitationId } from "../links/invitation-id";
import { linkSecrets } from "../links/link-secrets";
import { signToken } from "../links/token";
import { insertInvitationsStatement, type NewInvitation } from "../storage/invitations";
import { getPeople, upsertPeopleStatement, type PersonInput } from "../storage/people";
import { insertSendsStatement, newSendId, sendTimesBetween, type NewSend, type SendKind } from "../storage/sends";
import type { StoredSurvey } from "../storage/surveys";
import { suppressedEmails, suppressionKey, type SuppressionReason } from "../storage/suppressions";
import { allowedPropertyKeys, isEmailAddress } from "../surveys/properties";
import { parseMailbox } from "./message";

const DAY_MS = 86_400_000;

/**
 * Why a recipient got no message. unsubscribed, bounced: the address is suppressed (a complaint counts as
 * bounced); throttled: emailed, or about to be, by some survey within the throttle; no_email, invalid_email:
 * nothing to send to; duplicate_in_request: listed twice; recently_invited: this survey invited them
 * within the request's throttle_days (the invitations API's own check).
 */
export const SKIP_REASONS = ["unsubscribed", "bounced", "throttled", "no_email", "invalid_email", "duplicate_in_request", "recently_invited"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SendTarget {
  recipient: string;
  /** null: the address the person already has on file. */
  email: string | null;
  name?: string | null;
  locale?: Locale | null;
  /** IANA zone of the person, kept on them for sending windows. */
  timezone?: string | null;
  properties?: Record<string, string>;
}

export interface ScheduledSend {
  target: SendTarget;
  /** locale: the invitation's own (the person's), null when it follows the survey's. */
  invitation: { id: string; token: string; expires_at: number; locale: Locale | null };
  send: { id: string; status: "scheduled"; send_at: number };
}

export interface ScheduleResult {
  scheduled: ScheduledSend[];
  skipped: { recipient: string; reason: SkipReason }[];
}

/** Used when EMAIL_FROM is empty on one's own machine: wrangler dev only logs the message. */
export const DEVELOPMENT_SENDER = "Tapscore <surveys@tapscore.localhost>";

/** The sender of every message; null when none is configured where a real one is needed (deployed). */
export function configuredSender(env: Pick<Env, "EMAIL_FROM" | "ENVIRONMENT">): string | null {
  const configured = env.EMAIL_FROM?.trim();
  if (configured) return configured;
  return isDevelopment(env) ? DEVELOPMENT_SENDER : null;
}

/** Why no message can leave with this configuration: no sender where one is needed, or one that is not a mailbox. */
export function senderProblem(env: Pick<Env, "EMAIL_FROM" | "ENVIRONMENT">): "email_from_missing" | "email_from_invalid" | null {
  const sender = configuredSender(env);
  if (sender === null) return "email_from_missing";
  return parseMailbox(sender) ? null : "email_from_invalid";
}

/** THROTTLE_DAYS: nobody is emailed any survey more often than once in so many days (30 unless set). */
export function configuredThrottleDays(env: Pick<Env, "THROTTLE_DAYS">): number {
  const days = Number(env.THROTTLE_DAYS?.trim() || "30");
  return Number.isInteger(days) && days >= 0 ? days : 30;
}


const skipReasonOf = (reason: SuppressionReason): SkipReason => (reason === "unsubscribed" ? "unsubscribed" : "bounced");

/**
 * The one way anything schedules survey emails (the invitations API, recurring members). Each target
 * either gets an invitation and a `scheduled` message, or is skipped with a reason; a suppressed address
 * also gets a `suppressed` message on record, so the sends list shows why nobody was emailed. People,
 * invitations and messages are written in one batch: all of it or none.
 */
export async function scheduleSends(
  env: Env,
  input: {
    survey: StoredSurvey;
    targets: SendTarget[];
    sendAt: (target: SendTarget, index: number) => number;
    kind: SendKind;
    origin: string;
    expiresInDays: number;
    throttleDays: number;
    now: number;
  },
): Promise<ScheduleResult> {
  const { survey, now } = input;
  const skipped: ScheduleResult["skipped"] = [];
  const known = await getPeople(
    env.DB,
    input.targets.filter((t) => !t.email).map((t) => t.recipient),
  );

  // First pass, without the database: duplicates and addresses.
  const seen = new Set<string>();
  const addressed: { target: SendTarget; email: string; sendAt: number }[] = [];
  input.targets.forEach((target, index) => {
    if (seen.has(target.recipient)) return void skipped.push({ recipient: target.recipient, reason: "duplicate_in_request" });
    seen.add(target.recipient);
    const email = (target.email ?? known.get(target.recipient)?.email ?? "").trim();
    if (!email) return void skipped.push({ recipient: target.recipient, reason: "no_email" });
    if (!isEmailAddress(email)) return void skipped.push({ recipient: target.recipient, reason: "invalid_email" });
    addressed.push({ target, email, sendAt: input.sendAt(target, index) });
  });

  const suppressed = await suppressedEmails(
    env.DB,
    addressed.map((a) => a.email),
  );
  const throttleMs = input.throttleDays * DAY_MS;
  const times = addressed.map((a) => a.sendAt);
  const nearby =
    throttleMs > 0 && addressed.length > 0
      ? await sendTimesBetween(
          env.DB,
          addressed.map((a) => a.target.recipient),
          Math.min(...times) - throttleMs,
          Math.max(...times) + throttleMs,
        )
      : new Map<string, number[]>();

  const sends: NewSend[] = [];
  const accepted: { target: SendTarget; email: string; sendAt: number; send: NewSend }[] = [];
  for (const a of addressed) {
    const recipient = a.target.recipient;
    const suppression = suppressed.get(suppressionKey(a.email));
    if (suppression) {
      skipped.push({ recipient, reason: skipReasonOf(suppression) });
      sends.push({ id: newSendId(), survey_id: survey.id, invitation_id: null, recipient, email: a.email, kind: input.kind, status: "suppressed", send_at: a.sendAt, origin: input.origin, error: suppression });
    } else if ((nearby.get(recipient) ?? []).some((t) => Math.abs(t - a.sendAt) < throttleMs)) {
      skipped.push({ recipient, reason: "throttled" });
    } else {
      const send: NewSend = { id: newSendId(), survey_id: survey.id, invitation_id: newInvitationId(), recipient, email: a.email, kind: input.kind, status: "scheduled", send_at: a.sendAt, origin: input.origin, error: null };
      sends.push(send);
      accepted.push({ ...a, send });
    }
  }

  const allowed = allowedPropertyKeys(survey);
  const invitations: NewInvitation[] = accepted.map(({ target, email, sendAt, send }) => {
    const person = known.get(target.recipient);
    const stored = Object.entries(person?.properties ?? {}).filter(([key]) => allowed.has(key));
    return {
      id: send.invitation_id ?? newInvitationId(),
      recipient: target.recipient,
      email,
      locale: target.locale ?? person?.locale ?? null,
      properties: { ...(survey.touchpoint ? { touchpoint: survey.touchpoint } : {}), ...Object.fromEntries(stored), ...target.properties },
      // The links work for the whole period from the moment the message leaves, not from scheduling.
      expires_at: sendAt + input.expiresInDays * DAY_MS,
    };
  });
  const people: PersonInput[] = addressed.map(({ target, email }) => ({
    recipient: target.recipient,
    email,
    name: target.name ?? null,
    locale: target.locale ?? null,
    timezone: target.timezone ?? null,
    properties: target.properties ?? {},
  }));

  const statements: D1PreparedStatement[] = [];
  if (people.length > 0) statements.push(upsertPeopleStatement(env.DB, people, now));
  if (invitations.length > 0) statements.push(insertInvitationsStatement(env.DB, survey.id, invitations, now));
  if (sends.length > 0) statements.push(insertSendsStatement(env.DB, sends, now));
  if (statements.length > 0) await env.DB.batch(statements);

  const secrets = linkSecrets(env);
  const scheduled = await Promise.all(
    accepted.map(async ({ target, send }, index): Promise<ScheduledSend> => {
      const invitation = invitations[index]!;
      const token = await signToken(secrets, { invitationId: invitation.id, expiresAt: invitation.expires_at });
      return { target, invitation: { id: invitation.id, token, expires_at: invitation.expires_at, locale: invitation.locale }, send: { id: send.id, status: "scheduled", send_at: send.send_at } };
    }),
  );
  return { scheduled, skipped };
}
