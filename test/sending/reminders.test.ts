import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { createSurvey, responseOf, visit } from "../helpers/respondent";
import { fakeEmail, inviteAndSend, tick, type SendAnswer } from "./deliver-fake";

/**
 * The reminder job through the Worker's scheduled handler (the sender runs in the same ticks, with the
 * EMAIL binding faked): one reminder to people who have not answered, never after an answer, an
 * unsubscribe or a bounce.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function sendsOf(surveyId: string): Promise<SendAnswer[]> {
  const response = await api("GET", `/api/v1/sends?survey=${surveyId}&limit=200`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { sends: SendAnswer[] }).sends;
}

const remindersOf = async (surveyId: string) => (await sendsOf(surveyId)).filter((s) => s.kind === "reminder");

describe("reminders", () => {
  it("reminds once who has not answered after reminder_after_days, and nobody who answered, unsubscribed or bounced", async () => {
    await createSurvey("rem", { reminder_after_days: 3 });
    const people = ["plain", "answered", "unsubscribed", "bounced"].map((name) => ({ recipient: `rem-${name}`, email: `rem-${name}@example.com` }));
    const answer = await inviteAndSend("rem", people);
    const invitationOf = (recipient: string) => answer.invitations.find((i) => i.recipient === recipient)!;
    const t0 = Date.now() + 1000;
    // One more, sent a day later: reminded a day after the first.
    const later = await inviteAndSend("rem", [{ recipient: "rem-later", email: "rem-later@example.com" }], { send_at: iso(t0 + DAY) });
    const email = fakeEmail();
    await tick(email.binding, t0);
    expect(email.handed.map((m) => m.to).sort()).toEqual(people.map((p) => p.email).sort());
    await tick(email.binding, t0 + DAY);
    expect(email.handed.map((m) => m.to)).toContain("rem-later@example.com");

    // A counted tap, an unsubscribe and a bounce reported by the team.
    expect((await visit(invitationOf("rem-answered").links["5"]!)).status).toBe(200);
    expect((await responseOf(invitationOf("rem-answered").id))?.status).toBe("counted");
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "rem-unsubscribed@example.com" } })).status).toBe(201);
    expect((await api("POST", "/api/v1/bounces", { body: { email: "REM-bounced@example.com" } })).status).toBe(201);

    // Two days on: too early.
    await tick(email.binding, t0 + 2 * DAY);
    expect(await remindersOf("rem")).toEqual([]);

    // Three days and an hour on: one reminder, with the links of the message it follows, due now.
    const due = t0 + 3 * DAY + 60 * MINUTE;
    await tick(email.binding, due);
    const [reminder, ...others] = await remindersOf("rem");
    expect(others).toEqual([]);
    expect(reminder).toMatchObject({ recipient: "rem-plain", email: "rem-plain@example.com", invitation: invitationOf("rem-plain").id, send_at: iso(due) });

    // Never a second one, however often the cron looks; the later message gets its own a day later.
    await tick(email.binding, due + MINUTE);
    await tick(email.binding, due + DAY);
    await tick(email.binding, due + DAY + MINUTE);
    const reminders = await remindersOf("rem");
    expect(reminders.map((r) => [r.recipient, r.status]).sort()).toEqual([
      ["rem-later", "sent"],
      ["rem-plain", "sent"],
    ]);
    expect(reminders.find((r) => r.recipient === "rem-later")).toMatchObject({ invitation: later.invitations[0]!.id, send_at: iso(due + DAY) });
    const reminded = email.handed.filter((m) => m.to === "rem-plain@example.com");
    expect(reminded).toHaveLength(2);
    expect(reminded[1]!.html).toContain(invitationOf("rem-plain").links["5"]);
  });

  it("reminds at the same local hour afterDays later inside the window, and not a message long overdue", async () => {
    const window = { weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 };
    await createSurvey("rem-window", { timezone: "America/New_York", reminder_after_days: 1, recurrence: { every_days: 90, window } });
    await inviteAndSend("rem-window", [{ recipient: "remw-a", email: "remw-a@example.com" }], { send_at: "2027-11-05T14:00:00Z" });
    await inviteAndSend("rem-window", [{ recipient: "remw-old", email: "remw-old@example.com" }], {
      send_at: "2027-10-01T14:00:00Z",
      expires_in_days: 90,
    });
    const email = fakeEmail();
    // Friday 1 October 2027 10:00 EDT and Friday 5 November 10:00 EDT: sent then.
    await tick(email.binding, Date.parse("2027-10-01T14:00:00.000Z"));
    await tick(email.binding, Date.parse("2027-11-05T14:00:00.000Z"));
    expect(email.handed.map((m) => m.to).sort()).toEqual(["remw-a@example.com", "remw-old@example.com"]);
    // Saturday 6 November 2027 10:30 EDT: a day after, outside the window: due Monday 8 November 09:00 EST (after the
    // switch back on Sunday 7 November). The October message is more than a week past its reminder: none.
    await tick(email.binding, Date.parse("2027-11-06T14:30:00.000Z"));
    expect((await remindersOf("rem-window")).map((r) => [r.recipient, r.status, r.send_at])).toEqual([["remw-a", "scheduled", "2027-11-08T14:00:00.000Z"]]);
  });
});
