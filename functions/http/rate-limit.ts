import type { IRequest } from "itty-router";
import { ApiError, ErrorBody, payloadTooLarge } from "./errors";
import { MAX_JSON_BYTES } from "./json";
import type { ResponseSpec } from "./route";

/**
 * Rate limits with the Workers Rate Limiting binding (wrangler.toml [[ratelimits]], simulated locally
 * by wrangler dev and the tests). Counts are per Cloudflare location and per period of the binding.
 * - /r/* is limited per invitation token, not per address: a whole office behind one NAT answering
 *   the same survey is many people; one token is one person (and the scanners of their mailbox).
 * - /api/* and the Delighted-compatible /v1/* are limited per API key once the key is known
 *   (requireScope, requireDelightedKey), and per client address before that, so calls without a valid
 *   key cannot exhaust anyone's budget.
 * - POST /internal/sign-in is limited per client address (functions/internal/gate.ts).
 * - /t/* (template links) is limited per survey token and client address: one template token is
 *   every recipient of a survey, so a token alone would let one person use up everyone's budget.
 */

/** The period of every binding, in seconds: what a refused client is told to wait at most. */
export const RATE_LIMIT_PERIOD_S = 60;

type Limiters = Pick<Env, "RESPONDENT_LIMITER" | "API_LIMITER">;
type SignInLimiter = Pick<Env, "SIGNIN_LIMITER">;

/** True when `key` may go on. A limiter that fails lets the request through: limits protect, they must not break. */
async function allowed(limiter: RateLimit | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    return (await limiter.limit({ key })).success;
  } catch (error) {
    console.error("rate limiter failed", error instanceof Error ? error.name : typeof error);
    return true;
  }
}

const retryAfter = { "Retry-After": String(RATE_LIMIT_PERIOD_S) };

/** A 429 with Retry-After; respondent routes render it as a page in the person's language. */
export const tooManyRequests = () =>
  new ApiError(429, "rate_limited", `Too many requests; retry after ${RATE_LIMIT_PERIOD_S} seconds.`, undefined, retryAfter);

const clientAddress = (request: Request) => request.headers.get("cf-connecting-ip") ?? "unknown";

/** Per API key (the admin token counts as one key); throws 429 past the limit. */
export async function limitApiKey(env: Limiters, keyId: string | null): Promise<void> {
  if (!(await allowed(env.API_LIMITER, `key:${keyId ?? "admin"}`))) throw tooManyRequests();
}

/** Per client address, for API calls that bring no valid key. */
export async function limitApiAddress(request: Request, env: Limiters): Promise<void> {
  if (!(await allowed(env.API_LIMITER, `ip:${clientAddress(request)}`))) throw tooManyRequests();
}

/**
 * A template link's taps, per survey token and client address (RESPONDENT_LIMITER, as /r/); throws 429.
 * The template handler calls it first, so a refused tap answers the respondent's page in their language.
 */
export async function limitTemplateTap(request: Request, env: Limiters, token: string): Promise<void> {
  if (!(await allowed(env.RESPONDENT_LIMITER, `template:${token.slice(0, 256)}:${clientAddress(request)}`))) throw tooManyRequests();
}

/**
 * Per client address, for sign-in attempts. Every attempt counts, a right token too: the binding cannot
 * be asked without counting, and asking only after a wrong token would let a guesser past the limit
 * still tell a right token (303) from a wrong one (429).
 */
export async function signInAllowed(request: Request, env: SignInLimiter): Promise<boolean> {
  return allowed(env.SIGNIN_LIMITER, `signin:${clientAddress(request)}`);
}

/** How limitRequest's 413 is documented on routes whose bodies are not JSON (on JSON routes the document adds it). */
export const BODY_OVER_LIMIT = {
  description: `A declared body over ${MAX_JSON_BYTES} bytes, refused before the route runs`,
  json: ErrorBody,
} satisfies ResponseSpec;

/**
 * The respondent form (POST /r/{token}) reads only the start of any body itself, and answers one too
 * large with its page and as much of the person's comment as it read, rather than this JSON 413.
 */
const readsOwnPrefix = (method: string, path: string) => method === "POST" && /^\/r\/[^/]+$/.test(path);

/**
 * Router `before` middleware: refuses a declared body over the largest any route accepts (413) and
 * applies the limits that need no authentication. Returns a response to stop, or nothing to go on.
 */
export async function limitRequest(request: IRequest, env: Limiters): Promise<Response | undefined> {
  const path = new URL(request.url).pathname;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_JSON_BYTES && !readsOwnPrefix(request.method, path)) throw payloadTooLarge(MAX_JSON_BYTES);
  if (path.startsWith("/r/")) {
    const token = path.split("/")[2] ?? "";
    if (await allowed(env.RESPONDENT_LIMITER, `token:${token.slice(0, 256)}`)) return undefined;
    throw tooManyRequests();
  }
  // Calls with a key are counted per key once requireScope has checked it.
  if ((path.startsWith("/api/") || path.startsWith("/v1/")) && !request.headers.has("authorization")) await limitApiAddress(request, env);
  return undefined;
}
