import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { api, BASE, errorOf } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";
import { createSurvey, invite } from "../helpers/respondent";
import { clearDueSends, inviteAndSend, sendOf } from "./deliver-fake";

/** POST /api/v1/surveys/{id}/invitations with send: who gets a message, who is skipped and why, and when it leaves. */

const SURVEY = "send-api";
const DAY = 86_400_000;

const sendsOf = async (recipient: string) =>
  (await env.DB.prepare("SELECT status, survey_id, error, invitation_id FROM sends WHERE recipient = ?1 ORDER BY created_at").bind(recipient).all()).results;

const personOf = (recipient: string) =>
  env.DB.prepare("SELECT email, name, locale, timezone, properties FROM people WHERE recipient = ?1").bind(recipient).first();

beforeAll(async () => {
  await createSurvey(SURVEY, { segments: ["plan"] });
  await createSurvey("send-api-b");
});
beforeEach(clearDueSends);

describe("send: true", () => {
  it("schedules one message per invitation, due now, and keeps the person", async () => {
    const before = Date.now();
    const answer = await inviteAndSend(SURVEY, [
      { recipient: "now-1", email: "now-1@example.com", name: "Noor", locale: "nl", timezone: "Europe/Amsterdam", properties: { plan: "pro" } },
    ]);
    const [invitation] = answer.invitations;
    expect(answer.skipped).toEqual([]);
    expect(invitation!.send).toMatchObject({ status: "scheduled" });
    const sendAt = Date.parse(invitation!.send!.send_at);
    expect(sendAt).toBeGreaterThanOrEqual(before);
    expect(sendAt).toBeLessThanOrEqual(Date.now());
    expect(await sendOf(invitation!.send!.id)).toMatchObject({ invitation: invitation!.id, recipient: "now-1", email: "now-1@example.com", kind: "invitation", survey: SURVEY });
    expect(await personOf("now-1")).toEqual({ email: "now-1@example.com", name: "Noor", locale: "nl", timezone: "Europe/Amsterdam", properties: '{"plan":"pro"}' });
  });

  it("sends after delay_seconds, or at send_at", async () => {
    const before = Date.now();
    const delayed = await inviteAndSend(SURVEY, [{ recipient: "delay-1", email: "delay-1@example.com" }], { delay_seconds: 3600 });
    const delayedAt = Date.parse(delayed.invitations[0]!.send!.send_at);
    expect(delayedAt).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(delayedAt).toBeLessThanOrEqual(Date.now() + 3_600_000);
    const day = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
    const planned = await inviteAndSend(SURVEY, [{ recipient: "at-1", email: "at-1@example.com" }], { send_at: `${day}T11:30:00+02:00` });
    expect(planned.invitations[0]!.send!.send_at).toBe(`${day}T09:30:00.000Z`);
  });

  it("uses the address a known person has when the recipient brings none", async () => {
    await invite(SURVEY, [{ recipient: "known-1", email: "known-1@example.com", name: "Kai" }]);
    const answer = await inviteAndSend(SURVEY, [{ recipient: "known-1" }], { throttle_days: 1 });
    expect(answer.skipped).toEqual([{ recipient: "known-1", reason: "recently_invited" }]);
    const other = await inviteAndSend("send-api-b", [{ recipient: "known-1" }]);
    expect(other.skipped).toEqual([]);
    expect(await sendOf(other.invitations[0]!.send!.id)).toMatchObject({ email: "known-1@example.com" });
  });

  it("skips each recipient it cannot email, with why, and still schedules the others", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES ('unsub@example.com', 'unsubscribed', 'link', NULL, 1)"),
      env.DB.prepare("INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES ('bounce@example.com', 'bounced', 'api', NULL, 1)"),
    ]);
    await inviteAndSend("send-api-b", [{ recipient: "skip-throttled", email: "throttled@example.com" }]);
    const answer = await inviteAndSend(SURVEY, [
      { recipient: "skip-ok", email: "ok@example.com" },
      { recipient: "skip-none" },
      { recipient: "skip-invalid", email: "not an address" },
      { recipient: "skip-unsub", email: "UNSUB@example.com" },
      { recipient: "skip-bounce", email: "bounce@example.com" },
      { recipient: "skip-throttled", email: "throttled@example.com" },
      { recipient: "skip-ok", email: "ok@example.com" },
    ]);
    expect(answer.invitations.map((i) => i.recipient)).toEqual(["skip-ok"]);
    expect(answer.skipped).toEqual(
      expect.arrayContaining([
        { recipient: "skip-ok", reason: "duplicate_in_request" },
        { recipient: "skip-none", reason: "no_email" },
        { recipient: "skip-invalid", reason: "invalid_email" },
        { recipient: "skip-unsub", reason: "unsubscribed" },
        { recipient: "skip-bounce", reason: "bounced" },
        { recipient: "skip-throttled", reason: "throttled" },
      ]),
    );
    expect(answer.skipped).toHaveLength(6);
    // Suppressed ones are on record, without an invitation; the others left nothing behind.
    expect(await sendsOf("skip-unsub")).toEqual([{ status: "suppressed", survey_id: SURVEY, error: "unsubscribed", invitation_id: null }]);
    expect(await sendsOf("skip-bounce")).toEqual([{ status: "suppressed", survey_id: SURVEY, error: "bounced", invitation_id: null }]);
    expect(await sendsOf("skip-none")).toEqual([]);
    expect(await sendsOf("skip-invalid")).toEqual([]);
    expect((await sendsOf("skip-throttled")).map((s) => s.survey_id)).toEqual(["send-api-b"]);
    const invitations = await env.DB.prepare("SELECT COUNT(*) AS n FROM invitations WHERE recipient LIKE 'skip-%' AND survey_id = ?1").bind(SURVEY).first<{ n: number }>();
    expect(invitations!.n).toBe(1);
  });

  it("throttles across surveys for THROTTLE_DAYS, and the request's throttle_days wins", async () => {
    await inviteAndSend(SURVEY, [{ recipient: "across-1", email: "across-1@example.com" }]);
    // 20 days later is within the default 30.
    const soon = new Date(Date.now() + 20 * DAY).toISOString();
    const again = await inviteAndSend("send-api-b", [{ recipient: "across-1" }], { send_at: soon });
    expect(again.skipped).toEqual([{ recipient: "across-1", reason: "throttled" }]);
    // 31 days later is not.
    const later = await inviteAndSend("send-api-b", [{ recipient: "across-1" }], { send_at: new Date(Date.now() + 31 * DAY).toISOString() });
    expect(later.skipped).toEqual([]);
    // With throttle_days 10, 20 days is far enough from both.
    await inviteAndSend(SURVEY, [{ recipient: "across-2", email: "across-2@example.com" }]);
    const shorter = await inviteAndSend("send-api-b", [{ recipient: "across-2" }], { send_at: soon, throttle_days: 10 });
    expect(shorter.skipped).toEqual([]);
  });

  it("does not throttle after a message that was cancelled", async () => {
    const first = await inviteAndSend(SURVEY, [{ recipient: "undone-1", email: "undone-1@example.com" }]);
    expect((await api("DELETE", `/api/v1/sends/${first.invitations[0]!.send!.id}`)).status).toBe(200);
    const again = await inviteAndSend("send-api-b", [{ recipient: "undone-1" }]);
    expect(again.skipped).toEqual([]);
  });
});

