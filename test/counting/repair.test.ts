import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { DECIDE_ATTEMPTS, recordChoice } from "../../functions/counting/record";
import { redecideStale } from "../../functions/counting/repair";
import { appendEvent } from "../../functions/storage/answers";
import type { NewEvent } from "../../functions/storage/events";
import { createSurvey, invite, responseOf, visit } from "../helpers/respondent";

const facts = { client: "browser" as const, asn: null, country: null, signals: { fetch_mode: "navigate" } };

const tapOf = (invitationId: string, score: number, at: number): NewEvent => ({ invitation_id: invitationId, kind: "tap", score, at, ...facts });

/** One cron tick through the Worker's scheduled handler, as the Workers runtime fires it. */
async function tick(now: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function answerOf(invitationId: string) {
  return env.DB.prepare("SELECT stale, status, json_array_length(events) AS events FROM answers WHERE invitation_id = ?1")
    .bind(invitationId)
    .first<{ stale: number; status: string | null; events: number }>();
}

/**
 * A D1 binding through which, before each of the next `times` batches (each decision write is one),
 * another request's page view of the invitation lands first: every such write finds the answer
 * changed since it was read, as in a burst of requests for one invitation.
 */
function contendedDB(db: D1Database, surveyId: string, invitationId: string, times: number): D1Database {
  let left = times;
  return new Proxy(db, {
    get(target, property) {
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (left > 0) {
            left--;
            const view: NewEvent = { invitation_id: invitationId, kind: "view", score: null, at: Date.now(), client: "browser", asn: null, country: null, signals: {} };
            await appendEvent(target, surveyId, view, { stale: false, now: Date.now() }).run();
          }
          return target.batch(statements);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a tap that lost the race for its decision", () => {
  it("is decided by the next cron tick, and only once", async () => {
    await createSurvey("repair");
    const [lost, fine] = (await invite("repair", [{ recipient: "lost" }, { recipient: "fine" }])).invitations;
    await visit(fine!.links["5"]!);
    const fineBefore = await responseOf(fine!.id);
    // What recordChoice leaves when every attempt lost: the event kept, stale, no decision.
    const tappedAt = Date.now();
    await appendEvent(env.DB, "repair", tapOf(lost!.id, 4, tappedAt), { stale: true, now: tappedAt }).run();
    expect(await responseOf(lost!.id)).toBeNull();

    await tick(tappedAt + 60_000);
    expect(await responseOf(lost!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });
    expect(await answerOf(lost!.id)).toEqual({ stale: 0, status: "counted", events: 1 });
    expect(await responseOf(fine!.id)).toEqual(fineBefore);

    expect(await redecideStale(env, tappedAt + 120_000)).toBe(0);
  });

  it("stays stale when its repair loses the race too, and the next tick decides it", async () => {
    await createSurvey("repair-race");
    const [invitation] = (await invite("repair-race", [{ recipient: "raced" }])).invitations;
    const tappedAt = Date.now();
    await appendEvent(env.DB, "repair-race", tapOf(invitation!.id, 2, tappedAt), { stale: true, now: tappedAt }).run();

    expect(await redecideStale({ DB: contendedDB(env.DB, "repair-race", invitation!.id, 1) }, tappedAt + 60_000)).toBe(0);
    expect(await responseOf(invitation!.id)).toBeNull();
    expect(await answerOf(invitation!.id)).toEqual({ stale: 1, status: null, events: 2 });

    expect(await redecideStale(env, tappedAt + 120_000)).toBe(1);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 2, status: "counted", reason: "tap" });
    expect(await answerOf(invitation!.id)).toEqual({ stale: 0, status: "counted", events: 2 });
  });

  it("is kept, undecided, by recordChoice when every attempt loses, and the cron decides it", async () => {
    await createSurvey("repair-contended");
    const [invitation] = (await invite("repair-contended", [{ recipient: "contended" }])).invitations;
    const now = Date.now();
    const contended = contendedDB(env.DB, "repair-contended", invitation!.id, DECIDE_ATTEMPTS);
    const choice = { invitationId: invitation!.id, surveyId: "repair-contended", kind: "tap" as const, score: 5, facts, now };

    expect(await recordChoice(contended, choice)).toBeNull();
    // The tap is stored once, after the views that beat each attempt, and waits for the cron.
    const events = await env.DB.prepare("SELECT kind, score, at FROM events WHERE invitation_id = ?1 ORDER BY seq").bind(invitation!.id).all();
    expect(events.results).toEqual([...Array.from({ length: DECIDE_ATTEMPTS }, () => expect.objectContaining({ kind: "view" })), { kind: "tap", score: 5, at: now }]);
    expect(await answerOf(invitation!.id)).toEqual({ stale: 1, status: null, events: DECIDE_ATTEMPTS + 1 });
    expect(await responseOf(invitation!.id)).toBeNull();

    await tick(now + 60_000);
    expect(await responseOf(invitation!.id)).toMatchObject({ score: 5, status: "counted", reason: "tap" });
    expect(await answerOf(invitation!.id)).toMatchObject({ stale: 0, status: "counted" });
  });

  it("is decided at once when fewer than DECIDE_ATTEMPTS writes beat it, never left stale", async () => {
    await createSurvey("repair-retried");
    const [invitation] = (await invite("repair-retried", [{ recipient: "retried" }])).invitations;
    const now = Date.now();
    const contended = contendedDB(env.DB, "repair-retried", invitation!.id, DECIDE_ATTEMPTS - 1);
    const choice = { invitationId: invitation!.id, surveyId: "repair-retried", kind: "tap" as const, score: 3, facts, now };

    expect(await recordChoice(contended, choice)).toMatchObject({ score: 3, status: "counted" });
    expect(await answerOf(invitation!.id)).toEqual({ stale: 0, status: "counted", events: DECIDE_ATTEMPTS });
  });
});
