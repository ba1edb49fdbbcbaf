import { env } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { leaseDueSends } from "../../functions/storage/sends";
import { createSurvey } from "../helpers/respondent";
import { clearDueSends, fakeEmail, inviteAndSend, sendOf, tick } from "./deliver-fake";

/** The lease: runs that overlap (a slow minute and the next one) never take, nor send, one message twice. */

const SURVEY = "lease";
const MINUTE = 60_000;

beforeAll(async () => {
  await createSurvey(SURVEY);
});
beforeEach(clearDueSends);

describe("two cron runs at once", () => {
  it("send each message once between them", async () => {
    const recipients = Array.from({ length: 6 }, (_, i) => ({ recipient: `both-${i}`, email: `both-${i}@example.com` }));
    const answer = await inviteAndSend(SURVEY, recipients);
    const email = fakeEmail();
    const now = Date.now() + 1000;
    await Promise.all([tick(email.binding, now), tick(email.binding, now)]);
    expect(email.handed.map((m) => m.to).sort()).toEqual(recipients.map((r) => r.email).sort());
    const sends = await Promise.all(answer.invitations.map((i) => sendOf(i.send!.id)));
    expect(sends.map((s) => `${s.status} ${s.attempts}`)).toEqual(Array(6).fill("sent 1"));
  });

  it("take disjoint messages when they lease at the same moment", async () => {
    const recipients = Array.from({ length: 10 }, (_, i) => ({ recipient: `disjoint-${i}`, email: `disjoint-${i}@example.com` }));
    const answer = await inviteAndSend(SURVEY, recipients);
    const now = Date.now() + 1000;
    const [first, second] = await Promise.all([
      leaseDueSends(env.DB, { now, leaseUntil: now + 5 * MINUTE, limit: 6 }),
      leaseDueSends(env.DB, { now, leaseUntil: now + 5 * MINUTE, limit: 6 }),
    ]);
    const ids = [...first, ...second].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(answer.invitations.map((i) => i.send!.id).sort());
    expect([first.length, second.length].sort()).toEqual([4, 6]);
  });
});

describe("a run that died holding messages", () => {
  it("leaves them to be taken again once its lease has run out, not before", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "orphan-1", email: "orphan@example.com" }]);
    const id = answer.invitations[0]!.send!.id;
    const now = Date.now() + 1000;
    // What a run leaves when it is killed after taking the message: sending, under its lease.
    const [taken] = await leaseDueSends(env.DB, { now, leaseUntil: now + 5 * MINUTE, limit: 10 });
    expect(taken!.id).toBe(id);
    const email = fakeEmail();
    await tick(email.binding, now + 4 * MINUTE);
    expect(email.handed).toHaveLength(0);
    expect((await sendOf(id)).status).toBe("sending");

    await tick(email.binding, now + 6 * MINUTE);
    expect(email.handed.map((m) => m.to)).toEqual(["orphan@example.com"]);
    expect(await sendOf(id)).toMatchObject({ status: "sent", attempts: 2 });
  });
});
