import type { IRequest } from "itty-router";
import type { Principal } from "../auth/principal";
import { ApiError } from "../http/errors";
import { limitApiAddress, limitApiKey } from "../http/rate-limit";
import { delightedKeyId } from "../security/api-key-token";
import { sha256Hex, timingSafeEqualStrings } from "../security/secrets";
import { findActiveApiKey, touchApiKey } from "../storage/api-keys";
import { getSurvey, type StoredSurvey } from "../storage/surveys";

/**
 * Who calls the Delighted-compatible API: a Delighted-style key (tsd_…) sent as HTTP Basic, and the one
 * survey it is bound to. Node, Ruby and PHP send base64(key + ":"), Python base64(key): both are read.
 */
export interface DelightedCaller {
  principal: Principal;
  survey: StoredSurvey;
}

/** What the handlers of a Delighted route get on their request. */
export type DelightedRequest = IRequest & { delighted: DelightedCaller };

const unauthorized = () =>
  new ApiError(401, "unauthorized", "Send a Tapscore Delighted-style key (tsd_…) as the HTTP Basic user name.", undefined, {
    "WWW-Authenticate": 'Basic realm="tapscore"',
  });

/** The key in a Basic Authorization header, with or without the colon of an empty password. */
export function basicKey(header: string | null): string | null {
  const match = header ? /^Basic[ \t]+([A-Za-z0-9+/=_-]{1,512})[ \t]*$/i.exec(header) : null;
  if (!match) return null;
  let decoded: string;
  try {
    decoded = atob(match[1]!.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  return (colon === -1 ? decoded : decoded.slice(0, colon)).trim() || null;
}

async function callerFor(token: string, env: Env, ctx: ExecutionContext): Promise<DelightedCaller | null> {
  const id = delightedKeyId(token);
  const key = id ? await findActiveApiKey(env.DB, id) : null;
  // Hash even when no key matched, so a miss costs the same as a wrong secret.
  const presented = await sha256Hex(token);
  if (!key || key.delighted_survey === null || !(await timingSafeEqualStrings(presented, key.secretHash))) return null;
  const survey = await getSurvey(env.DB, key.delighted_survey);
  if (!survey) return null;
  ctx.waitUntil(touchApiKey(env.DB, key.id, Date.now()));
  return { principal: { keyId: key.id, scopes: [] }, survey };
}

/** Route middleware of every Delighted route: the caller, counted per key (per address while unknown). */
export async function requireDelightedKey(request: IRequest, env: Env, ctx: ExecutionContext): Promise<undefined> {
  const token = basicKey(request.headers.get("authorization"));
  const caller = token ? await callerFor(token, env, ctx) : null;
  if (!caller) {
    await limitApiAddress(request, env);
    throw unauthorized();
  }
  await limitApiKey(env, caller.principal.keyId);
  (request as DelightedRequest).delighted = caller;
  request.principal = caller.principal;
  return undefined;
}
