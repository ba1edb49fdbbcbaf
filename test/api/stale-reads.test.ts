import { applyD1Migrations, createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { api } from "../helpers/api";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import { PERSON, createSurvey, invite, pathOf, responseOf } from "../helpers/respondent";

/**
 * Reads that may be a moment stale (metrics, the report export, resolving a link) go through the D1
 * Sessions API, so a database with read replication answers them from a replica near the Worker;
 * writes stay on the primary. Locally there is no replica: a session reads the one database, so the
 * answers are the same, and a second real database that has not caught up plays a lagging replica.
 */

async function call(db: D1Database, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`http://tapscore.test${path}`, init), { ...env, DB: db }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const ADMIN = { authorization: `Bearer ${env.ADMIN_TOKEN}` };

beforeAll(async () => {
  await createSurvey("stale-reads", { metric: "nps" });
  const { invitations } = await invite("stale-reads", [{ recipient: "sr-1" }, { recipient: "sr-2" }], { snippets: false });
  for (const [i, invitation] of invitations.entries()) {
    expect((await call(env.DB, pathOf(invitation.links[String(9 - i * 5)]!), { headers: PERSON })).status).toBe(200);
  }
  // The cron's rollup, so the metrics have the two answers to show.
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
  await applyD1Migrations(env.TEST_MIGRATED_DB, env.TEST_MIGRATIONS);
});

describe("the D1 Sessions API", () => {
  it("reads the metrics and the report export in a session that may use a replica, with the same answers", async () => {
    for (const path of ["/api/v1/surveys/stale-reads/metrics", "/api/v1/reports/export?audience=internal"]) {
      const d1 = new InstrumentedD1(env.DB);
      const inSession = await call(d1.binding, path, { headers: ADMIN });
      expect(inSession.status, path).toBe(200);
      expect(d1.sessions, path).toEqual(["first-unconstrained"]);
      const direct = (await (await api("GET", path)).json()) as Record<string, unknown>;
      const sessioned = (await inSession.json()) as Record<string, unknown>;
      // The export says when it was made; everything else is the same.
      expect({ ...sessioned, generated_at: null }, path).toEqual({ ...direct, generated_at: null });
      if (path.includes("metrics")) expect(sessioned.headline, path).toMatchObject({ n: 2, value: 0 });
    }
  });

  it("resolves a link in a session and writes the tap on the primary", async () => {
    const [invitation] = (await invite("stale-reads", [{ recipient: "sr-3" }], { snippets: false })).invitations;
    const d1 = new InstrumentedD1(env.DB);
    expect((await call(d1.binding, pathOf(invitation!.links["10"]!), { headers: PERSON })).status).toBe(200);
    expect(d1.sessions).toEqual(["first-unconstrained"]);
    expect(d1.sessionQueries.length).toBeGreaterThan(0);
    expect(d1.sessionQueries.every((sql) => /^\s*SELECT\b/i.test(sql))).toBe(true);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 10, status: "counted" });
  });

  it("finds an invitation on the primary when the replica has not caught up, so the tap still counts", async () => {
    const [invitation] = (await invite("stale-reads", [{ recipient: "sr-4" }], { snippets: false })).invitations;
    // A real database with every migration and none of the rows: a replica that has not caught up.
    const lagging = {
      prepare: (query: string) => env.DB.prepare(query),
      batch: <T>(statements: D1PreparedStatement[]) => env.DB.batch<T>(statements),
      exec: (query: string) => env.DB.exec(query),
      dump: () => env.DB.dump(),
      withSession: () => env.TEST_MIGRATED_DB.withSession("first-unconstrained"),
    } as D1Database;
    expect((await call(lagging, pathOf(invitation!.links["7"]!), { headers: PERSON })).status).toBe(200);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 7, status: "counted" });
  });
});
