import { describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";
import { fakeEmail, inviteAndSend, tick, type SendAnswer } from "./deliver-fake";

/**
 * The recurring-survey job through the Worker's scheduled handler (every job of the tick runs, the
 * sender too, with the EMAIL binding faked): who is asked, when, and when they are asked next.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

async function sendsOf(surveyId: string, recipient: string): Promise<SendAnswer[]> {
  const response = await api("GET", `/api/v1/sends?survey=${surveyId}&limit=200`);
  expect(response.status).toBe(200);
  const { sends } = (await response.json()) as { sends: SendAnswer[] };
  return sends.filter((s) => s.recipient === recipient);
}

async function nextSendAtOf(surveyId: string, recipient: string): Promise<string> {
  const response = await api("GET", `/api/v1/surveys/${surveyId}/members?limit=200`);
  expect(response.status).toBe(200);
  const { members } = (await response.json()) as { members: { recipient: string; next_send_at: string }[] };
  const member = members.find((m) => m.recipient === recipient);
  if (!member) throw new Error(`${recipient} is not a member of ${surveyId}`);
  return member.next_send_at;
}

async function enroll(surveyId: string, members: Record<string, unknown>[], spread = true): Promise<void> {
  const response = await api("POST", `/api/v1/surveys/${surveyId}/members`, { body: { members, spread } });
  expect(response.status).toBe(201);
}

const iso = (ms: number) => new Date(ms).toISOString();

describe("asking members again", () => {
  it("schedules a due member's message, and after it is sent their next is exactly 182 days after the send", async () => {
    await createSurvey("rec-182", { recurrence: { every_days: 182 } });
    await enroll("rec-182", [{ recipient: "rec-182-a", email: "a182@example.com", name: "Ada" }]);
    const t0 = Date.now() + 1000;

    // The first tick schedules it; Email Service is over its rate, so it waits.
    await tick(fakeEmail(() => "E_RATE_LIMIT_EXCEEDED").binding, t0);
    const [scheduled, ...others] = await sendsOf("rec-182", "rec-182-a");
    expect(others).toEqual([]);
    expect(scheduled).toMatchObject({ kind: "recurring", status: "scheduled", email: "a182@example.com", send_at: iso(t0) });
    expect(await nextSendAtOf("rec-182", "rec-182-a")).toBe(iso(t0 + 182 * DAY));

    // It leaves five minutes later; the next tick reckons the member's next message from then.
    const email = fakeEmail();
    await tick(email.binding, t0 + 5 * MINUTE);
    await tick(email.binding, t0 + 6 * MINUTE);
    expect(email.handed.map((m) => m.to)).toEqual(["a182@example.com"]);
    const [sent, ...more] = await sendsOf("rec-182", "rec-182-a");
    expect(more).toEqual([]);
    expect(sent).toMatchObject({ id: scheduled!.id, status: "sent", sent_at: iso(t0 + 5 * MINUTE) });
    expect(await nextSendAtOf("rec-182", "rec-182-a")).toBe(iso(t0 + 5 * MINUTE + 182 * DAY));

    const person = await api("GET", "/api/v1/people/rec-182-a");
    expect(person.status).toBe(200);
    expect(await person.json()).toMatchObject({ next_send_at: iso(t0 + 5 * MINUTE + 182 * DAY), last_sent_at: iso(t0 + 5 * MINUTE) });

    // Nothing more until then.
    await tick(email.binding, t0 + 100 * DAY);
    expect(await sendsOf("rec-182", "rec-182-a")).toHaveLength(1);
    expect(email.handed).toHaveLength(1);
  });

  it("does not ask again someone the invitations API emailed 10 days ago: next is that send + every_days", async () => {
    await createSurvey("rec-other", { recurrence: { every_days: 30 } });
    const answer = await inviteAndSend("rec-other", [{ recipient: "other-a", email: "other-a@example.com" }]);
    const t0 = Date.now() + 1000;
    const email = fakeEmail();
    await tick(email.binding, t0);
    const [invited] = await sendsOf("rec-other", "other-a");
    expect(invited).toMatchObject({ id: answer.invitations[0]!.send!.id, kind: "invitation", status: "sent", sent_at: iso(t0) });

    await enroll("rec-other", [{ recipient: "other-a" }]);
    await tick(email.binding, t0 + 10 * DAY);
    expect((await sendsOf("rec-other", "other-a")).map((s) => s.kind)).toEqual(["invitation"]);
    expect(await nextSendAtOf("rec-other", "other-a")).toBe(iso(t0 + 30 * DAY));
    expect(email.handed).toHaveLength(1);
  });

  it("counts a message the invitations API sends after enrollment: the member's next moves to every_days after it", async () => {
    await createSurvey("rec-after", { recurrence: { every_days: 40 } });
    await enroll("rec-after", [{ recipient: "after-a", email: "after-a@example.com" }, { recipient: "after-b", email: "after-b@example.com" }]);
    // after-b, second of two, is first asked 20 days from now; an invitation reaches them today.
    await inviteAndSend("rec-after", [{ recipient: "after-b" }]);
    const t0 = Date.now() + 1000;
    const email = fakeEmail();
    await tick(email.binding, t0);
    await tick(email.binding, t0 + MINUTE);
    const sent = (await sendsOf("rec-after", "after-b")).filter((s) => s.status === "sent");
    expect(sent.map((s) => s.kind)).toEqual(["invitation"]);
    expect(await nextSendAtOf("rec-after", "after-b")).toBe(iso(Date.parse(sent[0]!.sent_at!) + 40 * DAY));
  });

  it("moves a throttled member on by one interval without a message", async () => {
    await createSurvey("rec-throttle", { recurrence: { every_days: 60 } });
    await createSurvey("rec-throttle-other");
    // Another survey emails them today: within THROTTLE_DAYS (30) of anything this survey would send.
    await inviteAndSend("rec-throttle-other", [{ recipient: "thr-a", email: "thr-a@example.com" }]);
    await enroll("rec-throttle", [{ recipient: "thr-a" }]);
    const at = Date.now() + DAY;
    await tick(fakeEmail().binding, at);
    expect(await sendsOf("rec-throttle", "thr-a")).toEqual([]);
    expect(await nextSendAtOf("rec-throttle", "thr-a")).toBe(iso(at + 60 * DAY));
  });

  it("records a suppressed message for an unsubscribed member and moves them on by one interval", async () => {
    await createSurvey("rec-unsub", { recurrence: { every_days: 90 } });
    await enroll("rec-unsub", [{ recipient: "unsub-a", email: "unsub-a@example.com" }]);
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "Unsub-A@example.com" } })).status).toBe(201);
    const at = Date.now() + 1000;
    const email = fakeEmail();
    await tick(email.binding, at);
    expect((await sendsOf("rec-unsub", "unsub-a")).map((s) => [s.kind, s.status])).toEqual([["recurring", "suppressed"]]);
    expect(await nextSendAtOf("rec-unsub", "unsub-a")).toBe(iso(at + 90 * DAY));
    expect(email.handed).toEqual([]);
  });

  it("asks nobody removed, and nobody of an archived survey", async () => {
    await createSurvey("rec-removed", { recurrence: { every_days: 30 } });
    await enroll("rec-removed", [{ recipient: "removed-a", email: "removed-a@example.com" }]);
    expect((await api("DELETE", "/api/v1/surveys/rec-removed/members/removed-a")).status).toBe(204);
    await createSurvey("rec-archived", { recurrence: { every_days: 30 } });
    await enroll("rec-archived", [{ recipient: "archived-a", email: "archived-a@example.com" }]);
    expect((await api("DELETE", "/api/v1/surveys/rec-archived")).status).toBe(200);
    const at = Date.now() + 1000;
    await tick(fakeEmail().binding, at);
    expect(await sendsOf("rec-removed", "removed-a")).toEqual([]);
    expect(await sendsOf("rec-archived", "archived-a")).toEqual([]);
    // Looked at again daily, should the survey come back.
    expect(await nextSendAtOf("rec-archived", "archived-a")).toBe(iso(at + DAY));
  });

  it("links to PUBLIC_URL, locally to wrangler dev's address without it, and deployed without it asks nobody", async () => {
    await createSurvey("rec-origin", { recurrence: { every_days: 30 } });
    await enroll("rec-origin", [{ recipient: "origin-prod", email: "origin-prod@example.com" }]);
    const enrolledNext = await nextSendAtOf("rec-origin", "origin-prod");
    const email = fakeEmail();
    const at = Date.now() + 1000;
    await tick(email.binding, at, { ENVIRONMENT: "production", PUBLIC_URL: "" });
    expect(await sendsOf("rec-origin", "origin-prod")).toEqual([]);
    expect(await nextSendAtOf("rec-origin", "origin-prod")).toBe(enrolledNext);

    await tick(email.binding, at + MINUTE, { PUBLIC_URL: "https://feedback.example.com" });
    await tick(email.binding, at + 2 * MINUTE, { PUBLIC_URL: "https://feedback.example.com" });
    await enroll("rec-origin", [{ recipient: "origin-dev", email: "origin-dev@example.com" }]);
    await tick(email.binding, at + 3 * MINUTE);
    await tick(email.binding, at + 4 * MINUTE);
    const htmlTo = (to: string) => email.handed.find((m) => m.to === to)?.html ?? "";
    expect(htmlTo("origin-prod@example.com")).toContain("https://feedback.example.com/r/");
    expect(htmlTo("origin-dev@example.com")).toContain("http://127.0.0.1:8787/r/");
  });

  // Last: its tick is in 2030, where every member of this file is due.
  it("schedules inside the sending window in the member's zone, and the next one 182 local days later", async () => {
    const window = { weekdays: [1, 2, 3, 4, 5], from_hour: 9, to_hour: 17 };
    await createSurvey("rec-window", { timezone: "Europe/Amsterdam", recurrence: { every_days: 182, window } });
    await enroll(
      "rec-window",
      [
        { recipient: "win-ams", email: "win-ams@example.com" },
        { recipient: "win-nyc", email: "win-nyc@example.com", timezone: "America/New_York" },
      ],
      false,
    );
    // Saturday 5 January 2030, 13:00 in Amsterdam, 07:00 in New York.
    await tick(fakeEmail().binding, Date.parse("2030-01-05T12:00:00.000Z"));
    // Monday 7 January 09:00 CET and 09:00 EST.
    expect((await sendsOf("rec-window", "win-ams")).map((s) => [s.kind, s.status, s.send_at])).toEqual([["recurring", "scheduled", "2030-01-07T08:00:00.000Z"]]);
    expect((await sendsOf("rec-window", "win-nyc")).map((s) => [s.kind, s.status, s.send_at])).toEqual([["recurring", "scheduled", "2030-01-07T14:00:00.000Z"]]);
    // Monday 8 July 2030 09:00 CEST and 09:00 EDT: summer time, the same local hour.
    expect(await nextSendAtOf("rec-window", "win-ams")).toBe("2030-07-08T07:00:00.000Z");
    expect(await nextSendAtOf("rec-window", "win-nyc")).toBe("2030-07-08T13:00:00.000Z");
  });
});
