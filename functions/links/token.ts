/**
 * Signed respondent link tokens, as in `/r/{token}/{score}`.
 *
 * Binary layout (32 bytes, then base64url without padding = 43 characters):
 *
 *   offset  size  field
 *   0       1     version (1)
 *   1       1     kid: which LINK_SECRET entry signed it (0–255)
 *   2       10    invitation id (see invitation-id.ts)
 *   12      4     expiry, uint32 big-endian seconds since the epoch (good until 2106)
 *   16      16    HMAC-SHA256 over bytes 0–15, truncated to 128 bits
 *
 * The score is deliberately outside the token: one token serves every score link of an invitation,
 * and a respondent changing their mind is the normal case, not tampering.
 *
 * Why a 128-bit tag: forging a link means guessing a tag online, one request per guess; 2^-128 per
 * try is beyond any attacker (RFC 2104 allows truncation to half the hash), and the whole link still
 * is ~77 characters on a typical domain, far below what email clients wrap or mangle. We could go to
 * 96 bits (the RFC's floor), but the 5 characters saved are not worth a weaker margin.
 */
import { base64url, base64urlDecode, hmacSha256 } from "../security/secrets";
import { INVITATION_ID_BYTES, invitationIdFromBytes, invitationIdToBytes } from "./invitation-id";

export { newInvitationId } from "./invitation-id";

const VERSION = 1;
const TAG_BYTES = 16;
const KID_OFFSET = 1;
const ID_OFFSET = 2;
const EXPIRY_OFFSET = ID_OFFSET + INVITATION_ID_BYTES;
const SIGNED_BYTES = EXPIRY_OFFSET + 4;
const TOKEN_BYTES = SIGNED_BYTES + TAG_BYTES;
export const TOKEN_LENGTH = Math.ceil((TOKEN_BYTES * 4) / 3);
const TOKEN_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_LENGTH}}$`);
const MAX_EXPIRY_SECONDS = 0xffff_ffff;
const MIN_SECRET_LENGTH = 16;

export interface LinkSecret {
  kid: number;
  secret: string;
}

/** The configured secrets; the first signs new links, every one verifies. */
export type LinkSecrets = readonly [LinkSecret, ...LinkSecret[]];

export interface TokenClaims {
  invitationId: string;
  /** A Date or epoch milliseconds; stored with one-second precision (rounded down). */
  expiresAt: Date | number;
}

export type TokenFailure = "malformed" | "bad_signature" | "unknown_key" | "expired";

export type VerifiedToken =
  | { ok: true; invitationId: string; expiresAt: Date; kid: number }
  | { ok: false; reason: TokenFailure };

/**
 * Reads LINK_SECRET: comma-separated entries, each `kid:secret` (kid 0–255) or a bare secret
 * (kid 0). Rotate by putting the new secret first and keeping the old one after it until every
 * link it signed has expired. Errors never echo the secret.
 */
export function parseLinkSecrets(value: string | undefined | null): LinkSecrets {
  if (!value?.trim()) throw new Error("LINK_SECRET is not set: give at least one secret of 16 or more characters.");
  const secrets = value.split(",").map((entry, index) => parseEntry(entry.trim(), index + 1));
  const kids = new Set<number>();
  for (const { kid } of secrets) {
    if (kids.has(kid)) throw new Error(`LINK_SECRET uses key id ${kid} twice; give every secret its own "kid:" prefix.`);
    kids.add(kid);
  }
  const [first, ...rest] = secrets;
  if (!first) throw new Error("LINK_SECRET is empty.");
  return [first, ...rest];
}

function parseEntry(entry: string, position: number): LinkSecret {
  if (!entry) throw new Error(`LINK_SECRET entry ${position} is empty (check for a stray comma).`);
  const prefixed = /^(\d{1,3}):(.*)$/s.exec(entry);
  const kid = prefixed ? Number(prefixed[1]) : 0;
  const secret = prefixed ? prefixed[2]!.trim() : entry;
  if (kid > 255) throw new Error(`LINK_SECRET entry ${position}: key id must be 0–255.`);
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`LINK_SECRET entry ${position}: the secret is too short (at least ${MIN_SECRET_LENGTH} characters).`);
  }
  return { kid, secret };
}

export async function signToken(secrets: LinkSecrets, claims: TokenClaims): Promise<string> {
  const signer = secrets[0];
  const expirySeconds = Math.floor(+claims.expiresAt / 1000);
  if (!Number.isInteger(expirySeconds) || expirySeconds <= 0 || expirySeconds > MAX_EXPIRY_SECONDS) {
    throw new RangeError("expiresAt must be a valid time between 1970 and 2106.");
  }
  const bytes = new Uint8Array(TOKEN_BYTES);
  bytes[0] = VERSION;
  bytes[KID_OFFSET] = signer.kid;
  bytes.set(invitationIdToBytes(claims.invitationId), ID_OFFSET);
  new DataView(bytes.buffer).setUint32(EXPIRY_OFFSET, expirySeconds);
  bytes.set(await tag(signer.secret, bytes.subarray(0, SIGNED_BYTES)), SIGNED_BYTES);
  return base64url(bytes);
}

/** Checks form, key, signature and then expiry, in that order; `now` is a Date or epoch ms. */
export async function verifyToken(secrets: LinkSecrets, token: string, now: Date | number = Date.now()): Promise<VerifiedToken> {
  const bytes = decodeToken(token);
  if (!bytes || bytes[0] !== VERSION) return { ok: false, reason: "malformed" };
  const kid = bytes[KID_OFFSET]!;
  const secret = secrets.find((s) => s.kid === kid);
  if (!secret) return { ok: false, reason: "unknown_key" };
  const expected = await tag(secret.secret, bytes.subarray(0, SIGNED_BYTES));
  // subtle.verify would compare the full 32-byte MAC, so compare the truncated tag in constant time.
  if (!crypto.subtle.timingSafeEqual(expected, bytes.subarray(SIGNED_BYTES))) return { ok: false, reason: "bad_signature" };
  const expiresAt = new Date(new DataView(bytes.buffer).getUint32(EXPIRY_OFFSET) * 1000);
  if (expiresAt.getTime() <= +now) return { ok: false, reason: "expired" };
  return { ok: true, invitationId: invitationIdFromBytes(bytes.slice(ID_OFFSET, EXPIRY_OFFSET)), expiresAt, kid };
}

/** Only the canonical encoding decodes, so no two strings name the same token. */
function decodeToken(token: string): Uint8Array | null {
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) return null;
  const bytes = base64urlDecode(token);
  return bytes && bytes.length === TOKEN_BYTES && base64url(bytes) === token ? bytes : null;
}

async function tag(secret: string, data: Uint8Array): Promise<Uint8Array> {
  return (await hmacSha256(secret, data)).subarray(0, TAG_BYTES);
}
