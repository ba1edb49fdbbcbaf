import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";

/** Enrolling, listing and removing the members of a recurring survey, through the API. */

const DAY = 86_400_000;

interface MemberAnswer {
  recipient: string;
  email: string | null;
  name: string | null;
  enrolled_at: string;
  next_send_at: string;
}
interface Enrolled {
  members: MemberAnswer[];
  skipped: { recipient: string; reason: string }[];
}

async function enroll(surveyId: string, body: Record<string, unknown>): Promise<Enrolled> {
  const response = await api("POST", `/api/v1/surveys/${surveyId}/members`, { body });
  if (response.status !== 201) throw new Error(`enroll: ${response.status} ${await response.text()}`);
  return response.json();
}

const memberRows = async (surveyId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM survey_members WHERE survey_id = ?1").bind(surveyId).first<{ n: number }>())!.n;

const people = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => ({ recipient: `${prefix}-${i}`, email: `${prefix}-${i}@example.com` }));

describe("POST /api/v1/surveys/{id}/members", () => {
  it("spreads a first batch of 10 evenly over the first interval: the i-th asked i days after enrollment (every 10 days)", async () => {
    await createSurvey("members-spread", { recurrence: { every_days: 10 } });
    const answer = await enroll("members-spread", { members: people("spread", 10) });
    expect(answer.skipped).toEqual([]);
    expect(answer.members.map((m) => m.recipient)).toEqual(people("spread", 10).map((p) => p.recipient));
    const enrolledAt = Date.parse(answer.members[0]!.enrolled_at);
    expect(answer.members.every((m) => Date.parse(m.enrolled_at) === enrolledAt)).toBe(true);
    expect(answer.members.map((m) => Date.parse(m.next_send_at) - enrolledAt)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => d * DAY));
  });

  it("asks everyone now with spread false, and one person enrolled alone now", async () => {
    await createSurvey("members-now", { recurrence: { every_days: 30 } });
    const all = await enroll("members-now", { members: people("now", 3), spread: false });
    expect(all.members.map((m) => m.next_send_at)).toEqual(all.members.map((m) => m.enrolled_at));
    const alone = await enroll("members-now", { members: [{ recipient: "now-alone", email: "alone@example.com" }] });
    expect(alone.members[0]!.next_send_at).toBe(alone.members[0]!.enrolled_at);
  });

  it("keeps an existing member's next_send_at and spreads only the people newly enrolled", async () => {
    await createSurvey("members-keep", { recurrence: { every_days: 20 } });
    const first = await enroll("members-keep", { members: people("keep", 2) });
    const before = first.members.map((m) => m.next_send_at);
    const second = await enroll("members-keep", { members: [...people("keep", 2), { recipient: "keep-new-0", email: "k0@example.com" }, { recipient: "keep-new-1", email: "k1@example.com" }] });
    expect(second.members.slice(0, 2).map((m) => m.next_send_at)).toEqual(before);
    expect(second.members.slice(0, 2).map((m) => m.enrolled_at)).toEqual(first.members.map((m) => m.enrolled_at));
    // The two new ones: 0 and 10 days after their enrollment (20 days / 2).
    const newAt = Date.parse(second.members[2]!.enrolled_at);
    expect(second.members.slice(2).map((m) => Date.parse(m.next_send_at) - newAt)).toEqual([0, 10 * DAY]);
    expect(await memberRows("members-keep")).toBe(4);
  });

  it("skips people without a usable address and duplicates, writing nothing for them; a known person's address is used", async () => {
    await createSurvey("members-skip", { recurrence: { every_days: 30 } });
    const known = await api("POST", "/api/v1/people", { body: { recipient: "skip-known", email: "known@example.com", name: "Kai" } });
    expect([200, 201]).toContain(known.status);
    const answer = await enroll("members-skip", {
      members: [
        { recipient: "skip-none" },
        { recipient: "skip-bad", email: "not an address" },
        { recipient: "skip-known" },
        { recipient: "skip-ok", email: "  ok@example.com ", name: "Ola", timezone: "Europe/Amsterdam", locale: "nl" },
        { recipient: "skip-ok", email: "other@example.com" },
      ],
    });
    expect(answer.skipped).toEqual([
      { recipient: "skip-none", reason: "no_email" },
      { recipient: "skip-bad", reason: "invalid_email" },
      { recipient: "skip-ok", reason: "duplicate_in_request" },
    ]);
    expect(answer.members.map((m) => [m.recipient, m.email, m.name])).toEqual([
      ["skip-known", "known@example.com", "Kai"],
      ["skip-ok", "ok@example.com", "Ola"],
    ]);
    expect(await memberRows("members-skip")).toBe(2);
    const person = await env.DB.prepare("SELECT email, timezone, locale FROM people WHERE recipient = 'skip-ok'").first();
    expect(person).toEqual({ email: "ok@example.com", timezone: "Europe/Amsterdam", locale: "nl" });
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM people WHERE recipient IN ('skip-none', 'skip-bad')").first<{ n: number }>()).toEqual({ n: 0 });
  });

  it("starts each newly enrolled member inside the sending window, in their own time zone", async () => {
    const window = { weekdays: [2, 4], from_hour: 10, to_hour: 12 };
    await createSurvey("members-window", { timezone: "Europe/Amsterdam", recurrence: { every_days: 14, window } });
    const answer = await enroll("members-window", {
      members: [
        { recipient: "window-ams", email: "ams@example.com" },
        { recipient: "window-nyc", email: "nyc@example.com", timezone: "America/New_York" },
      ],
      spread: false,
    });
    const local = (iso: string, timeZone: string) => {
      const parts = new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", hourCycle: "h23" }).formatToParts(new Date(iso));
      return { weekday: parts.find((p) => p.type === "weekday")!.value, hour: Number(parts.find((p) => p.type === "hour")!.value) };
    };
    for (const [member, zone] of [[answer.members[0]!, "Europe/Amsterdam"], [answer.members[1]!, "America/New_York"]] as const) {
      const { weekday, hour } = local(member.next_send_at, zone);
      expect(["Tue", "Thu"]).toContain(weekday);
      expect(hour).toBeGreaterThanOrEqual(10);
      expect(hour).toBeLessThan(12);
      // Within a week of enrollment, and not before it.
      const wait = Date.parse(member.next_send_at) - Date.parse(member.enrolled_at);
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThan(7 * DAY);
    }
  });

  it("refuses a survey without recurrence or archived with 409, writing nothing; an unknown survey is 404", async () => {
    await createSurvey("members-plain");
    const plain = await api("POST", "/api/v1/surveys/members-plain/members", { body: { members: people("plain", 1) } });
    expect(plain.status).toBe(409);
    expect((await errorOf(plain)).code).toBe("survey_not_recurring");

    await createSurvey("members-archived", { recurrence: { every_days: 30 } });
    expect((await api("DELETE", "/api/v1/surveys/members-archived")).status).toBe(200);
    const archived = await api("POST", "/api/v1/surveys/members-archived/members", { body: { members: people("archived", 1) } });
    expect(archived.status).toBe(409);
    expect((await errorOf(archived)).code).toBe("survey_archived");
    expect(await memberRows("members-plain")).toBe(0);
    expect(await memberRows("members-archived")).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM people WHERE recipient IN ('plain-0', 'archived-0')").first<{ n: number }>()).toEqual({ n: 0 });

    expect((await api("POST", "/api/v1/surveys/members-nowhere/members", { body: { members: people("nowhere", 1) } })).status).toBe(404);
  });

  it("names an invalid field: a time zone that is not one, a property the survey does not keep", async () => {
    await createSurvey("members-invalid", { recurrence: { every_days: 30 } });
    const zone = await api("POST", "/api/v1/surveys/members-invalid/members", { body: { members: [{ recipient: "x", email: "x@example.com", timezone: "Mars/Base" }] } });
    expect(zone.status).toBe(400);
    expect((await errorOf(zone)).field).toBe("members.0.timezone");
    const property = await api("POST", "/api/v1/surveys/members-invalid/members", { body: { members: [{ recipient: "x", email: "x@example.com", properties: { shoe_size: "42" } }] } });
    expect(property.status).toBe(400);
    expect((await errorOf(property)).field).toBe("members.0.properties.shoe_size");
    expect(await memberRows("members-invalid")).toBe(0);
  });
});

