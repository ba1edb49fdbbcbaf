import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";
import { invite, responseOf, visit } from "../helpers/respondent";
import { tick } from "../helpers/rollup-data";
import { env } from "cloudflare:test";

/**
 * /v1/metrics: Delighted's fields over whole local days of the survey's zone, equal to Tapscore's own
 * metrics API for the same days and to the numbers worked out by hand. Answers are made by POST (dated)
 * and by real taps (today), rolled up by the cron.
 */

const ZONE = "Europe/Amsterdam";
const unix = (iso: string) => Date.parse(iso) / 1000;
/** Today in the survey's zone, worked out with Intl rather than the rollup's day module. */
const todayThere = () => new Date().toLocaleDateString("sv-SE", { timeZone: ZONE });
const daysBefore = (day: string, count: number) => new Date(Date.parse(`${day}T00:00:00Z`) - count * 86_400_000).toISOString().slice(0, 10);

interface TapscoreMetrics {
  headline: { value: number | null; n: number };
  mean: number | null;
  good: { count: number; percent: number | null };
  nps_split: Record<"promoters" | "passives" | "detractors", { count: number; percent: number | null }> | null;
}

async function newSurvey(id: string, metric: string): Promise<string> {
  const created = await api("POST", "/api/v1/surveys", { body: { id, name: `Survey ${id}`, metric, timezone: ZONE } });
  expect(created.status).toBe(201);
  const person = await api("POST", "/api/v1/people", { body: { recipient: `${id}-person`, email: `${id}@example.com` } });
  expect([200, 201]).toContain(person.status);
  return delightedKey(id);
}

async function answer(key: string, person: string, score: number, at: string): Promise<void> {
  const response = await delighted(key, "POST", "/v1/survey_responses", { json: { person, score, created_at: unix(at) } });
  expect(response.status).toBe(201);
}

