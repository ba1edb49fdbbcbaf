import { base64url, base64urlDecode, hmacSha256, timingSafeEqualStrings } from "../security/secrets";

/**
 * The report sign-in cookie: `v1.<payload>.<tag>`, the payload JSON {sub, cred, exp} and the tag an
 * HMAC-SHA256 of it with SESSION_SECRET. Stateless, so signing out on one device ends that cookie
 * only; revoking the API key it came from, or changing the ADMIN_TOKEN it came from, ends every
 * session of that credential (`cred`, checked per request).
 */
export const SESSION_COOKIE = "tapscore_session";
export const SESSION_TTL_MS = 12 * 3_600_000;

export interface Session {
  /** "admin" for the ADMIN_TOKEN, else the id of the API key used to sign in. */
  sub: string;
  /** credentialFingerprint of the secret signed in with: the session lives only as long as it does. */
  cred: string;
  exp: number;
}

const encoder = new TextEncoder();

export async function signSession(secret: string, session: Session): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify(session)));
  return `v1.${payload}.${base64url(await hmacSha256(secret, payload))}`;
}

/**
 * A short fingerprint of a credential (the ADMIN_TOKEN, or an API key's stored hash) keyed with
 * SESSION_SECRET: the cookie carries it without giving anyone who reads the cookie something to guess
 * the credential against. 128 bits is plenty to tell one credential from the next.
 */
export async function credentialFingerprint(secret: string, credential: string): Promise<string> {
  return base64url((await hmacSha256(secret, `session-credential:${credential}`)).slice(0, 16));
}

export async function verifySession(secret: string, value: string | undefined, now: number): Promise<Session | null> {
  const match = value ? /^v1\.([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
  if (!match) return null;
  const [, payload, tag] = match as unknown as [string, string, string];
  const expected = base64url(await hmacSha256(secret, payload));
  if (!(await timingSafeEqualStrings(expected, tag))) return null;
  try {
    const session = JSON.parse(new TextDecoder().decode(base64urlDecode(payload) ?? new Uint8Array())) as Partial<Session>;
    // A cookie from before sessions carried `cred` is bound to nothing and ends here.
    if (typeof session.sub !== "string" || typeof session.cred !== "string" || typeof session.exp !== "number" || session.exp <= now) return null;
    return { sub: session.sub, cred: session.cred, exp: session.exp };
  } catch {
    return null;
  }
}

export function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return undefined;
}

export function sessionCookie(value: string, secure: boolean, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}
