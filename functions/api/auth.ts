import type { IRequest } from "itty-router";
import { ApiError } from "../http/errors";
import { limitApiAddress, limitApiKey } from "../http/rate-limit";
import { bearerToken, principalFor, type Principal } from "../auth/principal";
import { grants, type Scope } from "../security/scopes";

const unauthorized = (message: string) =>
  new ApiError(401, "unauthorized", message, undefined, { "WWW-Authenticate": 'Bearer realm="tapscore"' });

export async function authenticate(request: Request, env: Env, ctx: ExecutionContext): Promise<Principal> {
  const token = bearerToken(request);
  if (!token) throw unauthorized("Send an API key as Authorization: Bearer <key>.");
  const principal = await principalFor(token, env, ctx);
  if (!principal) throw unauthorized("The API key is not valid or has been revoked.");
  return principal;
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
