import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { applyRetention, planEventStep } from "../../functions/retention/apply";
import { runRollups } from "../../functions/rollups/job";
import { api, errorOf } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, visit } from "../helpers/respondent";

const DAY = 86_400_000;

/**
 * Moves everything stored so far `days` into the past, as if the time since were spent waiting.
 * Everything, not one person: events are stored in time order, and retention relies on that.
 */
async function waitDays(days: number): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("UPDATE events SET at = at - ?1").bind(days * DAY),
    env.DB.prepare("UPDATE responses SET created_at = created_at - ?1").bind(days * DAY),
  ]);
}

async function answer(survey: string, recipient: string, comment: string): Promise<string> {
  const [invitation] = (await invite(survey, [{ recipient }])).invitations;
  const html = await (await visit(invitation!.links["4"]!)).text();
  await postForm(invitation!.url, { action: "comment", score: "4", comment, nonce: nonceOf(html) });
  return invitation!.id;
}

const stateOf = async (invitationId: string) => ({
  comment: (await env.DB.prepare("SELECT comment FROM responses WHERE invitation_id = ?1").bind(invitationId).first<{ comment: string | null }>())!.comment,
  score: await env.DB.prepare("SELECT score FROM responses WHERE invitation_id = ?1").bind(invitationId).first("score"),
  events: await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(invitationId).first("n"),
});

describe("retain_days on a survey", () => {
  it("is an integer of 30 to 3650 days, or null", async () => {
    await createSurvey("retained", { retain_days: 90 });
    expect(await (await api("GET", "/api/v1/surveys/retained")).json()).toMatchObject({ retain_days: 90 });
    for (const bad of [29, 3651, 45.5, "90"]) {
      const response = await api("PATCH", "/api/v1/surveys/retained", { body: { retain_days: bad } });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).field).toBe("retain_days");
    }
    expect(await (await api("PATCH", "/api/v1/surveys/retained", { body: { retain_days: null } })).json()).toMatchObject({ retain_days: null });
    await createSurvey("unretained");
    expect(await (await api("GET", "/api/v1/surveys/unretained")).json()).toMatchObject({ retain_days: null });
  });
});

describe("applying retention", () => {
  beforeAll(async () => {
    await createSurvey("short-memory", { retain_days: 30 });
    await createSurvey("long-memory");
  });

  it("clears old comments and deletes old events, keeping scores, recent data, other surveys and rollups", async () => {
    const old = await answer("short-memory", "old", "Old complaint about Jan");
    const oldElsewhere = await answer("long-memory", "old-elsewhere", "Kept forever");
    await waitDays(40);
    const recent = await answer("short-memory", "recent", "Fresh praise");
    await runRollups(env.DB, { now: Date.now() + 600_000 });
    const rollupsBefore = await env.DB.prepare("SELECT * FROM rollup_days ORDER BY survey_id, day, dimension, value").all();
    const [oldEvents, recentEvents, elsewhereEvents] = [(await stateOf(old)).events, (await stateOf(recent)).events, (await stateOf(oldElsewhere)).events];
    expect(oldEvents).toBeGreaterThan(0);

    const report = await applyRetention(env, Date.now());
    expect(report).toMatchObject({ comments: 1, events: oldEvents });
    expect(await stateOf(old)).toEqual({ comment: null, score: 4, events: 0 });
    expect(await stateOf(recent)).toEqual({ comment: "Fresh praise", score: 4, events: recentEvents });
    expect(await stateOf(oldElsewhere)).toEqual({ comment: "Kept forever", score: 4, events: elsewhereEvents });
    expect((await env.DB.prepare("SELECT * FROM rollup_days ORDER BY survey_id, day, dimension, value").all()).results).toEqual(rollupsBefore.results);

    // A second run has nothing left to do.
    expect(await applyRetention(env, Date.now())).toMatchObject({ comments: 0, events: 0 });
  });

  it("works in bounded chunks and catches up over ticks", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await answer("short-memory", `batch-${i}`, `comment ${i}`));
    await waitDays(31);
    const first = await applyRetention(env, Date.now(), { chunk: 2, maxChunks: 1 });
    expect(first.comments).toBe(2);
    for (let i = 0; i < 20; i++) await applyRetention(env, Date.now(), { chunk: 2, maxChunks: 1 });
    for (const id of ids) expect(await stateOf(id)).toMatchObject({ comment: null, events: 0 });
  });
});

describe("the event walk", () => {
  const event = (seq: number, at: number, survey: string | null = "s") => ({ seq, at, survey_id: survey });

  it("deletes this survey's old events and stops before the first young one", () => {
    const step = planEventStep([event(5, 10), event(6, 11, "other"), event(7, 12), event(8, 100), event(9, 13)], "s", 50, 4);
    expect(step).toEqual({ delete: [5, 7], cursor: 7, reachedRecent: true });
  });

  it("stays put when the next event is still young, and moves over a stretch of other surveys", () => {
    expect(planEventStep([event(5, 100)], "s", 50, 4)).toEqual({ delete: [], cursor: 4, reachedRecent: true });
    expect(planEventStep([event(5, 10, "other"), event(6, 11, null)], "s", 50, 4)).toEqual({ delete: [], cursor: 6, reachedRecent: false });
    expect(planEventStep([], "s", 50, 4)).toEqual({ delete: [], cursor: 4, reachedRecent: false });
  });
});
