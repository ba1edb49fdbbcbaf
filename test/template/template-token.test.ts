import { describe, expect, it } from "vitest";
import { parseLinkSecrets, signToken, verifyToken } from "../../functions/links/token";
import { signTemplateToken, verifyTemplateToken } from "../../functions/links/template-token";
import { isUnfilledPlaceholder } from "../../functions/surveys/properties";

const secrets = parseLinkSecrets("7:first-secret-0123456789,3:older-secret-0123456789");
const older = parseLinkSecrets("3:older-secret-0123456789");
const NOW = Date.UTC(2026, 0, 15);

describe("template tokens", () => {
  it("name their survey and key, never expiring unless told", async () => {
    const token = await signTemplateToken(secrets, { surveyId: "support-csat", expiresAt: null });
    // 7 header bytes + 12 of the id + 16 of the tag = 35 bytes = 47 base64url characters.
    expect(token).toMatch(/^[A-Za-z0-9_-]{47}$/);
    expect(await verifyTemplateToken(secrets, token, NOW)).toEqual({ ok: true, surveyId: "support-csat", expiresAt: null, kid: 7 });
  });

  it("expire when told, to the second", async () => {
    const token = await signTemplateToken(older, { surveyId: "s", expiresAt: Date.UTC(2026, 0, 16, 0, 0, 0, 999) });
    expect(await verifyTemplateToken(secrets, token, NOW)).toEqual({ ok: true, surveyId: "s", expiresAt: new Date(Date.UTC(2026, 0, 16)), kid: 3 });
    expect(await verifyTemplateToken(secrets, token, Date.UTC(2026, 0, 16))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuse any changed character, an unknown key and a token of the other kind, both ways", async () => {
    const token = await signTemplateToken(secrets, { surveyId: "support-csat", expiresAt: null });
    // A character of the tag (the survey id's would no longer be a slug, and fail as malformed first).
    const changed = `${token.slice(0, 40)}${token[40] === "x" ? "y" : "x"}${token.slice(41)}`;
    expect(await verifyTemplateToken(secrets, changed, NOW)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyTemplateToken(parseLinkSecrets("9:another-secret-0123456789"), token, NOW)).toEqual({ ok: false, reason: "unknown_key" });
    const invitation = await signToken(secrets, { invitationId: "0123456789abcdef", expiresAt: NOW + 86_400_000 });
    expect(await verifyTemplateToken(secrets, invitation, NOW)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifyToken(secrets, token, NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuse a survey id that is not a slug", async () => {
    await expect(signTemplateToken(secrets, { surveyId: "Not A Slug", expiresAt: null })).rejects.toThrow(TypeError);
  });
});

describe("isUnfilledPlaceholder", () => {
  it.each([
    "{{ticket.id}}",
    "{{ contact.email }}",
    "{{first_name | fallback: \"there\"}}",
    "{%customer.email%}",
    "*|EMAIL|*",
    "%EMAIL%",
    "[EMAIL]",
    "[[MISSING TOKEN - EMAIL]]",
    "${user.id}",
    "<%= user.id %>",
    "%7B%7Bticket.id%7D%7D",
    "%257B%257Bticket.id%257D%257D",
    "%7B%7B+contact.email+%7D%7D",
    "%2A%7CEMAIL%7C%2A",
  ])("takes %s for a placeholder", (value) => {
    expect(isUnfilledPlaceholder(value)).toBe(true);
  });

  it.each(["4711", "jan@example.com", "cust-42", "a+b@example.com", "50%", "100% happy", "Zoë", "[vip] Jan", "%"])("takes %s for a value", (value) => {
    expect(isUnfilledPlaceholder(value)).toBe(false);
  });
});
