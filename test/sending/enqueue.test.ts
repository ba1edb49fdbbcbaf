import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { linkSecrets } from "../../functions/links/link-secrets";
import { verifyToken } from "../../functions/links/token";
import { scheduleSends } from "../../functions/sending/enqueue";
import { getSurvey, type StoredSurvey } from "../../functions/storage/surveys";
import { createSurvey } from "../helpers/respondent";

/** scheduleSends, the one way anything schedules survey emails, called as the recurring job would. */

const SURVEY = "enqueue";
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12);
let survey: StoredSurvey;

const base = () => ({ kind: "recurring" as const, origin: "https://feedback.example.com", expiresInDays: 10, throttleDays: 30, now: NOW });

beforeAll(async () => {
  await createSurvey(SURVEY, { segments: ["plan"], touchpoint: "billing" });
  survey = (await getSurvey(env.DB, SURVEY))!;
});

describe("scheduleSends", () => {
  it("gives each target its own time, an invitation whose links work from then, and the person's language and segments", async () => {
    await env.DB.prepare(
      "INSERT INTO people (recipient, email, name, locale, timezone, properties, created_at, updated_at) VALUES ('enq-known', 'known@example.com', 'Kit', 'de', NULL, '{\"plan\":\"free\",\"other\":\"x\"}', 1, 1)",
    ).run();
    const result = await scheduleSends(env, {
      ...base(),
      survey,
      targets: [
        { recipient: "enq-known", email: null },
        { recipient: "enq-new", email: "new@example.com", name: "Nia", properties: { plan: "pro" } },
      ],
      sendAt: (_, index) => NOW + (index + 1) * DAY,
    });
    expect(result.skipped).toEqual([]);
    expect(result.scheduled.map((s) => [s.target.recipient, s.send.send_at, s.invitation.expires_at])).toEqual([
      ["enq-known", NOW + DAY, NOW + 11 * DAY],
      ["enq-new", NOW + 2 * DAY, NOW + 12 * DAY],
    ]);
    const verified = await verifyToken(linkSecrets(env), result.scheduled[0]!.invitation.token, NOW);
    expect(verified).toMatchObject({ ok: true, invitationId: result.scheduled[0]!.invitation.id, expiresAt: new Date(NOW + 11 * DAY) });

    const invitations = await env.DB.prepare("SELECT recipient, email, locale, properties, expires_at FROM invitations WHERE survey_id = ?1 ORDER BY recipient").bind(SURVEY).all();
    expect(invitations.results).toEqual([
      { recipient: "enq-known", email: "known@example.com", locale: "de", properties: '{"touchpoint":"billing","plan":"free"}', expires_at: NOW + 11 * DAY },
      { recipient: "enq-new", email: "new@example.com", locale: null, properties: '{"touchpoint":"billing","plan":"pro"}', expires_at: NOW + 12 * DAY },
    ]);
    const sends = await env.DB.prepare("SELECT recipient, kind, status, send_at, origin, attempts FROM sends WHERE survey_id = ?1 ORDER BY recipient").bind(SURVEY).all();
    expect(sends.results).toEqual([
      { recipient: "enq-known", kind: "recurring", status: "scheduled", send_at: NOW + DAY, origin: "https://feedback.example.com", attempts: 0 },
      { recipient: "enq-new", kind: "recurring", status: "scheduled", send_at: NOW + 2 * DAY, origin: "https://feedback.example.com", attempts: 0 },
    ]);
    const person = await env.DB.prepare("SELECT email, name FROM people WHERE recipient = 'enq-new'").first();
    expect(person).toEqual({ email: "new@example.com", name: "Nia" });
  });

  it("throttles against a message planned after the new one as well as before, and not with throttleDays 0", async () => {
    const first = await scheduleSends(env, { ...base(), survey, targets: [{ recipient: "enq-window", email: "window@example.com" }], sendAt: () => NOW + 20 * DAY });
    expect(first.scheduled).toHaveLength(1);
    const earlier = await scheduleSends(env, { ...base(), survey, targets: [{ recipient: "enq-window", email: null }], sendAt: () => NOW });
    expect(earlier.skipped).toEqual([{ recipient: "enq-window", reason: "throttled" }]);
    const farEarlier = await scheduleSends(env, { ...base(), survey, targets: [{ recipient: "enq-window", email: null }], sendAt: () => NOW - 11 * DAY });
    expect(farEarlier.skipped).toEqual([]);
    const unthrottled = await scheduleSends(env, { ...base(), throttleDays: 0, survey, targets: [{ recipient: "enq-window", email: null }], sendAt: () => NOW + 20 * DAY });
    expect(unthrottled.skipped).toEqual([]);
  });

  it("writes nothing at all when the batch cannot be written whole", async () => {
    const gone: StoredSurvey = { ...survey, id: "enqueue-missing" };
    await expect(
      scheduleSends(env, { ...base(), survey: gone, targets: [{ recipient: "enq-atomic", email: "atomic@example.com", name: "At" }], sendAt: () => NOW }),
    ).rejects.toThrow();
    const counts = await env.DB.prepare(
      "SELECT (SELECT COUNT(*) FROM people WHERE recipient = 'enq-atomic') AS people, (SELECT COUNT(*) FROM invitations WHERE recipient = 'enq-atomic') AS invitations, (SELECT COUNT(*) FROM sends WHERE recipient = 'enq-atomic') AS sends",
    ).first();
    expect(counts).toEqual({ people: 0, invitations: 0, sends: 0 });
  });
});
