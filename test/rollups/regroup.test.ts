import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { rebuildRollups } from "../../functions/rollups/job";
import { api } from "../helpers/api";
import { TICK_TIME, addResponses, addSurvey, rollupRows, tick } from "../helpers/rollup-data";

const at = (iso: string) => Date.parse(iso);

describe("changing how a survey groups its answers", () => {
  it("regroups the rollups by the new time zone and segments within the next ticks", async () => {
    await addSurvey({ id: "regroup", metric: "csat", timezone: "UTC" });
    await addResponses("regroup", [
      // 23:30 UTC is the next day in Amsterdam; 01:30 UTC stays on the same day there.
      { at: at("2026-03-02T23:30:00Z"), score: 5, properties: { channel: "email", plan: "pro" } },
      { at: at("2026-03-03T01:30:00Z"), score: 2, properties: { channel: "sms", plan: "free" } },
      { at: at("2026-03-10T12:00:00Z"), score: 4, properties: { channel: "sms", plan: "pro" } },
    ]);
    await tick();
    const before = await rollupRows("regroup");
    expect(before.find((r) => r.day === "2026-03-02" && r.dimension === "all")).toMatchObject({ counts: "[0,0,0,0,1]" });
    expect(before.some((r) => r.dimension === "plan")).toBe(false);

    const patched = await api("PATCH", "/api/v1/surveys/regroup", { body: { timezone: "Europe/Amsterdam", segments: ["plan"] } });
    expect(patched.status).toBe(200);
    await tick();
    const after = await rollupRows("regroup");
    expect(after.find((r) => r.day === "2026-03-02")).toBeUndefined();
    expect(after.find((r) => r.day === "2026-03-03" && r.dimension === "all")).toMatchObject({ counts: "[0,1,0,0,1]" });
    expect(after.find((r) => r.day === "2026-03-03" && r.dimension === "plan" && r.value === "pro")).toMatchObject({ counts: "[0,0,0,0,1]" });

    await rebuildRollups(env.DB, { now: TICK_TIME });
    expect(await rollupRows("regroup")).toEqual(after);
  });

  it("leaves the rollups alone when nothing about grouping changes", async () => {
    await addSurvey({ id: "renamed", metric: "csat" });
    await addResponses("renamed", [{ at: at("2026-03-02T10:00:00Z"), score: 5 }]);
    await tick();
    const before = await rollupRows("renamed");
    await api("PATCH", "/api/v1/surveys/renamed", { body: { name: "A better name", public: true } });
    const touches = await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_touches WHERE survey_id = 'renamed'").first<{ n: number }>();
    expect(touches!.n).toBe(0);
    expect(await rollupRows("renamed")).toEqual(before);
  });
});
