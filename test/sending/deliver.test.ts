import { env } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { createSurvey, visit } from "../helpers/respondent";
import { clearDueSends, fakeEmail, inviteAndSend, sendOf, tick } from "./deliver-fake";

/**
 * The cron's sender through the Worker's scheduled handler, with the EMAIL binding faked at its
 * interface: what it was handed, what the sends API says afterwards, and what a refusal leaves behind.
 */

const SURVEY = "deliver";
const MINUTE = 60_000;

const sendIdsOf = (answer: Awaited<ReturnType<typeof inviteAndSend>>) => answer.invitations.map((i) => i.send!.id);

beforeAll(async () => {
  await createSurvey(SURVEY, { email: { subject: { en: "How did we do, {{name}}?" } } });
});
beforeEach(clearDueSends);

describe("sending a scheduled invitation", () => {
  it("sends it exactly once, with the unsubscribe headers, and the sends API says sent", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "once-1", email: "Ada@Example.com", name: "Ada" }]);
    const [invitation] = answer.invitations;
    expect(invitation!.send!.status).toBe("scheduled");
    const email = fakeEmail();

    await tick(email.binding, Date.now() + 1000);
    await tick(email.binding, Date.now() + 2 * MINUTE);

    expect(email.handed).toHaveLength(1);
    const [message] = email.handed;
    expect(message!.to).toBe("Ada@Example.com");
    expect(message!.subject).toBe("How did we do, Ada?");
    expect(message!.from).toEqual({ email: "surveys@tapscore.localhost", name: "Tapscore" });
    const token = new URL(invitation!.links["5"]!).pathname.split("/")[2];
    expect(message!.headers["List-Unsubscribe"]).toBe(`<http://tapscore.test/r/${token}/unsubscribe>`);
    expect(message!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    expect(message!.html).toContain(invitation!.links["5"]);

    const send = await sendOf(invitation!.send!.id);
    expect(send).toMatchObject({ status: "sent", attempts: 1, error: null, message_id: "msg-1", recipient: "once-1" });
    expect(send.sent_at).not.toBeNull();
    // Shown again as it was sent: the same subject, headers and links.
    expect(send.message).toMatchObject({ to: "Ada@Example.com", subject: "How did we do, Ada?", headers: message!.headers });
    expect(send.message!.html).toBe(message!.html);
  });

  it("keeps the texts it was sent with when the survey changes afterwards", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "kept-1", email: "kept@example.com", name: "Kim" }]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    const patched = await api("PATCH", `/api/v1/surveys/${SURVEY}`, { body: { email: { subject: { en: "Another subject" } } } });
    expect(patched.status).toBe(200);
    const send = await sendOf(sendIdsOf(answer)[0]!);
    expect(send.message!.subject).toBe("How did we do, Kim?");
    await api("PATCH", `/api/v1/surveys/${SURVEY}`, { body: { email: { subject: { en: "How did we do, {{name}}?" } } } });
  });

  it("does not send a message before its send_at, and sends it once due", async () => {
    const at = Date.now() + 3_600_000;
    const answer = await inviteAndSend(SURVEY, [{ recipient: "later-1", email: "later@example.com" }], { send_at: new Date(at).toISOString() });
    const email = fakeEmail();
    await tick(email.binding, at - MINUTE);
    expect(email.handed).toHaveLength(0);
    expect((await sendOf(sendIdsOf(answer)[0]!)).status).toBe("scheduled");
    await tick(email.binding, at + 1000);
    expect(email.handed.map((m) => m.to)).toEqual(["later@example.com"]);
  });

  it("lets a tapped link of the sent message count", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "tap-1", email: "tap@example.com" }]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    const link = /href="(http:\/\/tapscore\.test\/r\/[^"/]+\/4)"/.exec(email.handed[0]!.html)?.[1];
    expect(link).toBe(answer.invitations[0]!.links["4"]);
    expect((await visit(link!)).status).toBe(200);
  });
});

describe("the local Email Service binding", () => {
  it("takes the message as composed (what wrangler dev logs)", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "local-1", email: "local-1@example.com", name: "Lo" }]);
    await tick(env.EMAIL, Date.now() + 1000);
    const send = await sendOf(answer.invitations[0]!.send!.id);
    expect(send).toMatchObject({ status: "sent", error: null, attempts: 1 });
    expect(send.message_id).toMatch(/@tapscore\.localhost>?$/);
  });
});

