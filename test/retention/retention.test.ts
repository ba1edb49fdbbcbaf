import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { applyRetention, keptEvents, planTrims } from "../../functions/retention/apply";
import { runRollups } from "../../functions/rollups/job";
import type { StoredEvent } from "../../functions/storage/events";
import { api, errorOf } from "../helpers/api";
import { createSurvey, invite, nonceOf, postForm, visit } from "../helpers/respondent";

const DAY = 86_400_000;

/**
 * Moves everything stored so far `days` into the past, as if the time since were spent waiting: every
 * answer's events (kept in its row) and its response's time.
 */
async function waitDays(days: number): Promise<void> {
  await env.DB.prepare(
    `UPDATE answers SET
       events = (SELECT json_group_array(json_set(value, '$.at', json_extract(value, '$.at') - ?1) ORDER BY key) FROM json_each(answers.events)),
       created_at = created_at - ?1`,
  )
    .bind(days * DAY)
    .run();
}

async function answer(survey: string, recipient: string, comment: string): Promise<string> {
  const [invitation] = (await invite(survey, [{ recipient }])).invitations;
  const html = await (await visit(invitation!.links["4"]!)).text();
  await postForm(invitation!.url, { action: "comment", score: "4", comment, nonce: nonceOf(html) });
  return invitation!.id;
}

/** An invitation whose link was opened without choosing: an answer of events and no response. */
async function viewOnly(survey: string, recipient: string): Promise<string> {
  const [invitation] = (await invite(survey, [{ recipient }])).invitations;
  await visit(invitation!.url);
  return invitation!.id;
}

const answerRows = async (invitationId: string) =>
  env.DB.prepare("SELECT COUNT(*) AS n FROM answers WHERE invitation_id = ?1").bind(invitationId).first<number>("n");

const eventCount = async (invitationId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE invitation_id = ?1").bind(invitationId).first<{ n: number }>())!.n;

const stateOf = async (invitationId: string) => ({
  comment: (await env.DB.prepare("SELECT comment FROM responses WHERE invitation_id = ?1").bind(invitationId).first<{ comment: string | null }>())!.comment,
  score: await env.DB.prepare("SELECT score FROM responses WHERE invitation_id = ?1").bind(invitationId).first("score"),
  events: await eventCount(invitationId),
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
    const viewed = await viewOnly("short-memory", "viewed-only");
    await waitDays(40);
    const recent = await answer("short-memory", "recent", "Fresh praise");
    await runRollups(env.DB, { now: Date.now() + 600_000 });
    const rollupsBefore = await env.DB.prepare("SELECT * FROM rollup_days ORDER BY survey_id, day, dimension, value").all();
    const [oldEvents, recentEvents, elsewhereEvents] = [(await stateOf(old)).events, (await stateOf(recent)).events, (await stateOf(oldElsewhere)).events];
    expect(oldEvents).toBeGreaterThan(0);
    expect(await eventCount(viewed)).toBe(1);

    const report = await applyRetention(env, Date.now());
    expect(report).toMatchObject({ comments: 1, events: oldEvents + 1 });
    expect(await stateOf(old)).toEqual({ comment: null, score: 4, events: 0 });
    expect(await stateOf(recent)).toEqual({ comment: "Fresh praise", score: 4, events: recentEvents });
    expect(await stateOf(oldElsewhere)).toEqual({ comment: "Kept forever", score: 4, events: elsewhereEvents });
    // The opened link left nothing but its view: with the view gone, nothing of it is kept.
    expect(await answerRows(viewed)).toBe(0);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM invitations WHERE id = ?1").bind(viewed).first("n")).toBe(1);
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
    // One tick sweeps at most two answers: at least three of the five still hold their events.
    let stillHeld = 0;
    for (const id of ids) if ((await eventCount(id)) > 0) stillHeld++;
    expect(stillHeld).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 20; i++) await applyRetention(env, Date.now(), { chunk: 2, maxChunks: 1 });
    for (const id of ids) expect(await stateOf(id)).toMatchObject({ comment: null, events: 0 });
  });
});

describe("what retention keeps of an answer", () => {
  const NOW = 100 * DAY;
  const event = (at: number): StoredEvent => ({ kind: "tap", score: 4, at, client: "browser", asn: null, country: null, signals: {} });

  it("keeps the events from the cut-off on and counts the older ones", () => {
    expect(keptEvents([event(10), event(49), event(50), event(80)], 50)).toEqual({ kept: [event(50), event(80)], cut: 2 });
    expect(keptEvents([event(60), event(70)], 50)).toEqual({ kept: [event(60), event(70)], cut: 0 });
    expect(keptEvents([], 50)).toEqual({ kept: [], cut: 0 });
  });

  it("leaves answers of surveys without retention, and answers with nothing old enough, untouched", () => {
    const swept = [
      { invitation_id: "inv_forever", events: [event(1 * DAY), event(2 * DAY)], version: 3, decided: true, retain_days: null },
      { invitation_id: "inv_young", events: [event(75 * DAY), event(99 * DAY)], version: 1, decided: true, retain_days: 30 },
      { invitation_id: "inv_long", events: [event(20 * DAY)], version: 2, decided: false, retain_days: 90 },
    ];
    expect(planTrims(swept, NOW)).toEqual([]);
    expect(planTrims([], NOW)).toEqual([]);
  });

  it("cuts old events and keeps young ones; an undecided answer left with nothing goes, a decided one stays", () => {
    // 30 days kept at day 100: events before day 70 go.
    const swept = [
      { invitation_id: "inv_mixed", events: [event(60 * DAY), event(69 * DAY), event(75 * DAY)], version: 4, decided: true, retain_days: 30 },
      { invitation_id: "inv_viewed", events: [event(10 * DAY), event(20 * DAY)], version: 2, decided: false, retain_days: 30 },
      { invitation_id: "inv_answered", events: [event(10 * DAY)], version: 1, decided: true, retain_days: 30 },
      { invitation_id: "inv_viewed_again", events: [event(10 * DAY), event(90 * DAY)], version: 2, decided: false, retain_days: 30 },
      { invitation_id: "inv_forever", events: [event(10 * DAY)], version: 1, decided: false, retain_days: null },
    ];
    expect(planTrims(swept, NOW)).toEqual([
      { invitation_id: "inv_mixed", version: 4, kept: [event(75 * DAY)], cut: 2, remove: false },
      { invitation_id: "inv_viewed", version: 2, kept: [], cut: 2, remove: true },
      { invitation_id: "inv_answered", version: 1, kept: [], cut: 1, remove: false },
      { invitation_id: "inv_viewed_again", version: 2, kept: [event(90 * DAY)], cut: 1, remove: false },
    ]);
  });
});
