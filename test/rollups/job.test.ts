import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rebuildRollups, runRollups } from "../../functions/rollups/job";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import {
  TICK_TIME,
  addInvitations,
  addResponses,
  addSurvey,
  changeResponse,
  eraseInvitation,
  rollupRows,
  tick,
  type FakeResponse,
} from "../helpers/rollup-data";

const at = (iso: string) => Date.parse(iso);
const counts = (rows: Awaited<ReturnType<typeof rollupRows>>, day: string, dimension = "all", value = "") =>
  rows.find((r) => r.day === day && r.dimension === dimension && r.value === value);

/** A few days of mixed answers across segments, statuses and comments. */
function sample(days: number, perDay: number, start = Date.UTC(2026, 2, 1, 9)): FakeResponse[] {
  const out: FakeResponse[] = [];
  for (let d = 0; d < days; d++) {
    for (let i = 0; i < perDay; i++) {
      out.push({
        at: start + d * 86_400_000 + i * 60_000,
        score: 1 + ((d * 7 + i * 3) % 5),
        status: i % 11 === 0 ? "suspected" : i % 17 === 0 ? "excluded" : "counted",
        comment: i % 4 === 0 ? "fine" : null,
        locale: i % 3 === 0 ? "nl" : null,
        properties: { channel: i % 2 ? "email" : "sms", variant: i % 2 ? "A" : "B", ...(i % 5 ? { team: `t${i % 3}` } : {}) },
      });
    }
  }
  return out;
}

async function cleanRebuild(surveyId: string) {
  await rebuildRollups(env.DB, { now: TICK_TIME });
  return rollupRows(surveyId);
}