async function metrics(key: string, query = ""): Promise<Record<string, number | null>> {
  const response = await delighted(key, "GET", `/v1/metrics${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, number | null>;
}

async function tapscore(survey: string, from: string, to: string): Promise<TapscoreMetrics> {
  const response = await api("GET", `/api/v1/surveys/${survey}/metrics?from=${from}&to=${to}`);
  expect(response.status).toBe(200);
  return (await response.json()) as TapscoreMetrics;
}

/** The rollup, through the cron, late enough for every answer to have settled. */
const rollUp = () => tick(env.DB, Date.now() + 10 * 60_000);

describe("an NPS survey", () => {
  const SURVEY = "dm-nps";
  const PERSON = `${SURVEY}-person`;
  let key: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY, "nps");
    // 20 November 2025 in Amsterdam (UTC+1) runs from 19 Nov 23:00Z to 20 Nov 23:00Z.
    await answer(key, PERSON, 9, "2025-11-19T23:30:00Z");
    await answer(key, PERSON, 10, "2025-11-20T09:00:00Z");
    await answer(key, PERSON, 9, "2025-11-20T10:00:00Z");
    await answer(key, PERSON, 7, "2025-11-20T12:00:00Z");
    await answer(key, PERSON, 3, "2025-11-20T15:00:00Z");
    // Already 21 November there.
    await answer(key, PERSON, 0, "2025-11-20T23:30:00Z");
    // The first day of the default range, and the day before it.
    await answer(key, PERSON, 7, `${daysBefore(todayThere(), 29)}T11:00:00Z`);
    await answer(key, PERSON, 2, `${daysBefore(todayThere(), 30)}T11:00:00Z`);
    // Today: a person's tap counts, a scanner's does not.
    const { invitations } = await invite(SURVEY, [{ recipient: "dm-tapper" }, { recipient: "dm-scanned" }]);
    await visit(invitations[0]!.links["10"]!);
    expect((await responseOf(invitations[0]!.id))!.status).toBe("counted");
    await visit(invitations[1]!.links["0"]!, {}, { "user-agent": "python-requests/2.32" });
    expect((await responseOf(invitations[1]!.id))!.status).toBe("suspected");
    await rollUp();
  });

  it("answers Delighted's NPS fields for whole local days: 3 promoters, 1 passive, 1 detractor is 40", async () => {
    const day = await metrics(key, `?since=${unix("2025-11-20T12:00:00Z")}&until=${unix("2025-11-20T12:00:00Z")}`);
    expect(Object.keys(day).sort()).toEqual(
      ["detractor_count", "detractor_percent", "nps", "passive_count", "passive_percent", "promoter_count", "promoter_percent", "response_count"].sort(),
    );
    expect(day).toMatchObject({ promoter_count: 3, passive_count: 1, detractor_count: 1, response_count: 5 });
    expect(day.nps).toBeCloseTo(40, 10);
    expect(day.promoter_percent).toBeCloseTo(60, 10);
    expect(day.passive_percent).toBeCloseTo(20, 10);
    expect(day.detractor_percent).toBeCloseTo(20, 10);
  });

  it("is unrounded, and equal to GET /api/v1/surveys/{id}/metrics for the same days", async () => {
    const two = await metrics(key, `?since=${unix("2025-11-19T23:00:00Z")}&until=${unix("2025-11-21T22:59:59Z")}`);
    // 3 promoters, 1 passive, 2 detractors of 6: (3 − 2) / 6 = 16.666…, which Delighted showed as 17.
    expect(two).toMatchObject({ promoter_count: 3, passive_count: 1, detractor_count: 2, response_count: 6 });
    expect(two.nps).toBeCloseTo(100 / 6, 10);
    expect(two.detractor_percent).toBeCloseTo(100 / 3, 10);
    const theirs = await tapscore(SURVEY, "2025-11-20", "2025-11-21");
    expect(two).toEqual({
      nps: theirs.headline.value,
      promoter_count: theirs.nps_split!.promoters.count,
      promoter_percent: theirs.nps_split!.promoters.percent,
      passive_count: theirs.nps_split!.passives.count,
      passive_percent: theirs.nps_split!.passives.percent,
      detractor_count: theirs.nps_split!.detractors.count,
      detractor_percent: theirs.nps_split!.detractors.percent,
      response_count: theirs.headline.n,
    });
  });

  it("takes since's and until's days in the survey's zone", async () => {
    // 23:30 UTC on the 20th is already the 21st in Amsterdam: only the 0 given then.
    const late = await metrics(key, `?since=${unix("2025-11-20T23:30:00Z")}&until=${unix("2025-11-20T23:30:00Z")}`);
    expect(late).toMatchObject({ nps: -100, promoter_count: 0, passive_count: 0, detractor_count: 1, response_count: 1 });
  });

  it("covers the last 30 days by default: today's tap, not the scanner's, and the passive of 29 days ago", async () => {
    const today = todayThere();
    const recent = await metrics(key);
    expect(recent).toMatchObject({ nps: 50, promoter_count: 1, passive_count: 1, detractor_count: 0, response_count: 2 });
    const theirs = await tapscore(SURVEY, daysBefore(today, 29), today);
    expect(recent.nps).toBe(theirs.headline.value);
    expect(recent.response_count).toBe(theirs.headline.n);
    // 31 days back reaches nothing more here, and the range before November holds nothing.
    expect((await metrics(key, `?since=${unix("2025-10-01T12:00:00Z")}&until=${unix("2025-10-31T12:00:00Z")}`)).response_count).toBe(0);
    expect(await metrics(key, `?since=${unix("2025-10-01T12:00:00Z")}&until=${unix("2025-10-31T12:00:00Z")}`)).toMatchObject({ nps: null, promoter_percent: null });
  });

  it("refuses since after until with 422", async () => {
    const response = await delighted(key, "GET", `/v1/metrics?since=${unix("2025-11-21T12:00:00Z")}&until=${unix("2025-11-20T12:00:00Z")}`);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { since: ["must not be after until"] } });
  });
});

describe("a CSAT survey", () => {
  const SURVEY = "dm-csat";
  let key: string;

  beforeAll(async () => {
    key = await newSurvey(SURVEY, "csat");
    for (const score of [5, 4, 4, 2, 3]) await answer(key, `${SURVEY}-person`, score, "2025-11-10T12:00:00Z");
    await rollUp();
  });

  it("answers csat, satisfied and dissatisfied counts and shares, and the average, equal to Tapscore's", async () => {
    const day = await metrics(key, `?since=${unix("2025-11-10T00:00:00Z")}&until=${unix("2025-11-10T00:00:00Z")}`);
    // On 1–5 with satisfied from 4: 5, 4, 4 are satisfied; 2 and 3 are not.
    expect(day).toMatchObject({ satisfied_count: 3, dissatisfied_count: 2, response_count: 5 });
    expect(day.csat).toBeCloseTo(60, 10);
    expect(day.satisfied_percent).toBeCloseTo(60, 10);
    expect(day.dissatisfied_percent).toBeCloseTo(40, 10);
    expect(day.average_score).toBeCloseTo(3.6, 10);
    const theirs = await tapscore(SURVEY, "2025-11-10", "2025-11-10");
    expect(day.csat).toBe(theirs.good.percent);
    expect(day.satisfied_count).toBe(theirs.good.count);
    expect(day.average_score).toBe(theirs.mean);
    expect(day.response_count).toBe(theirs.headline.n);
  });
});

describe("segment values changed through PUT /v1/survey_responses", () => {
  const SURVEY = "dm-regroup";

  it("regroup the rollups: Tapscore's metrics by segment follow at the next tick", async () => {
    const created = await api("POST", "/api/v1/surveys", { body: { id: SURVEY, name: "Regroup", metric: "nps", timezone: ZONE, segments: ["plan"] } });
    expect(created.status).toBe(201);
    expect((await api("POST", "/api/v1/people", { body: { recipient: "dm-regroup-person" } })).status).toBeLessThan(300);
    const key = await delightedKey(SURVEY);
    const posted = await delighted(key, "POST", "/v1/survey_responses", {
      json: { person: "dm-regroup-person", score: 10, person_properties: { plan: "free" }, created_at: unix("2025-11-05T12:00:00Z") },
    });
    const { id } = (await posted.json()) as { id: string };
    await rollUp();
    const groups = async () => {
      const response = await api("GET", `/api/v1/surveys/${SURVEY}/metrics?from=2025-11-05&to=2025-11-05&group_by=plan`);
      return ((await response.json()) as { groups: { group: string | null; n: number }[] }).groups;
    };
    expect(await groups()).toEqual([expect.objectContaining({ group: "free", n: 1 })]);
    expect((await delighted(key, "PUT", `/v1/survey_responses/${id}`, { json: { person_properties: { plan: "pro" } } })).status).toBe(200);
    await rollUp();
    expect(await groups()).toEqual([expect.objectContaining({ group: "pro", n: 1 })]);
  });
});