describe("GET and DELETE /api/v1/surveys/{id}/members", () => {
  it("lists members by recipient a page at a time", async () => {
    await createSurvey("members-list", { recurrence: { every_days: 30 } });
    await enroll("members-list", { members: [{ recipient: "c", email: "c@example.com" }, { recipient: "a", email: "a@example.com" }, { recipient: "b", email: "b@example.com" }] });
    const first = await api("GET", "/api/v1/surveys/members-list/members?limit=2");
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { members: MemberAnswer[]; next_cursor: string | null };
    expect(page1.members.map((m) => m.recipient)).toEqual(["a", "b"]);
    expect(page1.next_cursor).not.toBeNull();
    const second = await api("GET", `/api/v1/surveys/members-list/members?limit=2&cursor=${page1.next_cursor}`);
    const page2 = (await second.json()) as { members: MemberAnswer[]; next_cursor: string | null };
    expect(page2.members.map((m) => m.recipient)).toEqual(["c"]);
    expect(page2.next_cursor).toBeNull();
    expect((await api("GET", "/api/v1/surveys/members-list/members?cursor=%21%21")).status).toBe(400);
    expect((await api("GET", "/api/v1/surveys/members-list/members?cursor=_w")).status).toBe(400);
    expect((await api("GET", "/api/v1/surveys/members-nowhere/members")).status).toBe(404);
  });

  it("removes one member by percent-encoded recipient; 404 when not a member", async () => {
    await createSurvey("members-remove", { recurrence: { every_days: 30 } });
    await enroll("members-remove", { members: [{ recipient: "cust/42 é", email: "r@example.com" }, { recipient: "stays", email: "s@example.com" }] });
    const path = `/api/v1/surveys/members-remove/members/${encodeURIComponent("cust/42 é")}`;
    expect((await api("DELETE", path)).status).toBe(204);
    expect((await api("DELETE", path)).status).toBe(404);
    expect((await api("DELETE", "/api/v1/surveys/members-remove/members/nobody")).status).toBe(404);
    const list = (await (await api("GET", "/api/v1/surveys/members-remove/members")).json()) as { members: MemberAnswer[] };
    expect(list.members.map((m) => m.recipient)).toEqual(["stays"]);
  });
});
