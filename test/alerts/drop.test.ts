import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkDrops } from "../../functions/alerts/drop-check";
import { dropWindow, weeklyHistograms } from "../../functions/alerts/drop-window";
import { api } from "../helpers/api";

const scale = { min: 1, max: 5 };

describe("the drop window", () => {
  it("tests the seven days before today against the four weeks before them", () => {
    expect(dropWindow("2026-11-22")).toEqual({ from: "2026-11-15", to: "2026-11-21", baselineFrom: "2026-10-18" });
  });

  it("sums daily rows into five weekly histograms, oldest first", () => {
    const window = dropWindow("2026-11-22");
    const weeks = weeklyHistograms(scale, window, [
      { day: "2026-10-18", counts: [1, 0, 0, 0, 0] },
      { day: "2026-10-24", counts: [0, 1, 0, 0, 0] },
      { day: "2026-11-21", counts: [0, 0, 0, 0, 3] },
      { day: "2026-11-22", counts: [9, 9, 9, 9, 9] },
    ]);
    expect(weeks.map((w) => w.counts)).toEqual([[1, 1, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 3]]);
  });
});

describe("announcing a drop", () => {
  async function seed(survey: string, baselinePerDay: number[], latestPerDay: number[], today: string) {
    await api("POST", "/api/v1/surveys", { body: { id: survey, name: survey, metric: "csat" } });
    const window = dropWindow(today);
    const statements = [];
    for (let i = 0; i < 35; i += 1) {
      const day = new Date(Date.parse(`${window.baselineFrom}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10);
      const counts = i < 28 ? baselinePerDay : latestPerDay;
      statements.push(
        env.DB.prepare("INSERT INTO rollup_days (survey_id, day, dimension, value, counts, invitations, comments, excluded) VALUES (?1, ?2, 'all', '', ?3, 0, 0, 0)").bind(
          survey,
          day,
          JSON.stringify(counts),
        ),
      );
    }
    await env.DB.batch(statements);
  }

  it("queues one metric.drop delivery per week for a significant drop, and none without one", async () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    await seed("dropping", [0, 0, 1, 4, 5], [3, 3, 2, 1, 1], "2026-11-22");
    await seed("steady", [0, 0, 1, 4, 5], [0, 0, 1, 4, 5], "2026-11-22");
    const hook = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example/drops", events: ["metric.drop"] } });
    expect(hook.status).toBe(201);

    expect(await checkDrops(env, now)).toBe(1);
    expect(await checkDrops(env, now)).toBe(1);
    const deliveries = await env.DB.prepare("SELECT survey_id, event, body FROM webhook_deliveries WHERE event = 'metric.drop'").all<{ survey_id: string; body: string }>();
    expect(deliveries.results.map((d) => d.survey_id)).toEqual(["dropping"]);
    expect(JSON.parse(deliveries.results[0]!.body)).toMatchObject({ type: "metric.drop" });
  });
});
