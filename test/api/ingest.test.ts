import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";

const SURVEY = "ingest-csat";

function ingest(body: unknown, key: string | null = crypto.randomUUID(), token?: string) {
  return api("POST", `/api/v1/surveys/${SURVEY}/responses`, { body, headers: key === null ? {} : { "idempotency-key": key }, ...(token ? { token } : {}) });
}

beforeAll(async () => {
  await createSurvey(SURVEY, { segments: ["plan"], touchpoint: "support" });
});

describe("POST /api/v1/surveys/{id}/responses", () => {
  it("records a counted response with an invitation and an ingest event", async () => {
    const response = await ingest({ recipient: "cust-1", score: 4, comment: "  Väldigt nöjd – très bien  ", locale: "sv", properties: { plan: "pro", country: "SE" }, responded_at: "2026-03-05T14:22:10+01:00" });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      recipient: "cust-1",
      score: 4,
      comment: "Väldigt nöjd – très bien",
      status: "counted",
      reason: "confirmed",
      locale: "sv",
      properties: { touchpoint: "support", plan: "pro", country: "SE" },
      created_at: "2026-03-05T13:22:10.000Z",
    });
    const invitation = await env.DB.prepare("SELECT * FROM invitations WHERE id = ?1").bind(body.invitation).first<{ recipient: string; created_at: number }>();
    expect(invitation).toMatchObject({ recipient: "cust-1", created_at: Date.parse("2026-03-05T13:22:10Z") });
    const events = await env.DB.prepare("SELECT kind, score, client FROM events WHERE invitation_id = ?1").bind(body.invitation).all();
    expect(events.results).toEqual([{ kind: "ingest", score: 4, client: "admin" }]);
    const stored = await env.DB.prepare("SELECT event_seq, status FROM responses WHERE id = ?1").bind(body.id).first<{ event_seq: number; status: string }>();
    expect(stored!.event_seq).toBeGreaterThan(0);
  });

  it("answers a retry with the same key and body with the original response and writes nothing", async () => {
    const key = "retry-key-1";
    const first = await ingest({ recipient: "cust-2", score: 5 }, key);
    expect(first.status).toBe(201);
    const original = await first.json();
    const counts = await rowCounts();
    const again = await ingest({ score: 5, recipient: "cust-2" }, key);
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(original);
    expect(await rowCounts()).toEqual(counts);
  });

  it("refuses the same key with a different body with 409", async () => {
    await ingest({ recipient: "cust-3", score: 2 }, "reused-key");
    const response = await ingest({ recipient: "cust-3", score: 3 }, "reused-key");
    expect(response.status).toBe(409);
    expect(await errorOf(response)).toMatchObject({ code: "idempotency_key_reused" });
  });

  it("records once when the same request arrives many times at once", async () => {
    const before = await rowCounts();
    const answers = await Promise.all(Array.from({ length: 8 }, () => ingest({ recipient: "cust-race", score: 1 }, "race-key")));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { id: string }).id)));
    expect(ids.size).toBe(1);
    const after = await rowCounts();
    expect(after.responses - before.responses).toBe(1);
    expect(after.invitations - before.invitations).toBe(1);
  });

  it("keys are per survey: the same key on another survey is a new request", async () => {
    await createSurvey("ingest-other");
    const a = await ingest({ recipient: "x", score: 3 }, "shared-key");
    const b = await api("POST", "/api/v1/surveys/ingest-other/responses", { body: { recipient: "x", score: 3 }, headers: { "idempotency-key": "shared-key" } });
    expect([a.status, b.status]).toEqual([201, 201]);
  });

  it.each([
    [{ recipient: "c", score: 6 }, "score"],
    [{ recipient: "c", score: 0 }, "score"],
    [{ recipient: "c", score: 3.5 }, "score"],
    [{ recipient: "c", score: "4" }, "score"],
    [{ recipient: "", score: 4 }, "recipient"],
    [{ score: 4 }, "recipient"],
    [{ recipient: "c", score: 4, comment: "x".repeat(2001) }, "comment"],
    [{ recipient: "c", score: 4, locale: "fr" }, "locale"],
    [{ recipient: "c", score: 4, properties: { team: "a" } }, "properties.team"],
    [{ recipient: "c", score: 4, properties: { country: "Sweden" } }, "properties.country"],
    [{ recipient: "c", score: 4, responded_at: "2026-03-05" }, "responded_at"],
    [{ recipient: "c", score: 4, responded_at: "2026-03-05T10:00:00" }, "responded_at"],
    [{ recipient: "c", score: 4, responded_at: "2999-01-01T00:00:00Z" }, "responded_at"],
    [{ recipient: "c", score: 4, responded_at: "1999-12-31T23:59:59Z" }, "responded_at"],
    [{ recipient: "c", score: 4, extra: 1 }, "extra"],
  ])("refuses %j with 400 naming %s and writes nothing", async (body, field) => {
    const before = await rowCounts();
    const response = await ingest(body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
    expect(await rowCounts()).toEqual(before);
  });

  it("accepts a comment of exactly 2,000 characters, counted as the respondent form counts them", async () => {
    expect((await ingest({ recipient: "long", score: 3, comment: "é".repeat(2000) })).status).toBe(201);
  });

  it("requires a sane Idempotency-Key", async () => {
    expect(await errorOf(await ingest({ recipient: "c", score: 4 }, null))).toMatchObject({ code: "missing_idempotency_key", field: "Idempotency-Key" });
    expect((await ingest({ recipient: "c", score: 4 }, "k".repeat(201))).status).toBe(400);
    expect((await ingest({ recipient: "c", score: 4 }, "k".repeat(200))).status).toBe(201);
  });

  it("refuses a body over 64 KiB with 413", async () => {
    const response = await ingest({ recipient: "c", score: 4, comment: "x".repeat(70_000) });
    expect(response.status).toBe(413);
  });

  it("answers 404 for an unknown survey and 409 for an archived one", async () => {
    const unknown = await api("POST", "/api/v1/surveys/nope/responses", { body: { recipient: "c", score: 4 }, headers: { "idempotency-key": "k" } });
    expect(unknown.status).toBe(404);
    await createSurvey("ingest-archived");
    await api("DELETE", "/api/v1/surveys/ingest-archived");
    const archived = await api("POST", "/api/v1/surveys/ingest-archived/responses", { body: { recipient: "c", score: 4 }, headers: { "idempotency-key": "k" } });
    expect(archived.status).toBe(409);
  });

  it("needs the responses:write scope", async () => {
    const reader = await createKey(["responses:read"]);
    expect((await ingest({ recipient: "c", score: 4 }, "scoped", reader)).status).toBe(403);
    const writer = await createKey(["responses:write"]);
    expect((await ingest({ recipient: "c", score: 4 }, "scoped", writer)).status).toBe(201);
  });
});

async function rowCounts() {
  const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
  return { invitations: await count("invitations"), events: await count("events"), responses: await count("responses"), keys: await count("idempotency_keys") };
}
