/**
 * Invitation ids: 10 random bytes (80 bits, enough that guessing one is hopeless and collisions
 * need ~2^40 invitations), written as exactly 16 lowercase Crockford base32 characters.
 * 80 bits is exactly 16 × 5 bits, so the text and binary forms map one-to-one with no padding:
 * the id is readable in logs and URLs and still costs only 10 bytes inside a link token.
 * Crockford's alphabet leaves out i, l, o and u so ids survive being read aloud or retyped.
 */
import { randomBytes } from "../security/secrets";

export const INVITATION_ID_BYTES = 10;
export const INVITATION_ID_LENGTH = 16;
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
export const INVITATION_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]{16}$/;

export function isInvitationId(value: unknown): value is string {
  return typeof value === "string" && INVITATION_ID_PATTERN.test(value);
}

export function newInvitationId(): string {
  return invitationIdFromBytes(randomBytes(INVITATION_ID_BYTES));
}

export function invitationIdFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== INVITATION_ID_BYTES) throw new RangeError(`An invitation id is ${INVITATION_ID_BYTES} bytes.`);
  let id = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return id;
}

export function invitationIdToBytes(id: string): Uint8Array {
  if (!isInvitationId(id)) throw new TypeError("An invitation id is 16 characters from 0-9 and a-z without i, l, o, u.");
  const bytes = new Uint8Array(INVITATION_ID_BYTES);
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of id) {
    buffer = (buffer << 5) | ALPHABET.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
      buffer &= (1 << bits) - 1;
    }
  }
  return bytes;
}