describe("refused requests", () => {
  it.each([
    [{ send: true, delay_seconds: 60, send_at: "2030-01-01T00:00:00Z" }, "send_at"],
    [{ send: true, send_at: "tomorrow" }, "send_at"],
    [{ send: true, send_at: "2020-01-01T00:00:00Z" }, "send_at"],
    [{ send: true, send_at: new Date(Date.now() + 400 * DAY).toISOString() }, "send_at"],
    [{ send: true, delay_seconds: 30 * 86_400 + 1 }, "delay_seconds"],
    [{ send: true, delay_seconds: -1 }, "delay_seconds"],
    [{ delay_seconds: 60 }, "delay_seconds"],
    [{ send_at: "2030-01-01T00:00:00Z" }, "send_at"],
  ])("400 for %j, naming %s, and nothing is written", async (extra, field) => {
    const recipient = `refused-${field}-${JSON.stringify(extra).length}`;
    const response = await api("POST", `/api/v1/surveys/${SURVEY}/invitations`, { body: { recipients: [{ recipient, email: "r@example.com" }], ...extra } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
    expect(await sendsOf(recipient)).toEqual([]);
  });

  it("refuses an invalid address without send, as before", async () => {
    const response = await api("POST", `/api/v1/surveys/${SURVEY}/invitations`, { body: { recipients: [{ recipient: "plain-bad", email: "nope" }] } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe("recipients.0.email");
  });

  it("409 email_from_missing when deployed without EMAIL_FROM, and nothing is written", async () => {
    const vars = { ENVIRONMENT: "production", PUBLIC_URL: "https://feedback.example.com", EMAIL_FROM: "" };
    const url = `${BASE}/api/v1/surveys/${SURVEY}/invitations`;
    const request = new Request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ recipients: [{ recipient: "no-sender", email: "no-sender@example.com" }], send: true }),
    });
    const ctx = createExecutionContext();
    const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    await checkAgainstDocument("POST", url, response.clone());
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe("email_from_missing");
    expect(await sendsOf("no-sender")).toEqual([]);
    expect(await personOf("no-sender")).toBeNull();
  });
});

describe("without send", () => {
  it("answers as before, with no send, and keeps people who came with an address", async () => {
    const answer = await invite(SURVEY, [{ recipient: "links-1", email: "links-1@example.com", name: "Lou" }, { recipient: "links-2" }]);
    expect(answer.invitations.map((i) => "send" in i)).toEqual([false, false]);
    expect(answer.skipped).toEqual([]);
    expect(await personOf("links-1")).toMatchObject({ email: "links-1@example.com", name: "Lou" });
    expect(await personOf("links-2")).toBeNull();
    expect(await sendsOf("links-1")).toEqual([]);
  });
});
