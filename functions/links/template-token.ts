/**
 * Signed survey tokens for template links, as in `/t/{token}/{score}?r=…`: one link for a whole
 * help-desk or mailing template, where the platform fills in who the person is.
 *
 * Binary layout (base64url without padding):
 *
 *   offset  size  field
 *   0       1     version (2): an invitation token (token.ts) is version 1, so neither reads as the other
 *   1       1     kid: which LINK_SECRET entry signed it (0–255)
 *   2       4     expiry, uint32 big-endian seconds since the epoch; 0 = never expires
 *   6       1     n: the length of the survey id (1–64)
 *   7       n     the survey id, ASCII (a URL slug)
 *   7+n     16    HMAC-SHA256 over a domain label and bytes 0…6+n, truncated to 128 bits
 *
 * The MAC also covers a label of its own ("tapscore template link"), so a tag made for an invitation
 * token can never be moved onto a survey token, whatever the bytes happen to be. Verifying needs no
 * I/O: the survey id comes out of the token.
 */
import { base64url, base64urlDecode, hmacSha256 } from "../security/secrets";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import type { LinkSecrets, TokenFailure } from "./token";

const VERSION = 2;
const TAG_BYTES = 16;
const KID_OFFSET = 1;
const EXPIRY_OFFSET = 2;
const LENGTH_OFFSET = 6;
const ID_OFFSET = 7;
const MAX_EXPIRY_SECONDS = 0xffff_ffff;
const DOMAIN = new TextEncoder().encode("tapscore template link\0");

export interface TemplateClaims {
  surveyId: string;
  /** A Date or epoch ms (one-second precision, rounded down); null for a link that never expires. */
  expiresAt: Date | number | null;
}

export type VerifiedTemplateToken =
  | { ok: true; surveyId: string; expiresAt: Date | null; kid: number }
  | { ok: false; reason: TokenFailure };

export async function signTemplateToken(secrets: LinkSecrets, claims: TemplateClaims): Promise<string> {
  if (!SURVEY_ID_PATTERN.test(claims.surveyId)) throw new TypeError("A template token names a survey by its id (a URL slug of at most 64 characters).");
  const expirySeconds = claims.expiresAt === null ? 0 : Math.floor(+claims.expiresAt / 1000);
  if (!Number.isInteger(expirySeconds) || expirySeconds < 0 || expirySeconds > MAX_EXPIRY_SECONDS || (claims.expiresAt !== null && expirySeconds === 0)) {
    throw new RangeError("expiresAt must be null or a valid time between 1970 and 2106.");
  }
  const signer = secrets[0];
  const id = new TextEncoder().encode(claims.surveyId);
  const signed = new Uint8Array(ID_OFFSET + id.length);
  signed[0] = VERSION;
  signed[KID_OFFSET] = signer.kid;
  new DataView(signed.buffer).setUint32(EXPIRY_OFFSET, expirySeconds);
  signed[LENGTH_OFFSET] = id.length;
  signed.set(id, ID_OFFSET);
  const bytes = new Uint8Array(signed.length + TAG_BYTES);
  bytes.set(signed);
  bytes.set(await tag(signer.secret, signed), signed.length);
  return base64url(bytes);
}

/** Checks form, key, signature and then expiry, in that order; `now` is a Date or epoch ms. */
export async function verifyTemplateToken(secrets: LinkSecrets, token: string, now: Date | number = Date.now()): Promise<VerifiedTemplateToken> {
  const bytes = decode(token);
  if (!bytes) return { ok: false, reason: "malformed" };
  const signedLength = ID_OFFSET + bytes[LENGTH_OFFSET]!;
  const surveyId = String.fromCharCode(...bytes.subarray(ID_OFFSET, signedLength));
  if (!SURVEY_ID_PATTERN.test(surveyId)) return { ok: false, reason: "malformed" };
  const kid = bytes[KID_OFFSET]!;
  const secret = secrets.find((s) => s.kid === kid);
  if (!secret) return { ok: false, reason: "unknown_key" };
  const expected = await tag(secret.secret, bytes.subarray(0, signedLength));
  if (!crypto.subtle.timingSafeEqual(expected, bytes.subarray(signedLength))) return { ok: false, reason: "bad_signature" };
  const expirySeconds = new DataView(bytes.buffer, bytes.byteOffset).getUint32(EXPIRY_OFFSET);
  const expiresAt = expirySeconds === 0 ? null : new Date(expirySeconds * 1000);
  if (expiresAt !== null && expiresAt.getTime() <= +now) return { ok: false, reason: "expired" };
  return { ok: true, surveyId, expiresAt, kid };
}

/** Only the canonical encoding of a version-2 token whose lengths add up decodes. */
function decode(token: string): Uint8Array | null {
  if (typeof token !== "string" || token.length > 128) return null;
  const bytes = base64urlDecode(token);
  if (!bytes || base64url(bytes) !== token || bytes.length < ID_OFFSET + 1 + TAG_BYTES || bytes[0] !== VERSION) return null;
  return bytes.length === ID_OFFSET + bytes[LENGTH_OFFSET]! + TAG_BYTES ? bytes : null;
}

async function tag(secret: string, data: Uint8Array): Promise<Uint8Array> {
  const labelled = new Uint8Array(DOMAIN.length + data.length);
  labelled.set(DOMAIN);
  labelled.set(data, DOMAIN.length);
  return (await hmacSha256(secret, labelled)).subarray(0, TAG_BYTES);
}
