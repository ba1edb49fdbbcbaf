import type { IRequest } from "itty-router";
import * as v from "valibot";
import { principalFor } from "../auth/principal";
import { readLimitedText } from "../http/body";
import { grants } from "../security/scopes";
import { findActiveApiKey } from "../storage/api-keys";
import { accessConfigured, verifyAccessJwt } from "./access";
import { SESSION_COOKIE, SESSION_TTL_MS, cookieValue, sessionCookie, signSession, verifySession } from "./session";
import { signInPage } from "./sign-in-page";

const PAGE_HEADERS = {
  "Content-Type": "text/html; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Robots-Tag": "noindex, nofollow",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/** The sign-in form, as signIn reads it and the OpenAPI document shows it; nothing in it is refused. */
export const SignInForm = v.object({
  token: v.optional(v.pipe(v.string(), v.description("The admin token, or an API key with reports:read."), v.trim()), ""),
  next: v.optional(v.pipe(v.string(), v.description("An /internal/ path to go to once signed in; anything else goes to /internal/."))),
});

/** Only a path of this site may follow sign-in, never another origin. */
export function safeNext(raw: string | null | undefined): string {
  return raw && /^\/internal\/[A-Za-z0-9/_.~%-]*$/.test(raw) && !raw.includes("//") ? raw : "/internal/";
}

const isSecure = (request: Request) => new URL(request.url).protocol === "https:";

async function signedIn(request: Request, env: Env): Promise<boolean> {
  if (accessConfigured(env)) return verifyAccessJwt(env, request.headers.get("cf-access-jwt-assertion"));
  const session = await verifySession(env.SESSION_SECRET, cookieValue(request.headers.get("cookie"), SESSION_COOKIE), Date.now());
  if (!session) return false;
  if (session.sub === "admin") return true;
  const key = await findActiveApiKey(env.DB, session.sub);
  return key !== null && grants(key.scopes, "reports:read");
}

/** Every /internal/* page: the built report if signed in, else the way to sign in. Never data first. */
export async function internalPage(request: IRequest, env: Env): Promise<Response> {
  if (await signedIn(request, env)) {
    // itty hands handlers a proxy of the request; the assets binding needs a plain one.
    const page = await env.ASSETS.fetch(new Request(request.url, { headers: request.headers }));
    const headers = new Headers(page.headers);
    headers.set("Cache-Control", "private, no-store");
    headers.set("X-Robots-Tag", "noindex, nofollow");
    return new Response(page.body, { status: page.status, headers });
  }
  if (accessConfigured(env)) return new Response("Cloudflare Access sign-in required.", { status: 403, headers: { "Cache-Control": "no-store" } });
  const next = safeNext(new URL(request.url).pathname);
  return new Response(null, { status: 302, headers: { Location: `/internal/sign-in?next=${encodeURIComponent(next)}`, "Cache-Control": "no-store" } });
}

export function signInForm(request: IRequest): Response {
  return new Response(signInPage(safeNext(new URL(request.url).searchParams.get("next")), false), { headers: PAGE_HEADERS });
}

/** POST /internal/sign-in: the admin token or a key with reports:read buys a 12-hour session. */
export async function signIn(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  // A body that is too large or not UTF-8 is no token: the form again, not an error.
  const fields = new URLSearchParams(await readLimitedText(request, 4096).catch(() => ""));
  const form = v.parse(SignInForm, { token: fields.get("token") ?? undefined, next: fields.get("next") ?? undefined });
  const next = safeNext(form.next);
  const token = form.token;
  const principal = token ? await principalFor(token, env, ctx) : null;
  if (!principal || !grants(principal.scopes, "reports:read")) {
    return new Response(signInPage(next, true), { status: 401, headers: PAGE_HEADERS });
  }
  const value = await signSession(env.SESSION_SECRET, { sub: principal.keyId ?? "admin", exp: Date.now() + SESSION_TTL_MS });
  return new Response(null, {
    status: 303,
    headers: { Location: next, "Set-Cookie": sessionCookie(value, isSecure(request), SESSION_TTL_MS / 1000), "Cache-Control": "no-store" },
  });
}

export function signOut(request: IRequest): Response {
  return new Response(null, {
    status: 303,
    headers: { Location: "/internal/sign-in", "Set-Cookie": sessionCookie("", isSecure(request), 0), "Cache-Control": "no-store" },
  });
}
