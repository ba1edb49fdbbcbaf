import { env } from "cloudflare:test";
import { fetchChecked } from "./document";

/** Signing in and reading the manage pages as a browser does, through the real entry point. */

export const BASE = "http://tapscore.test";
/** What a browser sends with a form posted from one of our own pages. */
export const OWN_PAGE = { "sec-fetch-site": "same-origin" };

/** Signs in with the admin token; the session cookie ("name=value"). */
export async function signIn(): Promise<string> {
  const response = await fetchChecked(`${BASE}/internal/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...OWN_PAGE },
    body: new URLSearchParams({ token: env.ADMIN_TOKEN, next: "/internal/" }).toString(),
    redirect: "manual",
  });
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

/** A page as the signed-in browser gets it, redirects not followed. */
export const get = (cookie: string, path: string) => fetchChecked(`${BASE}${path}`, { headers: { cookie }, redirect: "manual" });

/** The CSRF token of a page's forms. */
export const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
