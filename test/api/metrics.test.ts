import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { ScoringConfig } from "../../functions/scoring/summary";
import type { MetricsBody } from "../../functions/metrics/report";
import { api, errorOf } from "../helpers/api";
import { addInvitations, addResponses, addSurvey, tick, type FakeResponse } from "../helpers/rollup-data";

/** A small deterministic generator, so every run checks the same data. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const ZONE = "Europe/Amsterdam";
/** The local day of an instant, computed independently of the rollup's own day module. */
const dayIn = (ms: number, timeZone = ZONE) => new Date(ms).toLocaleDateString("sv-SE", { timeZone });

interface RawRow {
  score: number;
  status: string;
  created_at: number;
  properties: string;
}

async function rawRows(surveyId: string): Promise<RawRow[]> {
  const { results } = await env.DB.prepare(
    "SELECT r.score, r.status, r.created_at, i.properties FROM responses r JOIN invitations i ON i.id = r.invitation_id WHERE r.survey_id = ?1",
  )
    .bind(surveyId)
    .all<RawRow>();
  return results;
}

const CASES: (ScoringConfig & { label: string })[] = [
  { label: "csat 1–5 percent", metric: "csat", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent" },
  { label: "csat 1–7 percent", metric: "csat", scale: { min: 1, max: 7 }, satisfied_min: 6, headline: "percent" },
  { label: "csat 1–10 mean", metric: "csat", scale: { min: 1, max: 10 }, satisfied_min: 8, headline: "mean" },
  { label: "nps 0–10", metric: "nps", scale: { min: 0, max: 10 }, satisfied_min: 9, headline: "percent" },
  { label: "ces 1–7 mean", metric: "ces", scale: { min: 1, max: 7 }, satisfied_min: 5, headline: "mean" },
  { label: "ces 1–5 mean", metric: "ces", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "mean" },
  { label: "rating 1–5 percent", metric: "rating", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent" },
  { label: "intent 1–5 percent", metric: "intent", scale: { min: 1, max: 5 }, satisfied_min: 4, headline: "percent" },
];

/**
 * The expected numbers, computed here without the scoring engine: the answers are read back from D1
 * with the test's own SQL, bucketed by local day with Intl, and scored with the arithmetic below.
 */
const sumOf = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const countWhere = (scores: readonly number[], keep: (score: number) => boolean) => scores.filter(keep).length;

/** % scoring satisfied_min or more, NPS (% 9–10 minus % 0–6) or the mean, in the headline's units. */
function byHand(config: ScoringConfig, scores: readonly number[]): number | null {
  const n = scores.length;
  if (n === 0) return null;
  if (config.metric === "nps") return ((countWhere(scores, (s) => s >= 9) - countWhere(scores, (s) => s <= 6)) / n) * 100;
  if (config.headline === "percent") return (countWhere(scores, (s) => s >= config.satisfied_min) / n) * 100;
  return sumOf(scores) / n;
}

/** An interval that holds its own estimate and stays within what the headline can take. */
function expectBrackets(ci: readonly [number, number] | null, value: number | null, range: readonly [number, number]) {
  expect(value).not.toBeNull();
  expect(ci).not.toBeNull();
  const [lo, hi] = ci!;
  expect(lo).toBeLessThanOrEqual(value!);
  expect(hi).toBeGreaterThanOrEqual(value!);
  expect(lo).toBeGreaterThanOrEqual(range[0]);
  expect(hi).toBeLessThanOrEqual(range[1]);
}

/**
 * The Wilson interval of each percentage case's headline for the seeded data, from SciPy 1.17:
 * binomtest(good, n).proportion_ci(method="wilson"), with the counts the recount finds. The NPS, mean
 * and comparison intervals are not recomputed here (test/scoring pins those methods); this test only
 * checks that they hold their own estimate and stay within range.
 */
const WILSON: Record<string, { good: number; n: number; ci: [number, number] }> = {
  m0: { good: 119, n: 263, ci: [39.343170071088885, 51.287970940323845] },
  m1: { good: 87, n: 269, ci: [27.034508147695252, 38.146736517019704] },
  m6: { good: 107, n: 255, ci: [36.06698278011165, 48.09320539577028] },
  m7: { good: 127, n: 296, ci: [37.39339830111583, 48.599199198512764] },
};

describe.each(CASES.map((c, i) => ({ ...c, id: `m${i}` })))("metrics for $label", (config) => {
  it("equal an independent recount of the raw responses", async () => {
    await addSurvey({
      id: config.id,
      metric: config.metric,
      scale: config.scale,
      satisfied_min: config.satisfied_min,
      headline: config.headline,
      timezone: ZONE,
      segments: ["team"],
      ...(config.metric === "rating" ? { attribute: "delivery speed" } : {}),
    });
    const next = random(config.id.charCodeAt(1) * 7919);
    const span = config.scale.max - config.scale.min + 1;
    const start = Date.UTC(2026, 2, 20); // across the DST change of 29 March
    const responses: FakeResponse[] = Array.from({ length: 400 }, () => {
      const variant = next() < 0.5 ? "A" : "B";
      // Variant B scores a little higher, so the comparison has something to find.
      const score = Math.min(config.scale.max, config.scale.min + Math.floor(next() * span) + (variant === "B" && next() < 0.3 ? 1 : 0));
      const roll = next();
      return {
        at: start + Math.floor(next() * 20 * 86_400_000),
        score,
        status: roll < 0.08 ? "suspected" : roll < 0.1 ? "excluded" : "counted",
        comment: next() < 0.2 ? "<script>alert(1)</script>" : null,
        properties: { variant, channel: next() < 0.6 ? "email" : "sms", ...(next() < 0.9 ? { team: `t${Math.floor(next() * 3)}` } : {}) },
      };
    });
    await addResponses(config.id, responses);
    await addInvitations(config.id, [{ at: start + 86_400_000 }, { at: start + 2 * 86_400_000 }]);
    await tick();

    const from = "2026-03-22";
    const to = "2026-04-05";
    const response = await api("GET", `/api/v1/surveys/${config.id}/metrics?from=${from}&to=${to}&granularity=week&group_by=team&compare=variant`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as MetricsBody;

    const counted = (await rawRows(config.id)).filter((r) => r.status === "counted" && dayIn(r.created_at) >= from && dayIn(r.created_at) <= to);
    const props = (r: RawRow) => JSON.parse(r.properties) as Record<string, string>;
    const scores = counted.map((r) => r.score);
    const n = scores.length;
    const range: [number, number] = config.metric === "nps" ? [-100, 100] : config.headline === "percent" ? [0, 100] : [config.scale.min, config.scale.max];
    const side = (variant: string) => counted.filter((r) => props(r).variant === variant).map((r) => r.score);

    expect(body.headline).toMatchObject({ metric: config.metric, n, low_confidence: n < 30 });
    expect(body.headline.value).toBeCloseTo(byHand(config, scores)!, 9);
    const wilson = WILSON[config.id];
    if (wilson) {
      expect({ good: countWhere(scores, (s) => s >= config.satisfied_min), n }).toEqual({ good: wilson.good, n: wilson.n });
      expect(body.headline.ci?.[0]).toBeCloseTo(wilson.ci[0], 8);
      expect(body.headline.ci?.[1]).toBeCloseTo(wilson.ci[1], 8);
    }
    expectBrackets(body.headline.ci, body.headline.value, range);

    const scaleScores = Array.from({ length: span }, (_, i) => config.scale.min + i);
    expect(body.distribution.map((b) => [b.score, b.count])).toEqual(scaleScores.map((score) => [score, countWhere(scores, (s) => s === score)]));
    for (const bin of body.distribution) expect(bin.percent).toBeCloseTo((bin.count / n) * 100, 9);
    const mean = sumOf(scores) / n;
    expect(body.mean).toBeCloseTo(mean, 9);
    expect(body.index.value).toBeCloseTo(((mean - config.scale.min) / (config.scale.max - config.scale.min)) * 100, 9);
    if (config.metric === "nps") {
      const promoters = countWhere(scores, (s) => s >= 9);
      const detractors = countWhere(scores, (s) => s <= 6);
      expect(body.nps_split).toMatchObject({
        promoters: { count: promoters },
        passives: { count: n - promoters - detractors },
        detractors: { count: detractors },
      });
      expect(body.nps_split?.promoters.percent).toBeCloseTo((promoters / n) * 100, 9);
    } else {
      expect(body.nps_split).toBeNull();
    }

    // Weeks start on Monday 2026-03-16, 23 and 30; the first and last are clipped to the range.
    const weekOf = (day: string) => (day < "2026-03-23" ? "2026-03-16" : day < "2026-03-30" ? "2026-03-23" : "2026-03-30");
    expect(body.series.map((p) => p.period)).toEqual(["2026-03-16", "2026-03-23", "2026-03-30"]);
    for (const point of body.series) {
      const week = counted.filter((r) => weekOf(dayIn(r.created_at)) === point.period).map((r) => r.score);
      expect(point.n).toBe(week.length);
      expect(point.value).toBeCloseTo(byHand(config, week)!, 9);
      expectBrackets(point.ci, point.value, range);
    }

    const teams = [...new Set(counted.map((r) => props(r).team ?? null))];
    expect((body.groups ?? []).map((g) => g.group).sort()).toEqual(teams.sort());
    for (const group of body.groups ?? []) {
      const members = counted.filter((r) => (props(r).team ?? null) === group.group).map((r) => r.score);
      expect(group.n).toBe(members.length);
      expect(group.value).toBeCloseTo(byHand(config, members)!, 9);
      expectBrackets(group.ci, group.value, range);
    }

    expect(body.comparison).toMatchObject({ against: "variant", a: { label: "A", n: side("A").length }, b: { label: "B", n: side("B").length } });
    expect(body.comparison?.difference).toBeCloseTo(byHand(config, side("B"))! - byHand(config, side("A"))!, 9);
    const width = range[1] - range[0];
    expectBrackets(body.comparison?.ci ?? null, body.comparison?.difference ?? null, [-width, width]);
    expect(body.comparison?.p_value).toBeGreaterThanOrEqual(0);
    expect(body.comparison?.p_value).toBeLessThanOrEqual(1);
    expect(body.comparison?.significant).toBe(body.comparison!.p_value! < 0.05);

    // The rate is a cohort's: the range's invitations (answers ingested without one made none), and of those the answered.
    const { sent, answered } = (await env.DB.prepare(
      `SELECT COUNT(*) AS sent, COALESCE(SUM(EXISTS (SELECT 1 FROM responses r WHERE r.invitation_id = i.id AND r.status = 'counted')), 0) AS answered
       FROM invitations i WHERE survey_id = ?1 AND ingested = 0 AND created_at >= ?2 AND created_at < ?3`,
    )
      .bind(config.id, Date.parse("2026-03-22T00:00:00+01:00"), Date.parse("2026-04-06T00:00:00+02:00"))
      .first<{ sent: number; answered: number }>())!;
    expect(body.response_rate).toMatchObject({ responses: n, invitations: sent, answered });
    expect(body.response_rate.percent).toBeCloseTo((answered / sent) * 100, 9);
  });
});

describe("GET /api/v1/surveys/{id}/metrics", () => {
  it("compares with the previous period of equal length", async () => {
    await addSurvey({ id: "prev", metric: "csat", timezone: "UTC" });
    const day = (d: number) => Date.UTC(2026, 4, d, 12);
    await addResponses("prev", [
      ...Array.from({ length: 40 }, (_, i) => ({ at: day(1 + (i % 7)), score: i % 4 === 0 ? 2 : 5 })),
      ...Array.from({ length: 40 }, (_, i) => ({ at: day(8 + (i % 7)), score: i % 2 === 0 ? 2 : 5 })),
    ]);
    await tick();
    const body = (await (await api("GET", "/api/v1/surveys/prev/metrics?from=2026-05-08&to=2026-05-14&compare=previous")).json()) as MetricsBody;
    expect(body.comparison).toMatchObject({ against: "previous", a: { from: "2026-05-01", to: "2026-05-07", value: 75, n: 40 }, b: { value: 50, n: 40 } });
    expect(body.comparison?.difference).toBeCloseTo(-25, 10);
    expect(body.comparison?.significant).toBe(true);
    expect(body.series).toHaveLength(7);
  });

  it("reports the target's verdict against the line over the same days, the line starting from the first answer", async () => {
    // Created half a year before its first answer: the line must not start on the creation day.
    await addSurvey({ id: "goal", metric: "csat", timezone: "UTC", target: { value: 90, by: "2026-12-31" } }, Date.UTC(2025, 5, 1));
    await addResponses("goal", [
      ...Array.from({ length: 50 }, (_, i) => ({ at: Date.UTC(2026, 0, 2 + (i % 20)), score: i % 2 ? 5 : 2 })), // starts at 50%
      ...Array.from({ length: 50 }, (_, i) => ({ at: Date.UTC(2026, 6, 2 + (i % 20)), score: i % 5 ? 5 : 2 })), // 80% in July
    ]);
    await tick();
    const body = (await (await api("GET", "/api/v1/surveys/goal/metrics?from=2026-07-01&to=2026-07-31")).json()) as MetricsBody;
    // First answer 2026-01-02: the baseline 2026-01-02 – 2026-01-31 holds the 50 January answers (50%),
    // and the line starts on its 15th day, 2026-01-16. July's answers fall on 2–21 July; the line at
    // each answer's day, averaged by hand: 70.1146%. July has 80% over 50 answers: on track.
    expect(body.target).toMatchObject({ value: 90, by: "2026-12-31", start: { value: 50, date: "2026-01-16" }, verdict: "on_track" });
    expect(body.target?.expected).toBeCloseTo(70.1146, 3);
    expect(body.target?.gap).toBeCloseTo(9.8854, 3);
    expect(body.target?.reason).toMatch(/^CSAT 80% over 2026-07-01 – 2026-07-31 \(50 answers\); the line is at 70% for those days; the headline is at or above it \(interval \d+–\d+%\)\.$/);
    // The same answers asked about over a longer range keep their verdict.
    const longer = (await (await api("GET", "/api/v1/surveys/goal/metrics?from=2026-05-03&to=2026-07-31")).json()) as MetricsBody;
    expect(longer.target).toMatchObject({ verdict: "on_track" });
    expect(longer.target?.expected).toBeCloseTo(70.1146, 3);
  });

  it("defaults to the last 90 days ending today in the survey's zone, by day", async () => {
    await addSurvey({ id: "defaults", metric: "nps", timezone: "Pacific/Kiritimati" });
    const body = (await (await api("GET", "/api/v1/surveys/defaults/metrics")).json()) as MetricsBody;
    expect(body.to).toBe(dayIn(Date.now(), "Pacific/Kiritimati"));
    expect(body.series).toHaveLength(90);
    expect(body.series[0]?.from).toBe(body.from);
    expect(body.headline).toMatchObject({ value: null, ci: null, n: 0, low_confidence: true });
    expect(body.response_rate).toEqual({ percent: null, responses: 0, invitations: 0, answered: 0 });
  });

  describe("validation", () => {
    beforeAll(() => addSurvey({ id: "strict", metric: "csat", segments: ["agent"] }));

    it.each([
      ["from=2026-02-30", "from"],
      ["from=26-01-01", "from"],
      ["to=yesterday", "to"],
      ["from=2026-05-02&to=2026-05-01", "from"],
      ["to=2026-05-01&from=2026-05-02", "from"],
      ["from=2020-01-01&to=2026-01-01", "from"],
      ["granularity=hour", "granularity"],
      ["group_by=email", "group_by"],
      ["group_by=all", "group_by"],
      ["compare=segment", "compare"],
      ["from=2026-01-01&from=2026-01-02", "from"],
    ])("refuses %s with a 400 naming %s", async (query, field) => {
      const response = await api("GET", `/api/v1/surveys/strict/metrics?${query}`);
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: "invalid_query", field });
    });
  });

  it("accepts the survey's own segment keys for group_by and answers 404 for an unknown survey", async () => {
    await addSurvey({ id: "segmented", metric: "csat", segments: ["agent"] });
    expect((await api("GET", "/api/v1/surveys/segmented/metrics?group_by=agent")).status).toBe(200);
    expect((await api("GET", "/api/v1/surveys/segmented/metrics?group_by=country&granularity=month&compare=previous")).status).toBe(200);
    expect((await api("GET", "/api/v1/surveys/nobody/metrics")).status).toBe(404);
  });
});
