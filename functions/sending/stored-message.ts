import type { Locale } from "../i18n/locales";
import { linkSecrets } from "../links/link-secrets";
import { signToken } from "../links/token";
import { getInvitationWithSurvey, type Invitation } from "../storage/invitations";
import { getPeople, type Person } from "../storage/people";
import type { SendRecord } from "../storage/sends";
import type { StoredSurvey } from "../storage/surveys";
import { effectiveBrand, installationBrand } from "../surveys/brand";
import { configuredSender, DEVELOPMENT_SENDER } from "./enqueue";
import { messageTexts, renderMessage, type MessageTexts, type RenderedMessage } from "./message";

export interface ComposedMessage {
  texts: MessageTexts;
  message: RenderedMessage;
  survey: StoredSurvey;
  invitation: Invitation;
}

/**
 * A send's message from what is stored: its invitation's links (the token is signed again: the same
 * invitation and expiry give the same token), with the origin fixed when it was scheduled. A sent
 * message keeps the texts it left with; one not yet sent takes the survey's and the person's as they
 * are now. Null when the send has no invitation (suppressed before one was made) or it is gone.
 */
export async function composeMessage(env: Env, send: SendRecord, emailFrom: string): Promise<ComposedMessage | null> {
  if (send.invitation_id === null) return null;
  const found = await getInvitationWithSurvey(env.DB, send.invitation_id);
  if (!found) return null;
  const { invitation, survey } = found;
  const texts = send.status === "sent" && send.content ? send.content : currentTexts(survey, invitation, (await getPeople(env.DB, [send.recipient])).get(send.recipient), emailFrom);
  const token = await signToken(linkSecrets(env), { invitationId: invitation.id, expiresAt: invitation.expires_at });
  const links: Record<number, string> = {};
  for (let score = survey.scale.min; score <= survey.scale.max; score++) links[score] = `${send.origin}/r/${token}/${score}`;
  const brand = effectiveBrand(survey.brand, installationBrand(env));
  const message = renderMessage({ survey, texts, to: send.email, links, unsubscribeUrl: `${send.origin}/r/${token}/unsubscribe`, brand });
  return { texts, message, survey, invitation };
}

function currentTexts(survey: StoredSurvey, invitation: Invitation, person: Person | undefined, emailFrom: string): MessageTexts {
  const locale: Locale = invitation.locale ?? person?.locale ?? survey.locale;
  return messageTexts({ survey, locale, name: person?.name ?? null, emailFrom });
}

/** One stored message rendered again as it was (or will be) sent; null when the send or its invitation is gone. */
export async function messageOfSend(env: Env, send: SendRecord): Promise<RenderedMessage | null> {
  // Shown even where no sender is configured yet, so a team can look before it sets EMAIL_FROM.
  const composed = await composeMessage(env, send, configuredSender(env) ?? DEVELOPMENT_SENDER);
  return composed?.message ?? null;
}
