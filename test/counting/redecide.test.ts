import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { redecideHistory } from "../../functions/counting/redecide";
import { runRollups } from "../../functions/rollups/job";
import type { StoredEvent } from "../../functions/storage/events";
import type { Decision } from "../../functions/storage/responses";
import { createSurvey, invite, responseOf } from "../helpers/respondent";

/**
 * `npm run rollup -- --redecide` re-runs the counting rule over stored events. Here the stored
 * decisions are the ones an older rule wrote (a detonation chamber's visit and a scanner's re-visit
 * counted), planted as rows of answers; the worker code then re-decides them and the rollups follow.
 */

const T = Date.UTC(2026, 4, 1, 10, 0, 0);
const navigation = { fetch_mode: "navigate", fetch_site: "none", fetch_dest: "document", fetch_user: true, accept_language: true };
const event = (score: number, at: number, signals: StoredEvent["signals"]): StoredEvent => ({
  kind: "tap",
  score,
  at,
  client: "browser",
  asn: null,
  country: null,
  signals,
});

/**
 * Stores the events and the decision an older rule made of them, as one answer whose decision comes
 * after every one the rollups have taken (event_seq above all others and the watermark).
 */
async function storedAsBefore(invitation: string, surveyId: string, events: StoredEvent[], old: Decision, answeredAt: number) {
  await env.DB.prepare(
    `INSERT INTO answers (invitation_id, survey_id, events, version, stale, score, comment, status, reason, override, created_at, updated_at, event_seq)
     VALUES (?1, ?2, ?3, 1, 0, ?4, NULL, ?5, ?6, NULL, ?7, ?8,
       MAX((SELECT COALESCE(MAX(event_seq), 0) FROM answers), (SELECT COALESCE(MAX(responses_seq), 0) FROM rollup_watermarks)) + 1)`,
  )
    .bind(invitation, surveyId, JSON.stringify(events), old.score, old.status, old.reason, answeredAt, Date.now())
    .run();
}

async function allRow(surveyId: string) {
  return env.DB.prepare("SELECT counts, excluded FROM rollup_days WHERE survey_id = ?1 AND day = '2026-05-01' AND dimension = 'all'")
    .bind(surveyId)
    .first<{ counts: string; excluded: number }>();
}

const rollUp = () => runRollups(env.DB, { now: Date.now() + 10 * 60_000 });

describe("re-deciding stored events with the current rule", () => {
  it("changes what the rule now decides otherwise, leaves the rest, and the rollups follow; a second run changes nothing", async () => {
    await createSurvey("redecide-1", { timezone: "UTC" });
    const [chamber, revisited, person] = (await invite("redecide-1", [{ recipient: "rd-1" }, { recipient: "rd-2" }, { recipient: "rd-3" }], { snippets: false })).invitations;
    // A detonation chamber: one link, a browser's headers, from a machines-only network, no input after.
    await storedAsBefore(chamber!.id, "redecide-1", [event(3, T, { ...navigation, cloud: true, hosting: true, agent: "0000aaaa" })], { score: 3, status: "counted", reason: "tap" }, T);
    // A person's 4, then a scanner's re-visit of another link 12 s later from another device.
    await storedAsBefore(
      revisited!.id,
      "redecide-1",
      [event(4, T + 60_000, { ...navigation, agent: "1111bbbb" }), event(1, T + 72_000, { ...navigation, agent: "2222cccc" })],
      { score: 1, status: "counted", reason: "tap" },
      T + 60_000,
    );
    await storedAsBefore(person!.id, "redecide-1", [event(5, T + 120_000, { ...navigation, agent: "3333dddd" })], { score: 5, status: "counted", reason: "tap" }, T + 120_000);
    await rollUp();
    expect(await allRow("redecide-1")).toEqual({ counts: "[1,0,1,0,1]", excluded: 0 });

    expect(await redecideHistory(env.DB, { surveyId: "redecide-1", now: Date.now(), batch: 2 })).toEqual({ invitations: 3, changed: 2 });
    expect(await responseOf(chamber!.id)).toMatchObject({ score: 3, status: "suspected", reason: "cloud_network" });
    expect(await responseOf(revisited!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });
    expect(await responseOf(person!.id)).toMatchObject({ score: 5, status: "counted", reason: "tap" });

    await rollUp();
    expect(await allRow("redecide-1")).toEqual({ counts: "[0,0,0,1,1]", excluded: 1 });

    expect(await redecideHistory(env.DB, { surveyId: "redecide-1", now: Date.now() })).toEqual({ invitations: 3, changed: 0 });
    expect(await responseOf(revisited!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });
    await rollUp();
    expect(await allRow("redecide-1")).toEqual({ counts: "[0,0,0,1,1]", excluded: 1 });
  });

  it("re-decides one survey's invitations only when given one", async () => {
    await createSurvey("redecide-2", { timezone: "UTC" });
    await createSurvey("redecide-3", { timezone: "UTC" });
    const [mine] = (await invite("redecide-2", [{ recipient: "rd-4" }], { snippets: false })).invitations;
    const [other] = (await invite("redecide-3", [{ recipient: "rd-5" }], { snippets: false })).invitations;
    for (const [invitation, survey] of [[mine!, "redecide-2"], [other!, "redecide-3"]] as const) {
      await storedAsBefore(invitation.id, survey, [event(2, T, { ...navigation, cloud: true, hosting: true })], { score: 2, status: "counted", reason: "tap" }, T);
    }
    expect(await redecideHistory(env.DB, { surveyId: "redecide-2", now: Date.now() })).toEqual({ invitations: 1, changed: 1 });
    expect(await responseOf(mine!.id)).toMatchObject({ status: "suspected" });
    expect(await responseOf(other!.id)).toMatchObject({ status: "counted" });
  });
});
