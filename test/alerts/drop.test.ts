import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkDrops } from "../../functions/alerts/drop-check";
import { completedWeek, weeklyHistograms, weeksUpTo } from "../../functions/alerts/drop-window";
import { api } from "../helpers/api";

const scale = { min: 1, max: 5 };

describe("the weeks tested", () => {
  it("tests the last completed ISO week, Monday to Sunday, never the running one", () => {
    // 2026-11-22 is a Sunday: its week is not over yet.
    expect(completedWeek("2026-11-22")).toEqual({ from: "2026-11-09", to: "2026-11-15" });
    expect(completedWeek("2026-11-23")).toEqual({ from: "2026-11-16", to: "2026-11-22" });
    expect(completedWeek("2026-11-18")).toEqual({ from: "2026-11-09", to: "2026-11-15" });
  });

  it("sums daily rows into consecutive weeks, oldest first", () => {
    const weeks = weeksUpTo({ from: "2026-11-16", to: "2026-11-22" }, 3);
    expect(weeks).toEqual([
      { from: "2026-11-02", to: "2026-11-08" },
      { from: "2026-11-09", to: "2026-11-15" },
      { from: "2026-11-16", to: "2026-11-22" },
    ]);
    const histograms = weeklyHistograms(scale, weeks, [
      { day: "2026-11-01", counts: [9, 9, 9, 9, 9] },
      { day: "2026-11-02", counts: [1, 0, 0, 0, 0] },
      { day: "2026-11-08", counts: [0, 1, 0, 0, 0] },
      { day: "2026-11-22", counts: [0, 0, 0, 0, 3] },
      { day: "2026-11-23", counts: [9, 9, 9, 9, 9] },
    ]);
    expect(histograms.map((w) => w.histogram.counts)).toEqual([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 3]]);
  });
});

describe("announcing a drop", () => {
  /** 20 weeks of daily rows up to Sunday 2026-11-22; the last week's days get `latestPerDay`. */
  async function seed(survey: string, baselinePerDay: number[], latestPerDay: number[]) {
    await api("POST", "/api/v1/surveys", { body: { id: survey, name: survey, metric: "csat" } });
    const statements = [];
    for (let i = 0; i < 140; i += 1) {
      const day = new Date(Date.parse("2026-07-06T00:00:00Z") + i * 86_400_000).toISOString().slice(0, 10);
      statements.push(
        env.DB.prepare("INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded) VALUES (?1, ?2, 'all', '', ?3, 0, 0, 0)").bind(
          survey,
          day,
          JSON.stringify(i < 133 ? baselinePerDay : latestPerDay),
        ),
      );
    }
    await env.DB.batch(statements);
  }

  it("queues one metric.drop delivery per week for a drop, saying what was compared, and none without one", async () => {
    // Monday 2026-11-23, noon UTC (the surveys' zone): the week 2026-11-16 – 2026-11-22 is complete.
    const now = Date.parse("2026-11-23T12:00:00Z");
    await seed("dropping", [0, 0, 1, 4, 5], [3, 3, 2, 1, 1]);
    await seed("steady", [0, 0, 1, 4, 5], [0, 0, 1, 4, 5]);
    const hook = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example/drops", events: ["metric.drop"] } });
    expect(hook.status).toBe(201);

    expect(await checkDrops(env, now)).toBe(1);
    expect(await checkDrops(env, now + 3_600_000)).toBe(1);
    const deliveries = await env.DB.prepare("SELECT survey_id, event, body FROM webhook_deliveries WHERE event = 'metric.drop'").all<{ survey_id: string; body: string }>();
    expect(deliveries.results.map((d) => d.survey_id)).toEqual(["dropping"]);
    // Last week 14 of 70 satisfied (20%) against the twelve weeks before: 756 of 840 (90%).
    expect(JSON.parse(deliveries.results[0]!.body)).toMatchObject({
      type: "metric.drop",
      data: {
        from: "2026-11-16",
        to: "2026-11-22",
        unit: "percent",
        method: "cusum",
        latest: { from: "2026-11-16", to: "2026-11-22", value: 20, n: 70 },
        baseline: { from: "2026-08-24", to: "2026-11-15", value: 90, n: 840 },
        delta: -70,
        reason: expect.stringMatching(/^CSAT 20% over 2026-11-16 – 2026-11-22 \(70 answers\) against 90% over 2026-08-24 – 2026-11-15 \(840 answers\): down 70 points, interval \d+ to \d+ points\.$/),
      },
    });
  });
});
