import type { IRequest } from "itty-router";
import { ApiError } from "../http/errors";
import { limitApiAddress, limitApiKey } from "../http/rate-limit";
import { apiKeyId } from "../security/api-key-token";
import { SCOPES, grants, type Scope } from "../security/scopes";
import { sha256Hex, timingSafeEqualStrings } from "../security/secrets";
import { findActiveApiKey, touchApiKey } from "../storage/api-keys";

/** Who is calling: the ADMIN_TOKEN holder, or an API key with its scopes. */
export interface Principal {
  keyId: string | null;
  scopes: readonly Scope[];
}

export type AuthedRequest = IRequest & { principal: Principal };

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer realm="tapscore"' });

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

export async function authenticate(request: Request, env: Env, ctx: ExecutionContext): Promise<Principal> {
  const token = bearerToken(request);
  if (!token) throw unauthorized("Send an API key as Authorization: Bearer <key>.");
  const principal = await principalFor(token, env, ctx);
  if (!principal) throw unauthorized("The API key is not valid or has been revoked.");
  return principal;
}

/** The caller a presented secret stands for: the ADMIN_TOKEN, an active API key, or nobody. */
export async function principalFor(token: string, env: Env, ctx: ExecutionContext): Promise<Principal | null> {
  if (env.ADMIN_TOKEN && (await timingSafeEqualStrings(token, env.ADMIN_TOKEN))) {
    return { keyId: null, scopes: SCOPES };
  }
  const id = apiKeyId(token);
  const key = id ? await findActiveApiKey(env.DB, id) : null;
  // Hash even when no key matched, so a miss costs the same as a wrong secret.
  const presented = await sha256Hex(token);
  if (!key || !(await timingSafeEqualStrings(presented, key.secretHash))) return null;
  ctx.waitUntil(touchApiKey(env.DB, key.id, Date.now()));
  return { keyId: key.id, scopes: key.scopes };
}

/** Route middleware: authenticates the caller and demands one scope (403 when the key lacks it). */
export function requireScope(scope: Scope) {
  return async (request: IRequest, env: Env, ctx: ExecutionContext): Promise<undefined> => {
    let principal: Principal;
    try {
      principal = await authenticate(request, env, ctx);
    } catch (error) {
      // Wrong keys are counted per address, so guessing costs the guesser, never a real key's budget.
      // (Calls without any Authorization header were counted so already, by the router's limitRequest.)
      if (request.headers.has("authorization")) await limitApiAddress(request, env);
      throw error;
    }
    await limitApiKey(env, principal.keyId);
    if (!grants(principal.scopes, scope)) {
      throw new ApiError(403, "forbidden", `This key lacks the "${scope}" scope.`);
    }
    request.principal = principal;
    return undefined;
  };
}