describe("pacing and quotas", () => {
  it("sends at most EMAIL_PER_MINUTE per run; the rest wait for the next", async () => {
    const answer = await inviteAndSend(
      SURVEY,
      [1, 2, 3, 4, 5].map((n) => ({ recipient: `pace-${n}`, email: `pace-${n}@example.com` })),
    );
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000, { EMAIL_PER_MINUTE: "2" });
    expect(email.handed).toHaveLength(2);
    const statuses = await Promise.all(sendIdsOf(answer).map(async (id) => (await sendOf(id)).status));
    expect(statuses.filter((s) => s === "sent")).toHaveLength(2);
    expect(statuses.filter((s) => s === "scheduled")).toHaveLength(3);

    await tick(email.binding, Date.now() + MINUTE, { EMAIL_PER_MINUTE: "2" });
    expect(email.handed).toHaveLength(4);
    await tick(email.binding, Date.now() + 2 * MINUTE, { EMAIL_PER_MINUTE: "2" });
    expect(email.handed.map((m) => m.to).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `pace-${n}@example.com`));
  });

  it("loses nothing at the daily limit: the run stops, every message waits with its attempts untouched", async () => {
    const answer = await inviteAndSend(
      SURVEY,
      [1, 2, 3].map((n) => ({ recipient: `quota-${n}`, email: `quota-${n}@example.com` })),
    );
    // The second message hits the limit: the first went, the second and third wait.
    const limited = fakeEmail((_, call) => (call >= 2 ? "E_DAILY_LIMIT_EXCEEDED" : null));
    await tick(limited.binding, Date.now() + 1000);
    expect(limited.calls()).toBe(2);
    const after = await Promise.all(sendIdsOf(answer).map(sendOf));
    // The three are due at the same instant, so which one went first is not set.
    expect(after.map((s) => `${s.status} ${s.attempts}`).sort()).toEqual(["scheduled 0", "scheduled 0", "sent 1"]);
    const waiting = after.filter((s) => s.status === "scheduled").map((s) => s.email).sort();

    const open = fakeEmail();
    await tick(open.binding, Date.now() + MINUTE);
    expect(open.handed.map((m) => m.to).sort()).toEqual(waiting);
    expect(waiting).toHaveLength(2);
    expect((await Promise.all(sendIdsOf(answer).map(sendOf))).map((s) => [s.status, s.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
      ["sent", 1],
    ]);
  });
});

describe("failures", () => {
  it("retries a transient failure with backoff, then gives up after the fifth attempt", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "flaky-1", email: "flaky@example.com" }]);
    const id = sendIdsOf(answer)[0]!;
    const down = fakeEmail(() => "E_INTERNAL_SERVER_ERROR");
    const start = Date.now() + 1000;

    await tick(down.binding, start);
    let send = await sendOf(id);
    expect(send).toMatchObject({ status: "scheduled", attempts: 1, error: "E_INTERNAL_SERVER_ERROR" });
    expect(Date.parse(send.send_at)).toBe(start + MINUTE);

    // Not before the wait is over.
    await tick(down.binding, start + 30_000);
    expect(down.calls()).toBe(1);

    // The waits after each failure: 1 min, 5 min, 30 min, 2 h.
    const attempts = [start + MINUTE, start + 6 * MINUTE, start + 36 * MINUTE, start + 156 * MINUTE];
    await tick(down.binding, attempts[0]!);
    expect(Date.parse((await sendOf(id)).send_at)).toBe(attempts[0]! + 5 * MINUTE);
    await tick(down.binding, attempts[1]!);
    expect(Date.parse((await sendOf(id)).send_at)).toBe(attempts[1]! + 30 * MINUTE);
    await tick(down.binding, attempts[2]!);
    expect(Date.parse((await sendOf(id)).send_at)).toBe(attempts[2]! + 120 * MINUTE);
    await tick(down.binding, attempts[3]!);
    send = await sendOf(id);
    expect(send).toMatchObject({ status: "failed", attempts: 5, error: "E_INTERNAL_SERVER_ERROR", sent_at: null });
    expect(down.calls()).toBe(5);
    await tick(down.binding, attempts[3]! + 10 * 3_600_000);
    expect(down.calls()).toBe(5);
  });

  it("records a permanent failure at once, with its code and nothing of the provider's text", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "bad-1", email: "bad@example.com" }]);
    const refused = fakeEmail(() => "E_SENDER_NOT_VERIFIED");
    await tick(refused.binding, Date.now() + 1000);
    const send = await sendOf(sendIdsOf(answer)[0]!);
    expect(send).toMatchObject({ status: "failed", attempts: 1, error: "E_SENDER_NOT_VERIFIED" });
    expect(JSON.stringify(send)).not.toContain("refused bad@");
  });

  it("suppresses an address Email Service refuses as suppressed, and every later message to it", async () => {
    const first = await inviteAndSend(SURVEY, [{ recipient: "gone-1", email: "Gone@Example.com" }]);
    const refused = fakeEmail((m) => (m.to.toLowerCase() === "gone@example.com" ? "E_RECIPIENT_SUPPRESSED" : null));
    await tick(refused.binding, Date.now() + 1000);
    expect(await sendOf(sendIdsOf(first)[0]!)).toMatchObject({ status: "suppressed", error: "E_RECIPIENT_SUPPRESSED" });
    const stored = await env.DB.prepare("SELECT reason, source, survey_id FROM suppressions WHERE email = 'gone@example.com'").all();
    expect(stored.results).toEqual([{ reason: "bounced", source: "platform", survey_id: SURVEY }]);

    await createSurvey("deliver-other");
    const later = await inviteAndSend("deliver-other", [{ recipient: "gone-1b", email: "gone@example.com" }]);
    expect(later.skipped).toEqual([{ recipient: "gone-1b", reason: "bounced" }]);
    const list = (await (await api("GET", "/api/v1/sends?survey=deliver-other")).json()) as { sends: { recipient: string; status: string; error: string }[] };
    expect(list.sends).toMatchObject([{ recipient: "gone-1b", status: "suppressed", error: "bounced" }]);
  });

  it("does not send a message whose address was unsubscribed after it was scheduled", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "late-unsub", email: "late-unsub@example.com" }]);
    await env.DB.prepare("INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES ('late-unsub@example.com', 'unsubscribed', 'link', NULL, ?1)")
      .bind(Date.now())
      .run();
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    expect(email.handed).toHaveLength(0);
    expect(await sendOf(sendIdsOf(answer)[0]!)).toMatchObject({ status: "suppressed", error: "unsubscribed" });
  });
});

