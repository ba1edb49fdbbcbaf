/**
 * compare=variant measures a variant against a baseline chosen explicitly — the query's baseline, the
 * survey's control_variant, a variant named "control", else one named "A" — never by name order, and
 * the answer names both. Without a rule that picks one, the API answers 400 and says what to pass.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { MetricsBody } from "../../functions/metrics/report";
import { api, errorOf } from "../helpers/api";
import { addResponses, addSurvey, tick, type FakeResponse } from "../helpers/rollup-data";

const DAY = Date.UTC(2026, 4, 12, 12);
const RANGE = "from=2026-05-10&to=2026-05-16";

/** n answers of one variant, `satisfied` of them a 5 and the rest a 2 (CSAT 1–5: 4–5 is satisfied). */
function answers(variant: string, n: number, satisfied: number): FakeResponse[] {
  return Array.from({ length: n }, (_, i) => ({ at: DAY + i * 60_000, score: i < satisfied ? 5 : 2, properties: { variant } }));
}

async function metrics(survey: string, query: string): Promise<Response> {
  return api("GET", `/api/v1/surveys/${survey}/metrics?${RANGE}&${query}`);
}

async function comparison(survey: string, query: string) {
  const response = await metrics(survey, query);
  expect(response.status).toBe(200);
  return ((await response.json()) as MetricsBody).comparison;
}

describe("the A/B baseline", () => {
  beforeAll(async () => {
    // "new" sorts before "old": name order would make the new variant the baseline.
    await addSurvey({ id: "ab-old-new", metric: "csat", timezone: "UTC" });
    await addResponses("ab-old-new", [...answers("old", 40, 20), ...answers("new", 40, 32)]);
    // "v10" sorts before "v2", and "control" is there too.
    await addSurvey({ id: "ab-control", metric: "csat", timezone: "UTC" });
    await addResponses("ab-control", [...answers("v10", 30, 15), ...answers("control", 30, 15), ...answers("v2", 30, 25)]);
    await addSurvey({ id: "ab-letters", metric: "csat", timezone: "UTC" });
    await addResponses("ab-letters", [...answers("B", 20, 10), ...answers("A", 20, 10)]);
    await tick();
  });

  it("asks for a baseline when the variants name none", async () => {
    const response = await metrics("ab-old-new", "compare=variant");
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: "invalid_query", field: "baseline" });
    expect(error.message).toContain("baseline=");
    expect(error.message).toContain("control_variant");
  });

  it("takes the query's baseline and compares the other variant with it", async () => {
    // old 20/40 = 50%, new 32/40 = 80%: new − old = +30 points. Pooled p = 52/80 = 0.65,
    // SE = √(0.65 · 0.35 · 2/40) = 0.106654, z = 2.812843, p = 0.0049106.
    const c = await comparison("ab-old-new", "compare=variant&baseline=old");
    expect(c).toMatchObject({
      against: "variant",
      baseline: "old",
      baseline_from: "query",
      variant: "new",
      a: { label: "old", value: 50, n: 40 },
      b: { label: "new", value: 80, n: 40 },
      others: [],
      significant: true,
    });
    expect(c?.difference).toBeCloseTo(30, 10);
    expect(c?.p_value).toBeCloseTo(0.004910556162172648, 12);
  });

  it("uses the survey's control_variant, and a query's baseline overrides it", async () => {
    const patched = await api("PATCH", "/api/v1/surveys/ab-old-new", { body: { control_variant: "old" } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ control_variant: "old" });
    expect(await comparison("ab-old-new", "compare=variant")).toMatchObject({ baseline: "old", baseline_from: "survey", variant: "new" });
    const reversed = await comparison("ab-old-new", "compare=variant&baseline=new");
    expect(reversed).toMatchObject({ baseline: "new", baseline_from: "query", variant: "old", a: { label: "new" }, b: { label: "old" } });
    expect(reversed?.difference).toBeCloseTo(-30, 10);
  });

  it('takes a variant named "control", and asks which variant to compare when there are several', async () => {
    const response = await metrics("ab-control", "compare=variant");
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_query", field: "variant" });
    const c = await comparison("ab-control", "compare=variant&variant=v2");
    expect(c).toMatchObject({ baseline: "control", baseline_from: "name", variant: "v2", a: { label: "control", value: 50 }, b: { label: "v2" }, others: ["v10"] });
    expect(c?.difference).toBeCloseTo((25 / 30) * 100 - 50, 10);
  });

  it('takes a variant named "A" when there is no "control"', async () => {
    expect(await comparison("ab-letters", "compare=variant")).toMatchObject({ baseline: "A", baseline_from: "name", variant: "B", difference: 0, p_value: 1 });
  });

  it.each([
    ["compare=variant&baseline=nope", "baseline"],
    ["compare=variant&baseline=old&variant=old", "variant"],
    ["compare=variant&baseline=old&variant=gone", "variant"],
    ["baseline=old", "baseline"],
    ["compare=previous&variant=new", "variant"],
  ])("refuses %s with a 400 naming %s", async (query, field) => {
    const response = await metrics("ab-old-new", query);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: "invalid_query", field });
  });
});

describe("the control_variant setting", () => {
  it("is null by default, set on create, cleared with null, and checked", async () => {
    const created = await api("POST", "/api/v1/surveys", { body: { id: "ab-setting", name: "A/B", metric: "nps" } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ control_variant: null });
    const set = await api("POST", "/api/v1/surveys", { body: { id: "ab-setting-2", name: "A/B", metric: "nps", control_variant: "baseline" } });
    expect(await set.json()).toMatchObject({ control_variant: "baseline" });
    const cleared = await api("PATCH", "/api/v1/surveys/ab-setting-2", { body: { control_variant: null } });
    expect(await cleared.json()).toMatchObject({ control_variant: null });
    const wrong = await api("PATCH", "/api/v1/surveys/ab-setting", { body: { control_variant: 7 } });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({ field: "control_variant" });
  });
});
