import type { ErrorKind } from "../i18n/respondent-messages";
import { DEFAULT_LOCALE, isLocale, localeFromAcceptLanguage, type Locale } from "../i18n/locales";
import { linkSecrets } from "../links/link-secrets";
import { verifyToken } from "../links/token";
import { getInvitation, linkTarget, type Invitation } from "../storage/invitations";
import type { StoredAnswer } from "../storage/answers";
import { staleReads } from "../storage/reads";
import type { StoredSurvey } from "../storage/surveys";
import { effectiveBrand, installationBrand, type Brand } from "../surveys/brand";

export type ResolvedLink =
  | { ok: true; invitation: Invitation; survey: StoredSurvey; answer: StoredAnswer; locale: Locale; brand: Brand }
  | { ok: false; kind: ErrorKind; status: number; locale: Locale };

/** The language of a respondent page: the invitation's, then the survey's, then the browser's. */
export function respondentLocale(invitation: Invitation | null, survey: StoredSurvey | null, acceptLanguage: string | null): Locale {
  if (isLocale(invitation?.locale)) return invitation.locale;
  if (survey) return survey.locale;
  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE;
}

/**
 * From a token in a URL to the invitation it names, or the reason it cannot be used. A token that
 * does not verify reveals nothing and touches nothing; an expired one still picks the right language.
 */
export async function resolveLink(env: Env, token: string, acceptLanguage: string | null, now: number): Promise<ResolvedLink> {
  const verified = await verifyToken(linkSecrets(env), token, now);
  if (!verified.ok) {
    if (verified.reason === "expired") {
      const invitation = await expiredInvitation(env, token);
      return { ok: false, kind: "expired", status: 410, locale: respondentLocale(invitation, null, acceptLanguage) };
    }
    return { ok: false, kind: "invalid", status: 404, locale: respondentLocale(null, null, acceptLanguage) };
  }
  // A replica may not hold an invitation made moments ago (a template link's first tap): then the primary.
  // Its answer may be behind too; a write decided from it then does not land, and is decided again.
  const found = (await linkTarget(staleReads(env.DB), verified.invitationId)) ?? (await linkTarget(env.DB, verified.invitationId));
  if (!found) return { ok: false, kind: "invalid", status: 404, locale: respondentLocale(null, null, acceptLanguage) };
  const locale = respondentLocale(found.invitation, found.survey, acceptLanguage);
  if (found.survey.archived) return { ok: false, kind: "closed", status: 410, locale };
  return { ok: true, ...found, locale, brand: surveyBrand(env, found.survey) };
}

/** Who asks on a survey's pages: its own brand, field by field over the installation's. */
export function surveyBrand(env: Pick<Env, "BRAND_NAME" | "BRAND_LOGO_URL" | "BRAND_ACCENT">, survey: StoredSurvey): Brand {
  return effectiveBrand(survey.brand, installationBrand(env));
}

/** An expired token is still authentic: verify it at its own expiry to learn the invitation. */
async function expiredInvitation(env: Env, token: string): Promise<Invitation | null> {
  const atExpiry = await verifyToken(linkSecrets(env), token, 0);
  return atExpiry.ok ? getInvitation(env.DB, atExpiry.invitationId) : null;
}
