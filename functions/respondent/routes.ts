import type { IRequest } from "itty-router";
import * as v from "valibot";
import { readLimitedText } from "../http/body";
import { ApiError, toErrorResponse } from "../http/errors";
import type { ResponseSpec, ValidatedRequest } from "../http/route";
import { localeFromAcceptLanguage, DEFAULT_LOCALE } from "../i18n/locales";
import { base64url, randomBytes } from "../security/secrets";
import { cleanComment } from "../counting/comment";
import { parseRespondentForm, parseScore } from "./form";
import { htmlResponse } from "./html-response";
import { choicePage, errorPage, type ChoicePage } from "./page";
import { recordOrSend } from "../queue/producer";
import { requestFacts, type CfLike } from "../counting/request-signals";
import { resolveLink, type ResolvedLink } from "./resolve";
import { appendEvent } from "../storage/events";

/** Respondent forms are tiny; anything bigger is not ours. */
const MAX_FORM_BYTES = 16_384;

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
const factsOf = (request: IRequest) => requestFacts(request.headers, (request as unknown as { cf?: CfLike }).cf);

async function resolve(request: ValidatedRequest<LinkParams>, env: Env): Promise<ResolvedLink> {
  return resolveLink(env, request.input.params.token, request.headers.get("accept-language"), Date.now());
}

const failurePage = (failure: Extract<ResolvedLink, { ok: false }>) => htmlResponse(errorPage(failure.kind, failure.locale), failure.status);

function page(found: Found, token: string, chosen: number | null, extra: Partial<ChoicePage> = {}): ChoicePage {
  return { survey: found.survey, locale: found.locale, token, chosen, comment: null, nonce: newNonce(), ...extra };
}

/** GET /r/{token}: the scale, nothing chosen yet. */
export async function showScale(request: ValidatedRequest<LinkParams>, env: Env): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  await appendEvent(env.DB, { invitation_id: found.invitation.id, kind: "view", score: null, at: Date.now(), ...factsOf(request) });
  return htmlResponse(choicePage(page(found, request.input.params.token, null)));
}

/** GET /r/{token}/{score}: the one tap from the email. */
export async function tap(request: ValidatedRequest<ScoreLinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  const { token } = request.input.params;
  const score = parseScore(request.input.params.score, found.survey.scale);
  if (score === null) return htmlResponse(choicePage(page(found, token, null)), 400);
  await recordOrSend(env, ctx, {
    invitationId: found.invitation.id, surveyId: found.survey.id, kind: "tap", score, facts: factsOf(request), now: Date.now(),
  });
  return htmlResponse(choicePage(page(found, token, score)));
}

/** HEAD /r/…: scanners probe links this way; keep the event, decide nothing. */
export async function probe(request: ValidatedRequest<LinkParams & Partial<ScoreLinkParams>>, env: Env): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return htmlResponse(null, found.status);
  const raw = request.input.params.score;
  const score = raw === undefined ? null : parseScore(raw, found.survey.scale);
  await appendEvent(env.DB, { invitation_id: found.invitation.id, kind: "head", score, at: Date.now(), ...factsOf(request) });
  return htmlResponse(null);
}

/** POST /r/{token}: a new choice or a comment from the page's forms. */
export async function submit(request: ValidatedRequest<LinkParams>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return failurePage(found);
  const { token } = request.input.params;
  const type = request.headers.get("content-type") ?? "";
  const body = /^application\/x-www-form-urlencoded\b/i.test(type) ? await readForm(request) : null;
  // Our forms are tiny: a bigger body is refused with 413, and still gets the page to try again.
  if (body === TOO_LARGE) return htmlResponse(choicePage(page(found, token, null)), 413);
  const form = body === null ? null : parseRespondentForm(body, found.survey.scale);
  if (!form) return htmlResponse(choicePage(page(found, token, null)), 400);

  const facts = factsOf(request);
  if (form.nonce) facts.signals.nonce = form.nonce;
  const now = Date.now();
  if (form.action === "choose") {
    await recordOrSend(env, ctx, { invitationId: found.invitation.id, surveyId: found.survey.id, kind: "choose", score: form.score, facts, now });
    return htmlResponse(choicePage(page(found, token, form.score, { notice: "answerUpdated" })));
  }
  const checked = cleanComment(form.comment);
  if (!checked.ok) {
    return htmlResponse(choicePage(page(found, token, form.score, { comment: form.comment, notice: "commentTooLong" })), 400);
  }
  await recordOrSend(env, ctx, {
    invitationId: found.invitation.id, surveyId: found.survey.id, kind: "comment", score: form.score, facts, comment: checked.comment, now,
  });
  return htmlResponse(choicePage(page(found, token, form.score, { comment: checked.comment, notice: "commentSaved" })));
}

/** POST /r/{token}/signal: the page's beacon after a trusted pointer, key or touch input. */
export async function signal(request: ValidatedRequest<LinkParams>, env: Env): Promise<Response> {
  const found = await resolve(request, env);
  if (!found.ok) return new Response(null, { status: found.status });
  const facts = factsOf(request);
  facts.signals.trusted_input = true;
  await appendEvent(env.DB, { invitation_id: found.invitation.id, kind: "signal", score: null, at: Date.now(), ...facts });
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
}

const TOO_LARGE = Symbol("too large");

async function readForm(request: Request): Promise<string | null | typeof TOO_LARGE> {
  if (Number(request.headers.get("content-length") ?? "0") > MAX_FORM_BYTES) return TOO_LARGE;
  try {
    return await readLimitedText(request, MAX_FORM_BYTES);
  } catch (error) {
    if (error instanceof ApiError) return error.status === 413 ? TOO_LARGE : null;
    throw error;
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
