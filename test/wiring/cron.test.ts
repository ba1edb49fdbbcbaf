import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { api } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, visit } from "../helpers/respondent";

/**
 * The cron reaches each of its jobs only through `scheduled` in functions/index.ts and the list in
 * functions/scheduled.ts. These tests fire the real handler, as the Workers runtime would, and look at
 * what each job must have left in D1 after one tick.
 */

const DAY = 86_400_000;

async function tick(now: number): Promise<void> {
  const controller = createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled!(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Days as YYYY-MM-DD, written by hand from the epoch so nothing of the code under test computes them. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

// Webhook deliveries the tick attempts must not leave the machine: every outbound fetch answers 204.
const outbound: string[] = [];
beforeEach(() => {
  outbound.length = 0;
  vi.stubGlobal("fetch", async (input: RequestInfo | URL) => {
    outbound.push(input instanceof Request ? input.url : String(input));
    return new Response(null, { status: 204 });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("one cron tick through the Worker's scheduled handler", () => {
  // First: the drop check runs only when the rollup folded something in, which a later tick in the
  // future would otherwise already have done.
  it("runs the drop check after a rollup: a clear drop enqueues a metric.drop delivery", async () => {
    const now = Date.now();
    await createSurvey("cron-drop");
    // Four weeks of mostly 4s and 5s, then mostly 1s and 2s from the Monday of the last completed ISO
    // week (the one the check tests) to yesterday (UTC).
    const daysSinceLastMonday = ((new Date(now).getUTCDay() + 6) % 7) + 7;
    const statements = [];
    for (let i = daysSinceLastMonday + 28; i >= 1; i -= 1) {
      const counts = i > daysSinceLastMonday ? [0, 0, 1, 4, 5] : [3, 3, 2, 1, 1];
      statements.push(
        env.DB.prepare(
          "INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded) VALUES ('cron-drop', ?1, 'all', '', ?2, 0, 0, 0)",
        ).bind(dayOf(now - i * DAY), JSON.stringify(counts)),
      );
    }
    await env.DB.batch(statements);
    const hook = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example/drops", events: ["metric.drop"], survey: "cron-drop" } });
    expect(hook.status).toBe(201);
    // Something new for the rollup to fold in: a tap today.
    const [invitation] = (await invite("cron-drop", [{ recipient: "cron-drop-1" }])).invitations;
    expect((await visit(invitation!.links["2"]!)).status).toBe(200);

    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event = 'metric.drop'").first<{ n: number }>();
    expect(before!.n).toBe(0);
    await tick(now);
    const deliveries = await env.DB.prepare("SELECT survey_id FROM webhook_deliveries WHERE event = 'metric.drop'").all<{ survey_id: string }>();
    expect(deliveries.results).toEqual([{ survey_id: "cron-drop" }]);
  });

  it("applies retention: an old comment is cleared and old events deleted, the score kept", async () => {
    await createSurvey("cron-retained", { retain_days: 30 });
    const [invitation] = (await invite("cron-retained", [{ recipient: "cron-retained-1" }])).invitations;
    const html = await (await visit(invitation!.links["4"]!)).text();
    expect((await postForm(invitation!.url, { action: "comment", score: "4", comment: "Slow delivery", nonce: nonceOf(html) })).status).toBeLessThan(400);
    const stored = () => env.DB.prepare("SELECT score, comment FROM responses WHERE invitation_id = ?1").bind(invitation!.id).first<{ score: number; comment: string | null }>();
    const events = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(invitation!.id).first<{ n: number }>())!.n;
    expect(await stored()).toEqual({ score: 4, comment: "Slow delivery" });
    expect(await events()).toBeGreaterThan(0);

    await tick(Date.now() + 31 * DAY);
    expect(await stored()).toEqual({ score: 4, comment: null });
    expect(await events()).toBe(0);
  });

  it("re-decides an answer whose tap was kept undecided after losing the race for its decision", async () => {
    const now = Date.now();
    await createSurvey("cron-stale");
    const [invitation] = (await invite("cron-stale", [{ recipient: "cron-stale-1" }])).invitations;
    // What a tap that lost its decision write DECIDE_ATTEMPTS times leaves: its event, stale, no decision.
    await env.DB.prepare(
      `INSERT INTO answers (invitation_id, survey_id, events, version, stale, updated_at)
       VALUES (?1, 'cron-stale', json_array(json_object('kind', 'tap', 'score', 3, 'at', ?2, 'client', 'browser', 'asn', NULL, 'country', NULL,
               'signals', json('{"fetch_mode":"navigate","fetch_site":"none"}'))), 1, 1, ?2)`,
    )
      .bind(invitation!.id, now - 60_000)
      .run();
    const response = () => env.DB.prepare("SELECT score, status, created_at FROM responses WHERE invitation_id = ?1").bind(invitation!.id).first();
    const stale = () => env.DB.prepare("SELECT stale FROM answers WHERE invitation_id = ?1").bind(invitation!.id).first<number>("stale");
    expect(await response()).toBeNull();

    await tick(now);
    expect(await response()).toEqual({ score: 3, status: "counted", created_at: now - 60_000 });
    expect(await stale()).toBe(0);
  });

  it("prunes finished deliveries older than 30 days and keeps pending ones (retries not lost) and recent ones", async () => {
    const now = Date.now();
    await env.DB.prepare("INSERT INTO webhooks (id, url, events, survey_id, format, secret, created_at) VALUES ('wh_cron', 'https://hooks.example/log', '[\"metric.drop\"]', NULL, 'standard', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ?1)")
      .bind(now - 60 * DAY)
      .run();
    const rows: [id: string, status: string, createdAt: number, nextAttemptAt: number | null][] = [
      ["msg_old_delivered", "delivered", now - 40 * DAY, null],
      ["msg_old_failed", "failed", now - 40 * DAY, null],
      ["msg_old_cancelled", "cancelled", now - 40 * DAY, null],
      // Still retrying, next attempt tomorrow: not due in this tick, and must survive the pruning.
      ["msg_old_pending", "pending", now - 40 * DAY, now + DAY],
      ["msg_recent_delivered", "delivered", now - 2 * DAY, null],
    ];
    await env.DB.batch(
      rows.map(([id, status, createdAt, next]) =>
        env.DB.prepare(
          "INSERT INTO webhook_deliveries (id, webhook_id, dedupe_key, event, survey_id, invitation_id, body, status, attempts, next_attempt_at, created_at, updated_at) VALUES (?1, 'wh_cron', ?1, 'metric.drop', NULL, NULL, '{}', ?2, 1, ?3, ?4, ?4)",
        ).bind(id, status, next, createdAt),
      ),
    );
    await tick(now);
    const left = await env.DB.prepare("SELECT id FROM webhook_deliveries WHERE webhook_id = 'wh_cron' ORDER BY id").all<{ id: string }>();
    expect(left.results.map((row) => row.id)).toEqual(["msg_old_pending", "msg_recent_delivered"]);
  });
});
