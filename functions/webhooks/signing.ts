import { hmacSha256, randomBytes, toHex } from "../security/secrets";

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of
 * random key bytes; each attempt is signed as `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).
 * No I/O: Web Crypto only.
 */

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + toBase64(randomBytes(SECRET_BYTES));
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers of one attempt; `timestamp` is in whole seconds, as the spec requires. */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<SignedHeaders> {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("webhook secret: not a whsec_ secret");
  const mac = await hmacSha256(fromBase64(secret.slice(SECRET_PREFIX.length)), `${id}.${timestamp}.${body}`);
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${toBase64(mac)}` };
}

/**
 * Delighted's header for a `format: "delighted"` endpoint, so a receiver's Delighted check keeps working:
 * hex HMAC-SHA256 of the body, keyed with the secret as shown at creation (the whole `whsec_…` text).
 */
export const DELIGHTED_SIGNATURE_HEADER = "x-delighted-webhook-signature";

export async function delightedSignature(secret: string, body: string): Promise<string> {
  // As bytes: hmacSha256 keeps the keys of text secrets, meant for the deployment's few fixed ones.
  return toHex(await hmacSha256(new TextEncoder().encode(secret), body));
}