describe("reminders", () => {
  it("cancels a reminder whose invitation has a counted answer, and sends one whose has not", async () => {
    const answer = await inviteAndSend(SURVEY, [
      { recipient: "remind-answered", email: "remind-a@example.com" },
      { recipient: "remind-silent", email: "remind-s@example.com" },
    ]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    expect(email.handed).toHaveLength(2);
    const [answered, silent] = answer.invitations;
    // A person's tap from a mail app: counted at once.
    expect((await visit(answered!.links["5"]!)).status).toBe(200);
    await env.DB.prepare("UPDATE answers SET status = 'counted' WHERE invitation_id = ?1").bind(answered!.id).run();

    const due = Date.now() + 1000;
    const reminders = [answered!, silent!].map((invitation, i) =>
      env.DB.prepare(
        `INSERT INTO sends (id, survey_id, invitation_id, recipient, email, kind, status, send_at, attempts, origin, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'reminder', 'scheduled', ?6, 0, 'http://tapscore.test', ?6, ?6)`,
      ).bind(`snd_${"a".repeat(31)}${i}`, SURVEY, invitation.id, invitation.recipient, i === 0 ? "remind-a@example.com" : "remind-s@example.com", due),
    );
    await env.DB.batch(reminders);
    await tick(email.binding, due + 1000);
    expect(email.handed.slice(2).map((m) => m.to)).toEqual(["remind-s@example.com"]);
    expect(await sendOf(`snd_${"a".repeat(31)}0`)).toMatchObject({ status: "cancelled", error: "answered", kind: "reminder" });
    expect(await sendOf(`snd_${"a".repeat(31)}1`)).toMatchObject({ status: "sent", kind: "reminder" });
  });
});

describe("without a sender", () => {
  it("keeps due messages scheduled, saying why, when deployed without EMAIL_FROM", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "nofrom-1", email: "nofrom@example.com" }]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000, { ENVIRONMENT: "production", EMAIL_FROM: "" });
    expect(email.handed).toHaveLength(0);
    expect(await sendOf(sendIdsOf(answer)[0]!)).toMatchObject({ status: "scheduled", attempts: 0, error: "email_from_missing" });

    await tick(email.binding, Date.now() + MINUTE, { ENVIRONMENT: "production", EMAIL_FROM: "Acme Support <support@acme.example>" });
    expect(email.handed.map((m) => [m.to, m.from])).toEqual([["nofrom@example.com", { email: "support@acme.example", name: "Acme Support" }]]);
  });
});
