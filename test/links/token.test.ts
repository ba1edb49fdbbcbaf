import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { invitationIdFromBytes, invitationIdToBytes, isInvitationId } from "../../functions/links/invitation-id";
import { TOKEN_LENGTH, newInvitationId, parseLinkSecrets, signToken, verifyToken } from "../../functions/links/token";
import { base64url } from "../../functions/security/secrets";

const OLD = parseLinkSecrets("1:old-secret-0123456789abcdef");
const NEW = parseLinkSecrets("2:new-secret-0123456789abcdef");
const ROTATED = parseLinkSecrets("2:new-secret-0123456789abcdef, 1:old-secret-0123456789abcdef");
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const IN_30_DAYS = NOW + 30 * 86_400_000;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function decode(token: string): Uint8Array {
  return Uint8Array.from(atob(token.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
}

describe("invitation ids", () => {
  it("are 16 Crockford base32 characters that map one-to-one to 10 bytes", () => {
    const ids = new Set(Array.from({ length: 200 }, newInvitationId));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(isInvitationId(id)).toBe(true);
      expect(invitationIdFromBytes(invitationIdToBytes(id))).toBe(id);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 10, maxLength: 10 }), (bytes) => {
        expect(invitationIdToBytes(invitationIdFromBytes(bytes))).toEqual(bytes);
      }),
    );
  });

  it("rejects ids of the wrong shape", () => {
    for (const bad of ["", "0123456789abcdeF", "0123456789abcdei", "0123456789abcde", "0123456789abcdeff"]) {
      expect(isInvitationId(bad)).toBe(false);
      expect(() => invitationIdToBytes(bad)).toThrow(TypeError);
    }
  });
});

describe("parseLinkSecrets", () => {
  it("reads a bare secret as key id 0 and kid:secret pairs in order", () => {
    expect(parseLinkSecrets("test-link-secret-0123456789abcdef")).toEqual([{ kid: 0, secret: "test-link-secret-0123456789abcdef" }]);
    expect(parseLinkSecrets(" 7:aaaaaaaaaaaaaaaa , bbbbbbbbbbbbbbbb ")).toEqual([
      { kid: 7, secret: "aaaaaaaaaaaaaaaa" },
      { kid: 0, secret: "bbbbbbbbbbbbbbbb" },
    ]);
  });

  it("throws a clear error on empty or invalid values without echoing the secret", () => {
    expect(() => parseLinkSecrets("")).toThrow(/LINK_SECRET is not set/);
    expect(() => parseLinkSecrets(undefined)).toThrow(/LINK_SECRET is not set/);
    expect(() => parseLinkSecrets("   ")).toThrow(/LINK_SECRET is not set/);
    expect(() => parseLinkSecrets("short")).toThrow(/too short/);
    expect(() => parseLinkSecrets("1:aaaaaaaaaaaaaaaa,")).toThrow(/entry 2 is empty/);
    expect(() => parseLinkSecrets("256:aaaaaaaaaaaaaaaa")).toThrow(/0–255/);
    expect(() => parseLinkSecrets("aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbb")).toThrow(/key id 0 twice/);
    // Both together: it throws, and what it throws does not carry the secret.
    expect(() => parseLinkSecrets("1:secret!")).toThrow("LINK_SECRET entry 1: the secret is too short (at least 16 characters).");
    expect(() => parseLinkSecrets("1:secret!")).not.toThrow(/secret!/);
  });
});

