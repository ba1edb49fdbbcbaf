import * as v from "valibot";
import { readPrefix } from "../http/body";
import type { ValidatedRequest } from "../http/route";
import { urlEncodedFields } from "../http/text";
import { linkSecrets } from "../links/link-secrets";
import { verifyToken } from "../links/token";
import { getInvitationWithSurvey, type Invitation } from "../storage/invitations";
import { getSuppression } from "../storage/suppressions";
import { announceUnsubscribe } from "../webhooks/unsubscribes";
import type { Locale } from "../i18n/locales";
import { htmlResponse } from "./html-response";
import { errorPage } from "./page";
import { resolveLink, type ResolvedLink } from "./resolve";
import type { LinkParams } from "./routes";
import { UNSUBSCRIBE_ACTION, unsubscribePage } from "./unsubscribe-page";

/**
 * GET and POST /r/{token}/unsubscribe: the link in every survey email's footer and its
 * List-Unsubscribe header. The token is the invitation's own signed link token. Only a POST
 * unsubscribes — the page's one button, or a mail provider's RFC 8058 one-click POST — because mail
 * security scanners GET every link in a message (LimeSurvey bug #20317 unsubscribed people that way).
 * The POST comes without cookies, nonce or Origin from a provider's server, so it is not checked for
 * where it came from: knowing the token is what entitles it, as for the score links.
 */

/** The largest body taken: a one-click or the page's form is a few dozen bytes, a multipart one a few hundred. */
const MAX_UNSUBSCRIBE_BYTES = 4_096;

const ONE_CLICK = { name: "List-Unsubscribe", value: "One-Click" } as const;

/** The bodies that unsubscribe, for the document; anything else answers 400 with the page's button. */
export const UnsubscribeForm = v.object({
  [ONE_CLICK.name]: v.optional(v.pipe(v.literal(ONE_CLICK.value), v.description("RFC 8058 one-click, as a mail provider posts it."))),
  [UNSUBSCRIBE_ACTION.name]: v.optional(v.pipe(v.literal(UNSUBSCRIBE_ACTION.value), v.description("The page's button."))),
});

type Link = v.InferOutput<typeof LinkParams>;
type Failure = Extract<ResolvedLink, { ok: false }>;
type Target = { ok: true; invitation: Invitation; locale: Locale } | Failure;

/**
 * The invitation behind the token. Forged and unknown links get the other /r routes' pages. Neither a
 * closed survey nor an expired link stops an unsubscribe: it is about every survey to come, and an
 * unsubscribe link must keep working long after the survey's links (CAN-SPAM asks 30 days at least).
 */
async function targetOf(request: ValidatedRequest<Link>, env: Env): Promise<Target> {
  const { token } = request.input.params;
  const resolved = await resolveLink(env, token, request.headers.get("accept-language"), Date.now());
  if (resolved.ok || (resolved.kind !== "closed" && resolved.kind !== "expired")) return resolved;
  // Checked as of the epoch: the signature decides, the link's expiry does not.
  const verified = await verifyToken(linkSecrets(env), token, 0);
  const found = verified.ok ? await getInvitationWithSurvey(env.DB, verified.invitationId) : null;
  return found ? { ok: true, invitation: found.invitation, locale: resolved.locale } : resolved;
}

const failurePage = (failure: Failure) => htmlResponse(errorPage(failure.kind, failure.locale), failure.status);

/** GET /r/{token}/unsubscribe: one button; nothing changes. A later visit says the address is unsubscribed. */
export async function showUnsubscribe(request: ValidatedRequest<Link>, env: Env): Promise<Response> {
  const target = await targetOf(request, env);
  if (!target.ok) return failurePage(target);
  const { token } = request.input.params;
  const email = target.invitation.email;
  if (email === null) return htmlResponse(unsubscribePage("noEmail", target.locale, token), 404);
  const already = await getSuppression(env.DB, email, "unsubscribed");
  return htmlResponse(unsubscribePage(already ? "done" : "confirm", target.locale, token));
}

/** POST /r/{token}/unsubscribe: unsubscribes the invitation's address, once; posting again changes nothing. */
export async function confirmUnsubscribe(request: ValidatedRequest<Link>, env: Env): Promise<Response> {
  const target = await targetOf(request, env);
  if (!target.ok) return failurePage(target);
  const { token } = request.input.params;
  const email = target.invitation.email;
  if (email === null) return htmlResponse(unsubscribePage("noEmail", target.locale, token), 404);
  if (!(await asksToUnsubscribe(request))) return htmlResponse(unsubscribePage("confirm", target.locale, token), 400);
  const { invitation } = target;
  await announceUnsubscribe(env.DB, { email, source: "link", surveyId: invitation.survey_id, recipient: invitation.recipient, invitationId: invitation.id, now: Date.now() });
  return htmlResponse(unsubscribePage("done", target.locale, token));
}

/** The body is the page's form or a one-click, urlencoded or (RFC 8058 allows it) multipart. */
async function asksToUnsubscribe(request: Request): Promise<boolean> {
  const type = request.headers.get("content-type") ?? "";
  const { bytes, complete } = await readPrefix(request, MAX_UNSUBSCRIBE_BYTES);
  if (!complete) return false;
  const fields = new Map<string, string>();
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(bytes);
    for (const field of urlEncodedFields(text)) if (!fields.has(field.name)) fields.set(field.name, field.value);
  } else if (/^multipart\/form-data\b/i.test(type)) {
    try {
      const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
      for (const [name, value] of form) if (typeof value === "string" && !fields.has(name)) fields.set(name, value);
    } catch {
      return false;
    }
  }
  return fields.get(ONE_CLICK.name) === ONE_CLICK.value || fields.get(UNSUBSCRIBE_ACTION.name) === UNSUBSCRIBE_ACTION.value;
}
