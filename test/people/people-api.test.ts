import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey, invite } from "../helpers/respondent";
import { insertMember, insertResponse, insertSend } from "./rows";

const person = (recipient: string) => `/api/v1/people/${encodeURIComponent(recipient)}`;

async function upsert(body: Record<string, unknown>) {
  const response = await api("POST", "/api/v1/people", { body });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function list(query: string) {
  const response = await api("GET", `/api/v1/people${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { people: { recipient: string; email: string | null }[]; next_cursor: string | null };
}

beforeAll(async () => {
  await createSurvey("people-a");
  await createSurvey("people-b");
});

describe("POST /api/v1/people", () => {
  it("creates a person and shows what is known of them", async () => {
    const created = await upsert({ recipient: "cust-1", email: "Ana@Example.com", name: "Ana", locale: "nl", timezone: "Europe/Amsterdam", properties: { plan: "pro" } });
    expect(created).toMatchObject({
      recipient: "cust-1",
      email: "Ana@Example.com",
      name: "Ana",
      locale: "nl",
      timezone: "Europe/Amsterdam",
      properties: { plan: "pro" },
      last_sent_at: null,
      last_responded_at: null,
      next_send_at: null,
      unsubscribed: false,
      bounced: false,
      complained: false,
    });
    expect(created.created_at).toBe(created.updated_at);
  });

  it("merges: a field left out keeps what is stored, null clears it, properties are merged", async () => {
    await upsert({ recipient: "cust-2", email: "bo@example.com", name: "Bo", locale: "sv", properties: { plan: "free", region: "north" } });
    const renamed = await upsert({ recipient: "cust-2", name: "Bo B.", properties: { plan: "pro" } });
    expect(renamed).toMatchObject({ email: "bo@example.com", name: "Bo B.", locale: "sv", timezone: null, properties: { plan: "pro", region: "north" } });
    const cleared = await upsert({ recipient: "cust-2", email: null, timezone: "Europe/Stockholm" });
    expect(cleared).toMatchObject({ email: null, name: "Bo B.", locale: "sv", timezone: "Europe/Stockholm", properties: { plan: "pro", region: "north" } });
    expect((await (await api("GET", person("cust-2"))).json()) as object).toMatchObject({ email: null, name: "Bo B." });
  });

  it.each([
    [{ recipient: "x", email: "not an address" }, "email"],
    [{ recipient: "x", timezone: "Mars/Olympus" }, "timezone"],
    [{ recipient: "x", locale: "fr" }, "locale"],
    [{ recipient: "x", properties: { "Not-Snake": "1" } }, "properties"],
    [{ recipient: "", email: "a@example.com" }, "recipient"],
    [{ recipient: "x", unknown: 1 }, "unknown"],
  ])("refuses %j naming %s, and stores nothing", async (body, field) => {
    const response = await api("POST", "/api/v1/people", { body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toContain(field);
    expect((await api("GET", person("x"))).status).toBe(404);
  });

  it("takes invitations:write, and reading needs responses:read", async () => {
    const writer = await createKey(["invitations:write"]);
    expect((await api("POST", "/api/v1/people", { token: writer, body: { recipient: "by-key" } })).status).toBe(200);
    expect((await api("GET", person("by-key"), { token: writer })).status).toBe(403);
    const reader = await createKey(["responses:read"]);
    expect((await api("GET", person("by-key"), { token: reader })).status).toBe(200);
    expect((await api("POST", "/api/v1/people", { token: reader, body: { recipient: "by-key" } })).status).toBe(403);
    expect((await api("DELETE", person("by-key"), { token: writer })).status).toBe(403);
  });
});

describe("GET /api/v1/people", () => {
  it("pages by recipient with a cursor, filtered by address without case", async () => {
    for (const recipient of ["list-c", "list-a", "list-b"]) await upsert({ recipient, email: recipient === "list-b" ? "SHARED@example.com" : "shared@example.com" });
    await upsert({ recipient: "list-other", email: "other@example.com" });
    const first = await list("?email=Shared%40Example.com&limit=2");
    expect(first.people.map((p) => p.recipient)).toEqual(["list-a", "list-b"]);
    expect(first.next_cursor).not.toBeNull();
    const second = await list(`?email=shared%40example.com&limit=2&cursor=${first.next_cursor}`);
    expect(second.people.map((p) => p.recipient)).toEqual(["list-c"]);
    expect(second.next_cursor).toBeNull();
  });

  it("walks everyone once, in recipient order", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.people.map((p) => p.recipient));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(["cust-1", "cust-2", "list-a", "list-b", "list-c", "list-other"]));
  });

  it("refuses a cursor it did not give out", async () => {
    const response = await api("GET", "/api/v1/people?cursor=%25%25");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe("cursor");
  });
});

describe("GET /api/v1/people/{recipient}", () => {
  it("reads the last message sent, the last counted answer and the next message due", async () => {
    await upsert({ recipient: "Zoë / 7", email: "zoe@example.com" });
    const { invitations } = await invite("people-a", [{ recipient: "Zoë / 7" }, { recipient: "Zoë / 7 (not her)" }]);
    const [mine, other] = invitations;
    const t = Date.UTC(2026, 2, 1, 9);
    // Two sent, the later one counts; a failed and a cancelled one never went out; one is scheduled after a membership falls due.
    await insertSend({ id: "snd_view_1", survey_id: "people-a", invitation_id: mine!.id, recipient: "Zoë / 7", email: "zoe@example.com", status: "sent", send_at: t, sent_at: t + 1_000 });
    await insertSend({ id: "snd_view_2", survey_id: "people-b", recipient: "Zoë / 7", email: "zoe@example.com", status: "sent", send_at: t + 86_400_000, sent_at: t + 86_400_000 + 5_000 });
    await insertSend({ id: "snd_view_3", survey_id: "people-b", recipient: "Zoë / 7", email: "zoe@example.com", status: "failed", send_at: t + 2 * 86_400_000 });
    await insertSend({ id: "snd_view_4", survey_id: "people-b", recipient: "Zoë / 7", email: "zoe@example.com", status: "scheduled", send_at: t + 40 * 86_400_000 });
    await insertSend({ id: "snd_view_5", survey_id: "people-b", recipient: "Zoë / 7", email: "zoe@example.com", status: "cancelled", send_at: t + 3 * 86_400_000 });
    await insertMember("people-a", "Zoë / 7", t + 30 * 86_400_000);
    // Her counted answer, and someone else's later one that must not be taken for hers.
    await insertResponse(mine!.id, "people-a", "counted", t + 3_600_000);
    await insertResponse(other!.id, "people-a", "counted", t + 7_200_000);

    const response = await api("GET", person("Zoë / 7"));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      recipient: "Zoë / 7",
      last_sent_at: "2026-03-02T09:00:05.000Z",
      last_responded_at: "2026-03-01T10:00:00.000Z",
      next_send_at: "2026-03-31T09:00:00.000Z",
    });
  });

  it("takes a scheduled message as next when it comes before the next recurrence", async () => {
    await upsert({ recipient: "soon", email: "soon@example.com" });
    const t = Date.UTC(2026, 4, 1, 12);
    await insertMember("people-a", "soon", t + 10 * 86_400_000);
    await insertSend({ id: "snd_soon_1", survey_id: "people-b", recipient: "soon", email: "soon@example.com", status: "scheduled", send_at: t });
    expect(await (await api("GET", person("soon"))).json()).toMatchObject({ next_send_at: "2026-05-01T12:00:00.000Z", last_sent_at: null });
  });

  it("says whether the address is unsubscribed or bounced, whatever its case", async () => {
    await upsert({ recipient: "suppressed", email: "Quiet@Example.com" });
    expect(await (await api("GET", person("suppressed"))).json()).toMatchObject({ unsubscribed: false, bounced: false });
    expect((await api("POST", "/api/v1/unsubscribes", { body: { email: "quiet@EXAMPLE.com" } })).status).toBe(201);
    expect(await (await api("GET", person("suppressed"))).json()).toMatchObject({ unsubscribed: true, bounced: false, complained: false });
    expect((await api("POST", "/api/v1/bounces", { body: { email: "QUIET@example.com" } })).status).toBe(201);
    expect(await (await api("GET", person("suppressed"))).json()).toMatchObject({ unsubscribed: true, bounced: true, complained: false });
    const [listed] = (await list("?email=quiet%40example.com")).people;
    expect(listed).toMatchObject({ recipient: "suppressed", unsubscribed: true, bounced: true });
  });

  it("answers 404 for someone unknown and 400 for a recipient that is not one", async () => {
    expect((await api("GET", person("nobody-here"))).status).toBe(404);
    const long = await api("GET", person("x".repeat(201)));
    expect(long.status).toBe(400);
    expect((await errorOf(long)).field).toBe("recipient");
  });
});