describe("the scheduled rollup", () => {
  it("rolls up counted answers per local day and dimension, keeping suspected and excluded out of counts", async () => {
    await addSurvey({ id: "basic", metric: "csat", segments: ["team"] });
    await addResponses("basic", [
      { at: at("2026-03-02T10:00:00Z"), score: 5, comment: "great", properties: { channel: "email", team: "blue" } },
      { at: at("2026-03-02T11:00:00Z"), score: 2, properties: { channel: "email" } },
      { at: at("2026-03-02T12:00:00Z"), score: 4, status: "suspected", properties: { channel: "sms" } },
      { at: at("2026-03-02T13:00:00Z"), score: 1, status: "excluded" },
      { at: at("2026-03-03T09:00:00Z"), score: 5, locale: "sv" },
    ]);
    await addInvitations("basic", [{ at: at("2026-03-02T08:00:00Z"), properties: { channel: "email" } }]);
    await tick();
    const rows = await rollupRows("basic");
    expect(counts(rows, "2026-03-02")).toMatchObject({ counts: "[0,1,0,0,1]", invitations: 5, comments: 1, excluded: 2 });
    expect(counts(rows, "2026-03-02", "channel", "email")).toMatchObject({ counts: "[0,1,0,0,1]", invitations: 3, excluded: 0 });
    expect(counts(rows, "2026-03-02", "channel", "sms")).toMatchObject({ counts: "[0,0,0,0,0]", excluded: 1 });
    expect(counts(rows, "2026-03-02", "team", "blue")).toMatchObject({ counts: "[0,0,0,0,1]" });
    expect(counts(rows, "2026-03-02", "team", "")).toMatchObject({ counts: "[0,1,0,0,0]" });
    expect(counts(rows, "2026-03-02", "locale", "en")).toMatchObject({ counts: "[0,1,0,0,1]" });
    expect(counts(rows, "2026-03-03", "locale", "sv")).toMatchObject({ counts: "[0,0,0,0,1]" });
  });

  it("changes nothing when run again", async () => {
    await addSurvey({ id: "twice", metric: "nps", segments: ["team"] });
    await addResponses("twice", sample(3, 40).map((r) => ({ ...r, score: r.score * 2 })));
    await tick();
    const first = await rollupRows("twice");
    const watermark = await env.DB.prepare("SELECT responses_seq, invitations_seq FROM rollup_watermarks").first();
    await tick();
    expect(await rollupRows("twice")).toEqual(first);
    expect(await env.DB.prepare("SELECT responses_seq, invitations_seq FROM rollup_watermarks").first()).toEqual(watermark);
    expect(first.length).toBeGreaterThan(10);
  });

  it("follows score changes, comments and overrides of responses already rolled up", async () => {
    await addSurvey({ id: "changes", metric: "csat" });
    const [a, b, c] = await addResponses("changes", [
      { at: at("2026-03-02T10:00:00Z"), score: 5 },
      { at: at("2026-03-02T11:00:00Z"), score: 4, status: "suspected" },
      { at: at("2026-03-02T12:00:00Z"), score: 3 },
    ]);
    await tick();
    expect(counts(await rollupRows("changes"), "2026-03-02")).toMatchObject({ counts: "[0,0,1,0,1]", excluded: 1 });
    await changeResponse(a!, { score: 1, comment: "changed my mind" });
    await changeResponse(b!, { status: "counted" }); // an admin's override: the scanner suspicion was wrong
    await changeResponse(c!, { status: "excluded" });
    await tick();
    expect(counts(await rollupRows("changes"), "2026-03-02")).toMatchObject({ counts: "[1,0,0,1,0]", excluded: 1, comments: 1 });
    expect(await rollupRows("changes")).toEqual(await cleanRebuild("changes"));
  });

  it("corrects the buckets of erased rows through rollup_touches", async () => {
    await addSurvey({ id: "erase", metric: "csat" });
    const [keep, gone, lonely] = await addResponses("erase", [
      { at: at("2026-03-02T10:00:00Z"), score: 5 },
      { at: at("2026-03-02T11:00:00Z"), score: 1, comment: "my personal story" },
      { at: at("2026-03-05T11:00:00Z"), score: 2 },
    ]);
    await tick();
    await eraseInvitation("erase", gone!);
    await eraseInvitation("erase", lonely!);
    await tick();
    const rows = await rollupRows("erase");
    expect(counts(rows, "2026-03-02")).toMatchObject({ counts: "[0,0,0,0,1]", comments: 0, invitations: 1 });
    expect(rows.filter((r) => r.day === "2026-03-05")).toEqual([]);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_touches").first("n")).toBe(0);
    expect(rows).toEqual(await cleanRebuild("erase"));

    // Erasing the day's last answer leaves a touched bucket with no rows at all: it must go too.
    await eraseInvitation("erase", keep!);
    await tick();
    const emptied = await rollupRows("erase");
    expect(emptied.filter((r) => r.day === "2026-03-02")).toEqual([]);
    expect(emptied).toEqual(await cleanRebuild("erase"));
  });

  it("waits for responses changed within the settle window, then takes them", async () => {
    await addSurvey({ id: "settle", metric: "csat" });
    const fresh = at("2026-03-02T10:00:00Z");
    // Invited on another day, so only the response stream can reveal the answer's bucket.
    await addResponses("settle", [{ at: fresh, score: 5, invitedAt: at("2026-02-20T10:00:00Z") }]);
    await tick(env.DB, fresh + 10_000);
    expect((await rollupRows("settle")).filter((r) => r.day === "2026-03-02")).toEqual([]);
    await tick(env.DB, fresh + 61_000);
    expect(counts(await rollupRows("settle"), "2026-03-02")).toMatchObject({ counts: "[0,0,0,0,1]" });
  });

  it("buckets by the survey's local day across DST changes (Europe/Amsterdam, America/Los_Angeles)", async () => {
    await addSurvey({ id: "ams", metric: "csat", timezone: "Europe/Amsterdam" });
    await addSurvey({ id: "lax", metric: "csat", timezone: "America/Los_Angeles" });
    const answers = (iso: string[]) => iso.map((t) => ({ at: at(t), score: 5 }));
    await addResponses("ams", answers([
      "2026-03-28T22:59:00Z", // 23:59 CET, 28 March
      "2026-03-28T23:00:00Z", // 00:00 CET, 29 March: the 23-hour day begins
      "2026-03-29T21:59:00Z", // 23:59 CEST, 29 March
      "2026-03-29T22:00:00Z", // 00:00 CEST, 30 March
      "2026-10-24T22:00:00Z", // 00:00 CEST, 25 October: the 25-hour day begins
      "2026-10-25T22:59:00Z", // 23:59 CET, 25 October
      "2026-10-25T23:00:00Z", // 00:00 CET, 26 October
    ]));
    await addResponses("lax", answers([
      "2026-03-08T07:59:00Z", // 23:59 PST, 7 March
      "2026-03-08T08:00:00Z", // 00:00 PST, 8 March
      "2026-03-09T06:59:00Z", // 23:59 PDT, 8 March
      "2026-03-09T07:00:00Z", // 00:00 PDT, 9 March
    ]));
    await tick();
    const perDay = async (survey: string) =>
      Object.fromEntries((await rollupRows(survey)).filter((r) => r.dimension === "all").map((r) => [r.day, JSON.parse(r.counts)[4] as number]));
    expect(await perDay("ams")).toEqual({ "2026-03-28": 1, "2026-03-29": 2, "2026-03-30": 1, "2026-10-25": 2, "2026-10-26": 1 });
    expect(await perDay("lax")).toEqual({ "2026-03-07": 1, "2026-03-08": 2, "2026-03-09": 1 });
  });

  it("works in bounded chunks and catches up across ticks", async () => {
    await addSurvey({ id: "chunks", metric: "ces" });
    await addResponses("chunks", sample(12, 30).map((r) => ({ ...r, score: 1 + (r.score % 7) })));
    const first = await runRollups(env.DB, { now: TICK_TIME, chunkSize: 100, maxBucketsPerChunk: 3, maxChunks: 2 });
    expect(first).toMatchObject({ chunks: 2, caughtUp: false });
    for (let i = 0; i < 20 && !(await runRollups(env.DB, { now: TICK_TIME, chunkSize: 100, maxBucketsPerChunk: 3 })).caughtUp; i++);
    expect(await rollupRows("chunks")).toEqual(await cleanRebuild("chunks"));
  });
});

