import type { IRequest } from "itty-router";
import * as v from "valibot";
import { readPrefix } from "../http/body";
import { ApiError, toErrorResponse } from "../http/errors";
import type { ResponseSpec, ValidatedRequest } from "../http/route";
import { localeFromAcceptLanguage, DEFAULT_LOCALE } from "../i18n/locales";
import { base64url, randomBytes } from "../security/secrets";
import { COMMENT_MAX_LENGTH, cleanComment } from "../counting/comment";
import { fromAnotherSite } from "../counting/counting-rule";
import { parseRespondentForm, parseScore, unreadableComment } from "./form";
import { commentFromStart } from "./oversized-form";
import { htmlResponse } from "./html-response";
import { choicePage, errorPage, type ChoicePage } from "./page";
import { logoOrigin } from "../surveys/brand";
import { recordOrSend } from "../queue/producer";
import { requestFacts, type CfLike, type RequestFacts } from "../counting/request-signals";
import { resolveLink, type ResolvedLink } from "./resolve";
import { appendEvent } from "../storage/answers";
import { recordChoice } from "../counting/record";
import { webhookOutbox } from "../webhooks/deliver";

/**
 * The largest form our page sends: a comment of COMMENT_MAX_LENGTH code points, each at most 4 UTF-8
 * bytes and each byte percent-encoded as 3 ("😀" is %F0%9F%98%80), plus the nonce, action and score
 * and room for the line breaks and spaces cleaning drops. Anything bigger is not a person's form.
 */
export const MAX_FORM_BYTES = COMMENT_MAX_LENGTH * 4 * 3 + 1_024;

/**
 * Path parameters, for the handlers and the document. They accept any text on purpose: a token that
 * does not verify, or a score off the scale, gets a page in the person's language from the handler,
 * where a parameter the router refused would get a JSON 404.
 */
export const LinkParams = v.object({ token: v.pipe(v.string(), v.description("The signed link token from the invitation.")) });
export const ScoreLinkParams = v.object({
  ...LinkParams.entries,
  score: v.pipe(v.string(), v.description("A score on the survey's scale; anything else answers 400 with the scale.")),
});
type LinkParams = v.InferOutput<typeof LinkParams>;
type ScoreLinkParams = v.InferOutput<typeof ScoreLinkParams>;

/** Respondent pages: one small self-contained HTML document (functions/respondent/page.ts). */
export const RespondentPage = { "text/html": v.pipe(v.string(), v.description("A page in the person's language.")) };

const failures = (page: boolean) => {
  const content = page ? { content: RespondentPage } : {};
  return {
    404: { description: "The link is unknown, forged or malformed", ...content },
    410: { description: "The link has expired, or its survey is closed", ...content },
    429: { description: "Too many requests for this link; Retry-After says when to come back", ...content, headers: { "Retry-After": "Seconds to wait." } },
    503: { description: "Something failed on our side; trying again is safe", ...content },
  } satisfies Record<number, ResponseSpec>;
};

/** What every respondent page route may answer besides its own page: a page saying why, in the person's language. */
export const LINK_FAILURES = failures(true);
/** The same for HEAD: the statuses and headers, no body. */
export const LINK_FAILURES_HEAD = failures(false);
/** The beacon: the link's own failures without a body; a rate limit or our failure still with the page. */
export const SIGNAL_FAILURES = { ...LINK_FAILURES_HEAD, 429: LINK_FAILURES[429], 503: LINK_FAILURES[503] };

type Found = Extract<ResolvedLink, { ok: true }>;

const newNonce = () => base64url(randomBytes(12));
// Our pages post to the origin they were served from: an Origin naming another one is kept as a signal.
const factsOf = (request: IRequest) => requestFacts(request.headers, (request as unknown as { cf?: CfLike }).cf, new URL(request.url).origin);

async function resolve(request: ValidatedRequest<LinkParams>, env: Env): Promise<ResolvedLink> {
  return resolveLink(env, request.input.params.token, request.headers.get("accept-language"), Date.now());
}

const failurePage = (failure: Extract<ResolvedLink, { ok: false }>) => htmlResponse(errorPage(failure.kind, failure.locale), failure.status);

function page(found: Found, token: string, chosen: number | null, extra: Partial<ChoicePage> = {}): ChoicePage {
  return { survey: found.survey, locale: found.locale, token, chosen, comment: null, nonce: newNonce(), brand: found.brand, ...extra };
}

/** A page view or a HEAD: kept with the invitation's answer, deciding nothing (one row written). */
async function keepUndecided(env: Env, found: Found, request: IRequest, kind: "view" | "head", score: number | null): Promise<void> {
  const now = Date.now();
  await appendEvent(env.DB, found.survey.id, { invitation_id: found.invitation.id, kind, score, at: now, ...factsOf(request) }, { stale: false, now }).run();
}

/** A choice page, its CSP allowing the brand's logo. */
export const pageResponse = (shown: ChoicePage, status = 200) => htmlResponse(choicePage(shown), status, logoOrigin(shown.brand));

/** GET /r/{token}: the scale, nothing chosen yet. */
export async function showScale(request: ValidatedRequest<LinkParams>, env: Env): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  await keepUndecided(env, found, request, "view", null);
  return pageResponse(page(found, request.input.params.token, null));
}

/** GET /r/{token}/{score}: the one tap from the email. */
export async function tap(request: ValidatedRequest<ScoreLinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  const { token } = request.input.params;
  const score = parseScore(request.input.params.score, found.survey.scale);
  if (score === null) return pageResponse(page(found, token, null), 400);
  await recordOrSend(
    env,
    ctx,
    { invitationId: found.invitation.id, surveyId: found.survey.id, kind: "tap", score, facts: factsOf(request), now: Date.now() },
    found.answer,
  );
  return pageResponse(page(found, token, score));
}

