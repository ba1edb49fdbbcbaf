import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { rebuildRollups, runRollups } from "../../functions/rollups/job";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, visit, PERSON } from "../helpers/respondent";

const PERSON_ID = "erase.me+1@example.com";
const path = (recipient: string, query = "") => `/api/v1/respondents/${encodeURIComponent(recipient)}${query}`;

/** The rollup's view of a survey: every day's score counts and invitations, all segments together. */
async function rollup(surveyId: string) {
  const { results } = await env.DB.prepare(
    "SELECT day, counts, invitations, comments, excluded FROM rollup_days WHERE survey_id = ?1 AND dimension = 'all' ORDER BY day",
  )
    .bind(surveyId)
    .all<{ day: string; counts: string; invitations: number; comments: number; excluded: number }>();
  return results;
}

/** A tick well after every test write, so everything has settled. */
const tick = () => runRollups(env.DB, { now: Date.now() + 600_000 });

/** Every row of every table of ours, as text, with the table it came from. */
async function everyRow(): Promise<{ table: string; text: string }[]> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'",
  ).all<{ name: string }>();
  const rows: { table: string; text: string }[] = [];
  for (const { name } of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    for (const row of results) rows.push({ table: name, text: JSON.stringify(row) });
  }
  return rows;
}

beforeEach(() => {
  // Webhook deliveries are queued for this person too; keep their sends inside the test.
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(null, { status: 204 }));
});
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  await createSurvey("erase-a", { segments: ["agent"] });
  await createSurvey("erase-b", { metric: "nps" });
});

