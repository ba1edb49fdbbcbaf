import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { compareHistograms } from "../../functions/scoring/compare";
import { histogramFromScores } from "../../functions/scoring/histogram";
import { summarize, type ScoringConfig } from "../../functions/scoring/summary";
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

describe.each(CASES.map((c, i) => ({ ...c, id: `m${i}` })))("metrics for $label", (config) => {
  it("equal an independent computation over the raw responses", async () => {
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
    const expected = summarize(config, histogramFromScores(config.scale, counted.map((r) => r.score)));
    expect(body.headline).toEqual({
      metric: config.metric,
      unit: expected.headline.unit,
      value: expected.headline.value,
      ci: expected.headline.ci,
      n: expected.headline.n,
      low_confidence: expected.headline.low_confidence,
    });
    expect(body.distribution).toEqual(expected.distribution);
    expect(body.mean).toBe(expected.mean);
    expect(body.nps_split).toEqual(expected.nps_split);
    expect(body.index).toEqual(expected.index);

    // Weeks start on Monday 2026-03-16, 23 and 30; the first and last are clipped to the range.
    const weekOf = (day: string) => (day < "2026-03-23" ? "2026-03-16" : day < "2026-03-30" ? "2026-03-23" : "2026-03-30");
    expect(body.series.map((p) => p.period)).toEqual(["2026-03-16", "2026-03-23", "2026-03-30"]);
    for (const point of body.series) {
      const week = summarize(config, histogramFromScores(config.scale, counted.filter((r) => weekOf(dayIn(r.created_at)) === point.period).map((r) => r.score)));
      expect([point.value, point.ci, point.n]).toEqual([week.headline.value, week.headline.ci, week.headline.n]);
    }

    for (const group of body.groups ?? []) {
      const members = counted.filter((r) => (props(r).team ?? null) === group.group).map((r) => r.score);
      const h = summarize(config, histogramFromScores(config.scale, members)).headline;
      expect([group.value, group.ci, group.n]).toEqual([h.value, h.ci, h.n]);
    }
    expect((body.groups ?? []).reduce((total, g) => total + g.n, 0)).toBe(counted.length);

    const side = (variant: string) => histogramFromScores(config.scale, counted.filter((r) => props(r).variant === variant).map((r) => r.score));
    const comparison = compareHistograms(config, side("A"), side("B"));
    expect(body.comparison).toMatchObject({
      against: "variant",
      a: { label: "A", n: comparison.n_a },
      b: { label: "B", n: comparison.n_b },
      difference: comparison.difference,
      ci: comparison.ci,
      p_value: comparison.p_value,
      significant: comparison.significant,
    });

    const sent = (await env.DB.prepare("SELECT created_at FROM invitations WHERE survey_id = ?1").bind(config.id).all<{ created_at: number }>()).results.filter(
      (i) => dayIn(i.created_at) >= from && dayIn(i.created_at) <= to,
    ).length;
    expect(body.response_rate).toEqual({ percent: (counted.length / sent) * 100, responses: counted.length, invitations: sent });
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

  it("reports the target's glide path", async () => {
    await addSurvey({ id: "goal", metric: "csat", timezone: "UTC", target: { value: 90, by: "2026-12-31" } }, Date.UTC(2026, 0, 1));
    await addResponses("goal", [
      ...Array.from({ length: 50 }, (_, i) => ({ at: Date.UTC(2026, 0, 2 + (i % 20)), score: i % 2 ? 5 : 2 })), // starts at 50%
      ...Array.from({ length: 50 }, (_, i) => ({ at: Date.UTC(2026, 6, 2 + (i % 20)), score: i % 5 ? 5 : 2 })), // 80% in July
    ]);
    await tick();
    const body = (await (await api("GET", "/api/v1/surveys/goal/metrics?from=2026-07-01&to=2026-07-31")).json()) as MetricsBody;
    expect(body.target).toMatchObject({ value: 90, by: "2026-12-31", start: { value: 50, date: "2026-01-01" }, on_track: true });
    expect(body.target?.expected).toBeGreaterThan(50);
    expect(body.target?.expected).toBeLessThan(80);
  });

  it("defaults to the last 90 days ending today in the survey's zone, by day", async () => {
    await addSurvey({ id: "defaults", metric: "nps", timezone: "Pacific/Kiritimati" });
    const body = (await (await api("GET", "/api/v1/surveys/defaults/metrics")).json()) as MetricsBody;
    expect(body.to).toBe(dayIn(Date.now(), "Pacific/Kiritimati"));
    expect(body.series).toHaveLength(90);
    expect(body.series[0]?.from).toBe(body.from);
    expect(body.headline).toMatchObject({ value: null, ci: null, n: 0, low_confidence: true });
    expect(body.response_rate).toEqual({ percent: null, responses: 0, invitations: 0 });
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