/** HEAD /r/…: scanners probe links this way; keep the event, decide nothing. */
export async function probe(request: ValidatedRequest<LinkParams & Partial<ScoreLinkParams>>, env: Env): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return htmlResponse(null, found.status);
  const raw = request.input.params.score;
  const score = raw === undefined ? null : parseScore(raw, found.survey.scale);
  await keepUndecided(env, found, request, "head", score);
  return htmlResponse(null);
}

/** POST /r/{token}: a new choice or a comment from the page's forms. */
export async function submit(request: ValidatedRequest<LinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  const { token } = request.input.params;
  const type = request.headers.get("content-type") ?? "";
  const body = /^application\/x-www-form-urlencoded\b/i.test(type) ? await readForm(request) : null;
  const facts = factsOf(request);
  if (fromAnotherSite(facts.signals)) return refuseForeignPost(found, body, facts, env, ctx);
  if (body?.complete === false) {
    // Too large to take: nothing is saved, but the person's text comes back as far as it fits.
    const start = commentFromStart(body.text, found.survey.scale);
    const shown = start ? page(found, token, start.score, { comment: start.comment, notice: "commentCut" }) : page(found, token, null, { notice: "tooLarge" });
    return pageResponse(shown, 413);
  }
  const form = body === null ? null : parseRespondentForm(body.text, found.survey.scale);
  if (!form) {
    // Escapes that are not UTF-8: nothing is recorded, and the comment comes back as far as it could be read.
    const kept = body === null ? null : unreadableComment(body.text, found.survey.scale);
    return pageResponse(kept ? page(found, token, kept.score, { comment: kept.comment, notice: "commentUnreadable" }) : page(found, token, null), 400);
  }

  if (form.nonce) facts.signals.nonce = form.nonce;
  const now = Date.now();
  if (form.action === "choose") {
    await recordOrSend(env, ctx, { invitationId: found.invitation.id, surveyId: found.survey.id, kind: "choose", score: form.score, facts, now }, found.answer);
    return pageResponse(page(found, token, form.score, { notice: "answerUpdated" }));
  }
  const checked = cleanComment(form.comment);
  if (!checked.ok) {
    return pageResponse(page(found, token, form.score, { comment: form.comment, notice: "commentTooLong" }), 400);
  }
  await recordOrSend(env, ctx, {
    invitationId: found.invitation.id, surveyId: found.survey.id, kind: "comment", score: form.score, facts, comment: checked.comment, now,
  }, found.answer);
  return pageResponse(page(found, token, form.score, { comment: checked.comment, notice: "commentSaved" }));
}

/**
 * A form posted from another site's page. It is kept as a raw event, which the counting rule never
 * takes for a choice (fromAnotherSite), and it touches no comment; the poster gets a page saying that
 * nothing changed. That page shows none of the posted text: on our origin it would be another site's
 * words, pre-filled for the person to send.
 */
async function refuseForeignPost(found: Found, body: FormBody | null, facts: RequestFacts, env: Env, ctx: ExecutionContext): Promise<Response> {
  const form = body?.complete ? parseRespondentForm(body.text, found.survey.scale) : null;
  // A click to keep is one of the page's two forms, read whole.
  if (form?.action === "choose" || form?.action === "comment") {
    if (form.nonce) facts.signals.nonce = form.nonce;
    await recordOrSend(env, ctx, { invitationId: found.invitation.id, surveyId: found.survey.id, kind: form.action, score: form.score, facts, now: Date.now() }, found.answer);
  }
  return htmlResponse(errorPage("crossSite", found.locale), 403);
}

/** POST /r/{token}/signal: the page's beacon after a trusted pointer, key or touch input. */
export async function signal(request: ValidatedRequest<LinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return new Response(null, { status: found.status });
  const facts = factsOf(request);
  facts.signals.trusted_input = true;
  // It may confirm the person's choice: decided at once, directly (the queue carries choices only).
  await recordChoice(
    env.DB,
    { invitationId: found.invitation.id, surveyId: found.survey.id, kind: "signal", score: null, facts, now: Date.now() },
    { outbox: webhookOutbox(env, ctx), known: found.answer },
  );
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}

/** A form body: all of it, or (complete: false) the first MAX_FORM_BYTES of a larger one. */
interface FormBody {
  text: string;
  complete: boolean;
}

/** Reads at most MAX_FORM_BYTES, whatever Content-Length says; null when a whole body is not UTF-8. */
async function readForm(request: Request): Promise<FormBody | null> {
  const { bytes, complete } = await readPrefix(request, MAX_FORM_BYTES);
  // A cut body may end inside a character: read it leniently; commentFromStart drops the remnant.
  try {
    return { text: new TextDecoder("utf-8", { fatal: complete, ignoreBOM: false }).decode(bytes), complete };
  } catch {
    return null;
  }
}

/**
 * Failures on respondent routes: a rate limit is a page in the person's language that says when to
 * come back; other client errors stay JSON; anything unexpected is a localized page, safe to retry.
 */
export async function respondentFailure(error: unknown, request: Request): Promise<Response> {
  const locale = localeFromAcceptLanguage(request.headers.get("accept-language")) ?? DEFAULT_LOCALE;
  if (error instanceof ApiError && error.status === 429) {
    const response = await htmlResponse(request.method === "HEAD" ? null : errorPage("tooManyRequests", locale), 429);
    for (const [name, value] of Object.entries(error.headers ?? {})) response.headers.set(name, value);
    return response;
  }
  if (error instanceof ApiError) return toErrorResponse(error);
  return htmlResponse(errorPage("serverError", locale), 503);
}
