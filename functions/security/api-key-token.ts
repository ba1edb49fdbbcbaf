import { base64url, randomBytes, toHex } from "./secrets";

/**
 * API keys look like `tsk_3f9a1c2e7b4d_<43 url-safe characters>`: the middle part is the key's
 * public id (used to find it), the rest is 256 bits of secret. Only a hash of the whole string is kept.
 */
const KEY_PATTERN = /^tsk_([0-9a-f]{12})_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(): { id: string; token: string } {
  const id = toHex(randomBytes(6));
  return { id, token: `tsk_${id}_${base64url(randomBytes(32))}` };
}

/** The key id inside a presented token, or null when it cannot be one of ours. */
export function apiKeyId(token: string): string | null {
  return KEY_PATTERN.exec(token)?.[1] ?? null;
}

/**
 * Keys for the Delighted-compatible API look like `tsd_3f9a1c2e7b4d_<27 url-safe characters>`: 44
 * characters in all (Ruby's client breaks its Basic header on 45 or more), 160 bits of secret.
 */
const DELIGHTED_KEY_PATTERN = /^tsd_([0-9a-f]{12})_[A-Za-z0-9_-]{27}$/;

export function generateDelightedKey(): { id: string; token: string } {
  const id = toHex(randomBytes(6));
  return { id, token: `tsd_${id}_${base64url(randomBytes(20))}` };
}

export function delightedKeyId(token: string): string | null {
  return DELIGHTED_KEY_PATTERN.exec(token)?.[1] ?? null;
}
