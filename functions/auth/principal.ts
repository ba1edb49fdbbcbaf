import { apiKeyId } from "../security/api-key-token";
import { SCOPES, type Scope } from "../security/scopes";
import { sha256Hex, timingSafeEqualStrings } from "../security/secrets";
import { findActiveApiKey, touchApiKey } from "../storage/api-keys";

/** Who is calling: the ADMIN_TOKEN holder, or an API key with its scopes. */
export interface Principal {
  keyId: string | null;
  scopes: readonly Scope[];
}

export function bearerToken(request: Request): string | null {
  const header = request.headers.get("authorization");
  const match = header ? /^Bearer[ \t]+(\S{1,512})[ \t]*$/i.exec(header) : null;
  return match?.[1] ?? null;
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
