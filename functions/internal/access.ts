import { createRemoteJWKSet, jwtVerify } from "jose";

/**
 * Cloudflare Access puts a signed JWT in `Cf-Access-Jwt-Assertion`; it is valid when signed by the
 * team's current keys, issued by the team domain and meant for this application (its AUD tag).
 */
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function teamKeys(teamDomain: string) {
  let keys = keySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`https://${teamDomain}/cdn-cgi/access/certs`));
    keySets.set(teamDomain, keys);
  }
  return keys;
}

export function accessConfigured(env: Pick<Env, "ACCESS_TEAM_DOMAIN" | "ACCESS_AUD">): boolean {
  return Boolean(env.ACCESS_TEAM_DOMAIN && env.ACCESS_AUD);
}

export async function verifyAccessJwt(env: Pick<Env, "ACCESS_TEAM_DOMAIN" | "ACCESS_AUD">, token: string | null): Promise<boolean> {
  if (!token) return false;
  const teamDomain = env.ACCESS_TEAM_DOMAIN.replace(/^https?:\/\//, "").replace(/\/+$/, "");
  try {
    await jwtVerify(token, teamKeys(teamDomain), { issuer: `https://${teamDomain}`, audience: env.ACCESS_AUD });
    return true;
  } catch {
    return false;
  }
}