describe("erasing a respondent", () => {
  it("leaves no row naming the person or their invitations, and the next rollup corrects every number", async () => {
    await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example.com/all", events: ["response.created", "response.updated", "response.low_score"] } });
    const mine = (await invite("erase-a", [{ recipient: PERSON_ID, email: PERSON_ID, properties: { agent: "ana" } }, { recipient: "keep-me", properties: { agent: "ana" } }])).invitations;
    const [inB] = (await invite("erase-b", [{ recipient: PERSON_ID }])).invitations;
    // The person taps, changes their mind and comments; the other person taps; a scanner sweeps the B email.
    const html = await (await visit(mine[0]!.links["2"]!)).text();
    await postForm(mine[0]!.url, { action: "comment", score: "1", comment: `I am ${PERSON_ID}, call me`, nonce: nonceOf(html) });
    await visit(mine[1]!.links["5"]!);
    for (const link of Object.values(inB!.links)) await visit(link, {}, { "user-agent": PERSON["user-agent"] });
    await visit(inB!.links["3"]!);
    // And a score of theirs arrived through server-side ingestion.
    const ingested = await api("POST", "/api/v1/surveys/erase-b/responses", {
      body: { recipient: PERSON_ID, score: 4, comment: "from the kiosk" },
      headers: { "idempotency-key": "kiosk-17" },
    });
    expect(ingested.status).toBe(201);
    const invitationIds = (
      await env.DB.prepare("SELECT id FROM invitations WHERE recipient = ?1").bind(PERSON_ID).all<{ id: string }>()
    ).results.map((r) => r.id);
    expect(invitationIds).toHaveLength(3);

    await tick();
    const before = { a: await rollup("erase-a"), b: await rollup("erase-b") };
    expect(before.a.reduce((n, r) => n + r.invitations, 0)).toBe(2);

    const response = await api("DELETE", path(PERSON_ID));
    expect(response.status).toBe(200);
    const { erased } = (await response.json()) as { erased: { invitations: number; responses: number; events: number } };
    expect(erased).toMatchObject({ invitations: 3, responses: 3 });
    expect(erased.events).toBeGreaterThanOrEqual(9);

    const naming = (await everyRow()).filter(({ text }) => text.includes(PERSON_ID) || invitationIds.some((id) => text.includes(id)));
    expect(naming).toEqual([]);
    // The rollup is told which survey-days to recompute, in the same transaction as the deletes.
    const touches = await env.DB.prepare("SELECT survey_id FROM rollup_touches ORDER BY survey_id").all<{ survey_id: string }>();
    expect(new Set(touches.results.map((t) => t.survey_id))).toEqual(new Set(["erase-a", "erase-b"]));

    await tick();
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_touches").first("n")).toBe(0);
    const after = { a: await rollup("erase-a"), b: await rollup("erase-b") };
    // Only keep-me's 5 remains in A; nothing remains in B.
    expect(after.a.map((r) => [JSON.parse(r.counts) as number[], r.invitations, r.comments])).toEqual([[[0, 0, 0, 0, 1], 1, 0]]);
    expect(after.b).toEqual([]);
    expect(before.a).not.toEqual(after.a);
    // The same rows a rebuild from scratch gives: the correction is exact.
    await rebuildRollups(env.DB, { now: Date.now() + 600_000 });
    expect({ a: await rollup("erase-a"), b: await rollup("erase-b") }).toEqual(after);
    // keep-me is untouched.
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE i.recipient = 'keep-me'").first("n")).toBe(1);
  });

  it("keeps an audit entry with counts and no personal data", async () => {
    const { invitations } = await invite("erase-a", [{ recipient: "audited" }]);
    await visit(invitations[0]!.links["4"]!);
    const key = await createKey(["admin"]);
    expect((await api("DELETE", path("audited"), { token: key })).status).toBe(200);
    const audit = await env.DB.prepare("SELECT * FROM erasures ORDER BY at DESC LIMIT 1").first<Record<string, unknown>>();
    // The endpoint subscribed in the first test had the tap's response.created queued.
    expect(audit).toMatchObject({ survey_id: null, invitations: 1, responses: 1, events: 1, webhook_deliveries: 1, sends: 0 });
    expect(audit!.requested_by).toBe(/^tsk_([0-9a-f]{12})_/.exec(key)![1]);
    expect(JSON.stringify(audit)).not.toContain("audited");
  });

  it("is idempotent: an unknown or already erased person answers zeros", async () => {
    const { invitations } = await invite("erase-a", [{ recipient: "twice" }]);
    await visit(invitations[0]!.links["3"]!);
    expect(((await (await api("DELETE", path("twice"))).json()) as { erased: object }).erased).toEqual({ invitations: 1, responses: 1, events: 1, sends: 0 });
    expect(await (await api("DELETE", path("twice"))).json()).toEqual({ erased: { invitations: 0, responses: 0, events: 0, sends: 0 } });
    expect(await (await api("DELETE", path("never-seen"))).json()).toEqual({ erased: { invitations: 0, responses: 0, events: 0, sends: 0 } });
  });

  it("can be limited to one survey", async () => {
    await invite("erase-a", [{ recipient: "split" }]);
    await invite("erase-b", [{ recipient: "split" }]);
    const response = await api("DELETE", path("split", "?survey=erase-b"));
    expect(await response.json()).toEqual({ erased: { invitations: 1, responses: 0, events: 0, sends: 0 } });
    const left = await env.DB.prepare("SELECT survey_id FROM invitations WHERE recipient = 'split'").all<{ survey_id: string }>();
    expect(left.results).toEqual([{ survey_id: "erase-a" }]);
    expect((await env.DB.prepare("SELECT * FROM erasures WHERE survey_id = 'erase-b'").all()).results).toHaveLength(1);
  });

  it("finds a recipient id with spaces and non-ASCII as invitations stored it", async () => {
    await invite("erase-a", [{ recipient: "Zoë Müller / 42" }]);
    expect(await (await api("DELETE", path("Zoë Müller / 42"))).json()).toEqual({ erased: { invitations: 1, responses: 0, events: 0, sends: 0 } });
  });

  it.each([
    [path("x".repeat(201)), 400, "recipient"],
    ["/api/v1/respondents/%E0%A4%A", 400, "recipient"],
    [path("someone", "?survey=Not_A_Slug"), 400, "survey"],
    [path("someone", "?survey=no-such-survey"), 404, undefined],
  ])("refuses %s with %i", async (url, status, field) => {
    const response = await api("DELETE", url);
    expect(response.status).toBe(status);
    expect((await errorOf(response)).field).toBe(field);
  });

  it("needs the admin scope", async () => {
    const key = await createKey(["responses:write", "surveys:write"]);
    expect((await api("DELETE", path("someone"), { token: key })).status).toBe(403);
  });
});