interface RollupState {
  rows: Awaited<ReturnType<typeof rollupRows>>;
  watermark: Record<string, number> | null;
  touches: { id: number; survey_id: string; at: number }[];
}

async function snapshot(): Promise<RollupState> {
  return {
    rows: await rollupRows(),
    watermark: await env.DB.prepare("SELECT responses_seq, invitations_seq, updated_at FROM rollup_watermarks WHERE id = 1").first(),
    touches: (await env.DB.prepare("SELECT id, survey_id, at FROM rollup_touches ORDER BY id").all<RollupState["touches"][number]>()).results,
  };
}

async function restore(state: RollupState): Promise<void> {
  await env.DB.batch([
    env.DB.prepare("DELETE FROM rollup_days"),
    env.DB.prepare(
      `INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded)
       SELECT json_extract(value, '$.survey_id'), json_extract(value, '$.day'), json_extract(value, '$.dimension'), json_extract(value, '$.value'),
              json_extract(value, '$.counts'), json_extract(value, '$.invitations'), json_extract(value, '$.comments'), json_extract(value, '$.excluded')
       FROM json_each(?1)`,
    ).bind(JSON.stringify(state.rows)),
    env.DB.prepare("DELETE FROM rollup_watermarks"),
    env.DB.prepare(
      "INSERT INTO rollup_watermarks (id, responses_seq, invitations_seq, updated_at) SELECT 1, ?1, ?2, ?3 WHERE ?1 IS NOT NULL",
    ).bind(state.watermark?.responses_seq ?? null, state.watermark?.invitations_seq ?? null, state.watermark?.updated_at ?? null),
    env.DB.prepare("DELETE FROM rollup_touches"),
    env.DB.prepare(
      `INSERT INTO rollup_touches (id, survey_id, at)
       SELECT json_extract(value, '$.id'), json_extract(value, '$.survey_id'), json_extract(value, '$.at') FROM json_each(?1)`,
    ).bind(JSON.stringify(state.touches)),
  ]);
}

describe("a tick that dies at any statement", () => {
  it("leaves rollups equal to a clean rebuild after the next tick", async () => {
    await addSurvey({ id: "crash", metric: "csat", segments: ["team"] });
    const ids = await addResponses("crash", sample(4, 25));
    await tick();
    // New answers, a change and an erasure: every stream has work for the dying tick.
    await addResponses("crash", sample(3, 25, Date.UTC(2026, 2, 4, 9)));
    await changeResponse(ids[3]!, { score: 2 });
    await eraseInvitation("crash", ids[7]!);
    await addInvitations("crash", [{ at: at("2026-03-08T08:00:00Z") }]);

    const before = await snapshot();
    const expected = await cleanRebuild("crash");
    await restore(before);
    // Small chunks, so failures also land after earlier chunks of the same tick have committed.
    const options = { now: TICK_TIME, chunkSize: 20, maxBucketsPerChunk: 2 };

    let completed = false;
    let failAt = 1;
    for (; !completed && failAt < 400; failAt++) {
      const dying = new InstrumentedD1(env.DB, failAt);
      try {
        await runRollups(dying.binding, options);
        completed = true; // failAt lies beyond the tick's last statement: every statement has been tried
      } catch {
        expect(dying.failed).toBe(true);
      }
      await tick();
      expect(await rollupRows("crash"), `after a failure at statement ${failAt}`).toEqual(expected);
      expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_touches").first("n")).toBe(0);
      await restore(before);
    }
    expect(completed).toBe(true);
    expect(failAt).toBeGreaterThan(20);
  }, 60_000);

  it("rolls a failing write batch back whole: neither rows nor watermark move", async () => {
    await addSurvey({ id: "atomic", metric: "csat" });
    await addResponses("atomic", sample(2, 10));
    const before = await snapshot();
    // A tick with one chunk runs: watermark read, change batch (3), survey read, source batch (2), write batch.
    const dying = new InstrumentedD1(env.DB, 8);
    await expect(runRollups(dying.binding, { now: TICK_TIME })).rejects.toThrow();
    expect(await snapshot()).toEqual(before);
  });
});
