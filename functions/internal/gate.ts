import type { IRequest } from "itty-router";
import * as v from "valibot";
import { principalFor } from "../auth/principal";
import { readLimitedText } from "../http/body";
import { urlEncodedFields } from "../http/text";
import { RATE_LIMIT_PERIOD_S, signInAllowed } from "../http/rate-limit";
import { grants } from "../security/scopes";
import { sha256Hex, timingSafeEqualStrings } from "../security/secrets";
import { findActiveApiKey } from "../storage/api-keys";
import { accessConfigured, verifyAccessJwt } from "./access";
import { COPY_SCRIPT_HASH } from "./manage/copy-script";
import { SESSION_COOKIE, SESSION_TTL_MS, cookieValue, credentialFingerprint, sessionCookie, signSession, verifySession } from "./session";
import { signInPage, signOutRefusedPage } from "./sign-in-page";
import { siteAsset } from "./site-assets";

/**
 * What every /internal/* answer carries, whoever made it (the router adds them in its last step).
 * The pages are HTML with inline <style> and inline SVG: no frame, nothing remote, and one script
 * only, the manage pages' Copy buttons, allowed by its hash (no 'unsafe-inline': an injected script
 * never runs).
 */
export const INTERNAL_HEADERS = {
  // img-src 'self' only for the favicon a browser asks for by itself; the pages have no images.
  "Content-Security-Policy": `default-src 'none'; script-src ${COPY_SCRIPT_HASH}; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  // Not no-referrer: under it a browser sends `Origin: null` on our own form posts, and fromOwnPage
  // relies on Origin where Sec-Fetch-Site is missing.
  "Referrer-Policy": "same-origin",
  "Cache-Control": "private, no-store",
  "X-Robots-Tag": "noindex, nofollow",
} as const;

export const isInternalPath = (pathname: string): boolean => pathname === "/internal" || pathname.startsWith("/internal/");

/** The answer with INTERNAL_HEADERS set over whatever it had (an asset's own Cache-Control included). */
export function withInternalHeaders(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(INTERNAL_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

const html = (body: string, status: number, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8", ...headers } });

/** The sign-in form, as signIn reads it and the OpenAPI document shows it; nothing in it is refused. */
export const SignInForm = v.object({
  token: v.optional(v.pipe(v.string(), v.description("The admin token, or an API key with reports:read."), v.trim()), ""),
  next: v.optional(v.pipe(v.string(), v.description("An /internal/ path to go to once signed in; anything else goes to /internal/."))),
});

const FALLBACK_NEXT = "/internal/";
const RESOLVE_BASE = "https://next.invalid";

/**
 * Only a path of this site under /internal/ may follow sign-in, judged as a browser will read it:
 * dot segments (also %2e-encoded) resolved, `//host` and backslashes (which browsers read as `/`)
 * refused, and whatever remains must still start with /internal/.
 */
export function safeNext(raw: string | null | undefined): string {
  // Browsers drop tabs and newlines from URLs and read `\` as `/`: refuse rather than guess.
  if (!raw || raw.length > 2048 || !raw.startsWith("/") || /[\\\u0000-\u001f\u007f]/.test(raw)) return FALLBACK_NEXT;
  let url: URL;
  try {
    url = new URL(raw, RESOLVE_BASE);
  } catch {
    return FALLBACK_NEXT;
  }
  const path = url.pathname;
  if (url.origin !== RESOLVE_BASE || !path.startsWith("/internal/") || path.includes("//")) return FALLBACK_NEXT;
  // An encoded dot, slash, backslash or percent left after resolving could make a segment when decoded later.
  if (/%(2e|2f|5c|25)/i.test(path)) return FALLBACK_NEXT;
  // The query stays: a filtered list or a preset form opens as it was asked for.
  return path + url.search;
}

/**
 * A sign-in or sign-out must come from this site's own page, never from a form on another site.
 * Browsers say where a request came from in Sec-Fetch-Site, which no page can set; older ones only in
 * Origin. A request with neither (curl, scripts) is refused too: sign-in is for browsers, and scripts
 * call the API with a bearer token.
 */
export function fromOwnPage(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  return origin !== null && origin === new URL(request.url).origin;
}

const isSecure = (request: Request) => new URL(request.url).protocol === "https:";

/** What a session is bound to: the ADMIN_TOKEN itself, or the stored hash of the key's secret. */
const credentialOf = (env: Env, keySecretHash: string | null): Promise<string> =>
  credentialFingerprint(env.SESSION_SECRET, keySecretHash === null ? `admin:${env.ADMIN_TOKEN}` : `key:${keySecretHash}`);

async function signedIn(request: Request, env: Env): Promise<boolean> {
  if (accessConfigured(env)) return verifyAccessJwt(env, request.headers.get("cf-access-jwt-assertion"));
  const session = await verifySession(env.SESSION_SECRET, cookieValue(request.headers.get("cookie"), SESSION_COOKIE), Date.now());
  if (!session) return false;
  // A session lasts only as long as the credential it came from: a new ADMIN_TOKEN ends the old one's.
  if (session.sub === "admin") return Boolean(env.ADMIN_TOKEN) && (await timingSafeEqualStrings(session.cred, await credentialOf(env, null)));
  const key = await findActiveApiKey(env.DB, session.sub);
  return key !== null && grants(key.scopes, "reports:read") && (await timingSafeEqualStrings(session.cred, await credentialOf(env, key.secretHash)));
}

/** Every /internal/* page: the built report if signed in, else the way to sign in. Never data first. */
export function internalPage(request: IRequest, env: Env): Promise<Response> {
  // The site's 404 page where nothing is built (not_found_handling = "none" leaves the assets' own 404 bare).
  return behindGate(request, env, () => siteAsset(request, env));
}

/** `page` if signed in, else the way to sign in: the one gate of every /internal/* page, built or made per request. */
export async function behindGate(request: IRequest, env: Env, page: () => Promise<Response>): Promise<Response> {
  if (await signedIn(request, env)) return page();
  if (accessConfigured(env)) return new Response("Cloudflare Access sign-in required.", { status: 403 });
  // After sign-in the browser GETs `next`: a form posted while signed out goes back to where its page starts.
  const url = new URL(request.url);
  const next = request.method === "GET" || request.method === "HEAD" ? safeNext(url.pathname + url.search) : FALLBACK_NEXT;
  return new Response(null, { status: 302, headers: { Location: `/internal/sign-in?next=${encodeURIComponent(next)}` } });
}

export function signInForm(request: IRequest): Response {
  return html(signInPage(safeNext(new URL(request.url).searchParams.get("next"))), 200);
}

/** POST /internal/sign-in: the admin token or a key with reports:read buys a 12-hour session. */
export async function signIn(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  // A body that is too large or not UTF-8 is no token: the form again, not an error.
  const fields = urlEncodedFields(await readLimitedText(request, 4096).catch(() => ""));
  // A field's first value, as URLSearchParams.get; none when its escapes are not UTF-8 (that would read as other text).
  const field = (name: string) => {
    const first = fields.find((f) => f.name === name);
    return first?.wellFormed ? first.value : undefined;
  };
  const form = v.parse(SignInForm, { token: field("token"), next: field("next") });
  const next = safeNext(form.next);
  // Before the limiter: a form on another site must not spend its visitors' attempts.
  if (!fromOwnPage(request)) return html(signInPage(next, "cross-site"), 403);
  if (!(await signInAllowed(request, env))) return html(signInPage(next, "limited"), 429, { "Retry-After": String(RATE_LIMIT_PERIOD_S) });
  const token = form.token;
  const principal = token ? await principalFor(token, env, ctx) : null;
  if (!principal || !grants(principal.scopes, "reports:read")) return html(signInPage(next, "failed"), 401);
  // principalFor matched the key's stored hash against this token's, so hashing it again gives that hash.
  const cred = await credentialOf(env, principal.keyId === null ? null : await sha256Hex(token));
  const value = await signSession(env.SESSION_SECRET, { sub: principal.keyId ?? "admin", cred, exp: Date.now() + SESSION_TTL_MS });
  return new Response(null, { status: 303, headers: { Location: next, "Set-Cookie": sessionCookie(value, isSecure(request), SESSION_TTL_MS / 1000) } });
}

/** POST /internal/sign-out; from another site it would sign people out behind their backs. */
export function signOut(request: IRequest): Response {
  if (!fromOwnPage(request)) return html(signOutRefusedPage(), 403);
  return new Response(null, { status: 303, headers: { Location: "/internal/sign-in", "Set-Cookie": sessionCookie("", isSecure(request), 0) } });
}
