import { describe, expect, it } from "vitest";
import { newInvitationId, parseLinkSecrets, signToken, verifyToken } from "../../functions/links/token";

// The limits LINK_SECRET and a link's expiry are documented with: secrets of 16 characters or more,
// key ids 0–255, expiry stored in whole seconds as uint32 (good until 2106-02-07T06:28:15Z).
describe("token limits", () => {
  it("takes a secret of exactly 16 characters and refuses 15, with or without a key id", () => {
    expect(parseLinkSecrets("a".repeat(16))).toEqual([{ kid: 0, secret: "a".repeat(16) }]);
    expect(() => parseLinkSecrets("a".repeat(15))).toThrow(/entry 1: the secret is too short \(at least 16 characters\)/);
    expect(parseLinkSecrets(`255:${"b".repeat(16)}`)).toEqual([{ kid: 255, secret: "b".repeat(16) }]);
    expect(parseLinkSecrets(`0:${"b".repeat(16)}`)).toEqual([{ kid: 0, secret: "b".repeat(16) }]);
    expect(() => parseLinkSecrets(`3: ${"c".repeat(15)} `)).toThrow(/too short/);
    expect(() => parseLinkSecrets(`${"d".repeat(16)},4:short`)).toThrow(/entry 2: the secret is too short/);
  });

  it("keeps a secret's own colons, and reads a kid only from a 1–3 digit prefix", () => {
    expect(parseLinkSecrets(`9:abc:def:0123456789`)).toEqual([{ kid: 9, secret: "abc:def:0123456789" }]);
    expect(parseLinkSecrets(`1234:${"e".repeat(16)}`)).toEqual([{ kid: 0, secret: `1234:${"e".repeat(16)}` }]);
  });

  it("signs the last second uint32 can hold, and nothing later or at the epoch", async () => {
    const invitationId = newInvitationId();
    const last = 0xffff_ffff * 1000;
    const token = await signToken(parseLinkSecrets("f".repeat(16)), { invitationId, expiresAt: last + 999 });
    const verified = await verifyToken(parseLinkSecrets("f".repeat(16)), token, Date.UTC(2106, 0, 1));
    expect(verified).toEqual({ ok: true, invitationId, expiresAt: new Date("2106-02-07T06:28:15Z"), kid: 0 });
    await expect(signToken(parseLinkSecrets("f".repeat(16)), { invitationId, expiresAt: last + 1000 })).rejects.toThrow(RangeError);
    await expect(signToken(parseLinkSecrets("f".repeat(16)), { invitationId, expiresAt: 999 })).rejects.toThrow(RangeError);
    await expect(signToken(parseLinkSecrets("f".repeat(16)), { invitationId, expiresAt: 1000 })).resolves.toHaveLength(43);
  });

  it("rounds an expiry down to the second and honours it to the millisecond before", async () => {
    const secrets = parseLinkSecrets("g".repeat(16));
    const expiresAt = Date.UTC(2026, 5, 1, 12, 0, 0, 750);
    const token = await signToken(secrets, { invitationId: newInvitationId(), expiresAt: new Date(expiresAt) });
    const second = Date.UTC(2026, 5, 1, 12, 0, 0);
    expect(await verifyToken(secrets, token, second - 1)).toMatchObject({ ok: true, expiresAt: new Date(second) });
    expect(await verifyToken(secrets, token, second)).toEqual({ ok: false, reason: "expired" });
  });
});