describe("signToken / verifyToken", () => {
  it("round-trips the invitation, expiry and key id", async () => {
    const invitationId = newInvitationId();
    const token = await signToken(NEW, { invitationId, expiresAt: new Date(IN_30_DAYS) });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(await verifyToken(NEW, token, NOW)).toEqual({ ok: true, invitationId, expiresAt: new Date(IN_30_DAYS), kid: 2 });
  });

  it("accepts epoch milliseconds and keeps one-second precision", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS + 999 });
    const result = await verifyToken(NEW, token, NOW);
    expect(result.ok && result.expiresAt.getTime()).toBe(IN_30_DAYS);
  });

  it("refuses to sign an invalid invitation id or expiry", async () => {
    await expect(signToken(NEW, { invitationId: "nope", expiresAt: IN_30_DAYS })).rejects.toThrow(TypeError);
    await expect(signToken(NEW, { invitationId: newInvitationId(), expiresAt: Number.NaN })).rejects.toThrow(RangeError);
    await expect(signToken(NEW, { invitationId: newInvitationId(), expiresAt: 0 })).rejects.toThrow(RangeError);
    await expect(signToken(NEW, { invitationId: newInvitationId(), expiresAt: Date.UTC(2107, 0, 1) })).rejects.toThrow(RangeError);
  });

  it("keeps a full score link under 120 characters", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: Date.UTC(2106, 0, 1) });
    const link = `https://feedback.example.com/r/${token}/10`;
    expect(link.length).toBeLessThan(120);
  });

  it("fails when any character is replaced by any other", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS });
    for (let position = 0; position < token.length; position++) {
      for (const char of BASE64URL) {
        if (char === token[position]) continue;
        const altered = token.slice(0, position) + char + token.slice(position + 1);
        const result = await verifyToken(NEW, altered, NOW);
        expect(result.ok, `${position}:${char}`).toBe(false);
      }
    }
  });

  it("fails when any bit of any byte is flipped", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS });
    const bytes = decode(token);
    for (let position = 0; position < bytes.length; position++) {
      for (let bit = 0; bit < 8; bit++) {
        const altered = bytes.slice();
        altered[position]! ^= 1 << bit;
        const result = await verifyToken(NEW, base64url(altered), NOW);
        expect(result.ok, `${position}/${bit}`).toBe(false);
      }
    }
  });

  it("reports a changed payload under the same key as a bad signature", async () => {
    const bytes = decode(await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS }));
    bytes[12]! ^= 0x80; // push the expiry ~68 years out
    expect(await verifyToken(NEW, base64url(bytes), NOW)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("fails on truncation and extension", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS });
    for (let length = 0; length < token.length; length++) {
      expect(await verifyToken(NEW, token.slice(0, length), NOW)).toEqual({ ok: false, reason: "malformed" });
    }
    for (const suffix of ["A", "AA", "AAAA", "=", "==", " ", "\n", token]) {
      expect(await verifyToken(NEW, token + suffix, NOW)).toEqual({ ok: false, reason: "malformed" });
    }
    expect(await verifyToken(NEW, ` ${token}`, NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it("fails once expired, and exactly at the expiry instant", async () => {
    const token = await signToken(NEW, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS });
    expect((await verifyToken(NEW, token, IN_30_DAYS - 1000)).ok).toBe(true);
    expect(await verifyToken(NEW, token, IN_30_DAYS)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyToken(NEW, token, new Date(IN_30_DAYS + 1))).toEqual({ ok: false, reason: "expired" });
  });

  it("verifies links signed with an older secret after rotation, and signs with the newest", async () => {
    const invitationId = newInvitationId();
    const oldToken = await signToken(OLD, { invitationId, expiresAt: IN_30_DAYS });
    expect(await verifyToken(ROTATED, oldToken, NOW)).toMatchObject({ ok: true, invitationId, kid: 1 });
    const newToken = await signToken(ROTATED, { invitationId, expiresAt: IN_30_DAYS });
    expect(await verifyToken(NEW, newToken, NOW)).toMatchObject({ ok: true, kid: 2 });
    expect(await verifyToken(OLD, newToken, NOW)).toEqual({ ok: false, reason: "unknown_key" });
  });

  it("fails for an unknown key id and for the right key id with the wrong secret", async () => {
    const token = await signToken(OLD, { invitationId: newInvitationId(), expiresAt: IN_30_DAYS });
    expect(await verifyToken(NEW, token, NOW)).toEqual({ ok: false, reason: "unknown_key" });
    const impostor = parseLinkSecrets("1:another-secret-0123456789");
    expect(await verifyToken(impostor, token, NOW)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("never verifies random strings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 100 }), async (candidate) => {
        expect((await verifyToken(ROTATED, candidate, NOW)).ok).toBe(false);
      }),
    );
  });

  it("never verifies random base64url strings of the right length", async () => {
    const char = fc.constantFrom(...BASE64URL);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: char, minLength: TOKEN_LENGTH, maxLength: TOKEN_LENGTH }), async (candidate) => {
        expect((await verifyToken(ROTATED, candidate, NOW)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("never verifies random 32-byte tokens carrying a known version and key id", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom(1, 2), async (bytes, kid) => {
        bytes[0] = 1;
        bytes[1] = kid;
        expect(await verifyToken(ROTATED, base64url(bytes), NOW)).toEqual({ ok: false, reason: "bad_signature" });
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips any id and any future expiry", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 10, maxLength: 10 }),
        fc.integer({ min: Math.ceil(NOW / 1000) + 1, max: 0xffff_ffff }),
        async (idBytes, seconds) => {
          const invitationId = invitationIdFromBytes(idBytes);
          const token = await signToken(ROTATED, { invitationId, expiresAt: seconds * 1000 });
          expect(await verifyToken(ROTATED, token, NOW)).toEqual({ ok: true, invitationId, expiresAt: new Date(seconds * 1000), kid: 2 });
        },
      ),
      { numRuns: 200 },
    );
  });
});
