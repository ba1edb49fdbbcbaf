import { beforeAll, describe, expect, it } from "vitest";
import { api, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";

/**
 * The edges of the API's calendar (functions/http/time.ts: 2000-01-01 to 2999-12-31). Days and
 * date-times beyond it used to reach the day arithmetic and answer 500 (to=9999-12-31 rolled into
 * year 10000); every day or date-time parameter and field now answers 400 naming itself, and the
 * edges themselves are taken.
 */

const SURVEY = "calendar-edges";
// A Kiritimati day starts 14 hours before UTC's, so the first day's first instant lies before 2000-01-01T00:00Z.
const FAR_EAST = "calendar-far-east";

const OUTSIDE_DAYS = ["9999-12-31", "0000-01-01", "1999-12-31", "3000-01-01"];
const OUTSIDE_TIMES = ["9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "1999-12-31T23:59:59.999Z", "2000-01-01T00:30:00+01:00", "3000-01-01T00:00:00Z", "2999-12-31T23:30:00-01:00"];
const EDGE_DAYS = ["2000-01-01", "2999-12-31"];
const EDGE_TIMES = ["2000-01-01T00:00:00Z", "2999-12-31T23:59:59.999Z", "2000-01-01T01:00:00+01:00"];

async function expectRefused(response: Response, code: string, field: string): Promise<void> {
  expect(response.status).toBe(400);
  const error = await errorOf(response);
  expect(error).toMatchObject({ code, field });
  expect(error.message.startsWith(`${field}: `)).toBe(true);
}

beforeAll(async () => {
  await createSurvey(SURVEY, { timezone: "Europe/Amsterdam" });
  await createSurvey(FAR_EAST, { timezone: "Pacific/Kiritimati" });
});

describe("metrics from and to", () => {
  it.each(["from", "to"])("refuse days outside the calendar and date-times in %s", async (name) => {
    for (const day of [...OUTSIDE_DAYS, "2026-02-30", "2026-03-05T00:00:00Z"]) {
      const response = await api("GET", `/api/v1/surveys/${SURVEY}/metrics?${name}=${encodeURIComponent(day)}`);
      await expectRefused(response, "invalid_query", name);
    }
    const outside = await errorOf(await api("GET", `/api/v1/surveys/${SURVEY}/metrics?${name}=9999-12-31`));
    expect(outside.message).toBe(`${name}: must lie between 2000-01-01 and 2999-12-31.`);
  });

  it("answer at the edges, with the periods before and after them", async () => {
    for (const query of ["to=2999-12-31", "from=2999-12-31", "from=2999-10-01&to=2999-12-31&compare=previous", "from=2000-01-01&to=2000-01-31&compare=previous", "to=2000-01-01"]) {
      for (const survey of [SURVEY, FAR_EAST]) {
        const response = await api("GET", `/api/v1/surveys/${survey}/metrics?${query}&granularity=month`);
        expect(response.status, `${survey}?${query}: ${await response.clone().text()}`).toBe(200);
      }
    }
  });
});

describe("export from and to", () => {
  const exportWith = (query: string, survey = SURVEY) => api("GET", `/api/v1/surveys/${survey}/responses?format=csv&${query}`);

  it.each(["from", "to"])("refuse days and date-times outside the calendar in %s", async (name) => {
    for (const moment of [...OUTSIDE_DAYS, ...OUTSIDE_TIMES]) await expectRefused(await exportWith(`${name}=${encodeURIComponent(moment)}`), "invalid_query", name);
  });

  it("take the edges", async () => {
    for (const survey of [SURVEY, FAR_EAST]) {
      for (const query of [`from=${EDGE_DAYS[0]}&to=${EDGE_DAYS[1]}`, `from=${encodeURIComponent(EDGE_TIMES[0]!)}&to=${encodeURIComponent(EDGE_TIMES[1]!)}`]) {
        const response = await exportWith(query, survey);
        expect(response.status, query).toBe(200);
        await response.text();
      }
    }
  });
});

describe("annotations", () => {
  const post = (at: string, survey = SURVEY) => api("POST", `/api/v1/surveys/${survey}/annotations`, { body: { at, label: `At ${at}` } });

  it("refuse an `at` outside the calendar", async () => {
    for (const at of [...OUTSIDE_DAYS, ...OUTSIDE_TIMES]) await expectRefused(await post(at), "invalid_field", "at");
  });

  it("take an `at` at the edges", async () => {
    for (const survey of [SURVEY, FAR_EAST]) {
      for (const at of [...EDGE_DAYS, ...EDGE_TIMES]) expect((await post(at, survey)).status, `${survey} ${at}`).toBe(201);
    }
  });

  it.each(["from", "to"])("refuse %s outside the calendar, and list up to its edges", async (name) => {
    for (const moment of [...OUTSIDE_DAYS, ...OUTSIDE_TIMES]) {
      await expectRefused(await api("GET", `/api/v1/surveys/${SURVEY}/annotations?${name}=${encodeURIComponent(moment)}`), "invalid_query", name);
    }
    const edges = await api("GET", `/api/v1/surveys/${FAR_EAST}/annotations?from=2000-01-01&to=2999-12-31`);
    expect(edges.status).toBe(200);
    const listed = ((await edges.json()) as { annotations: { day: string }[] }).annotations.map((a) => a.day);
    expect(listed).toContain("2000-01-01");
    expect(listed).toContain("2999-12-31");
  });
});

describe("ingested responded_at", () => {
  const ingest = (respondedAt: string) =>
    api("POST", `/api/v1/surveys/${SURVEY}/responses`, {
      body: { recipient: "calendar", score: 4, responded_at: respondedAt },
      headers: { "idempotency-key": crypto.randomUUID() },
    });

  it("refuses times outside the calendar (and in the future) and days", async () => {
    for (const at of [...OUTSIDE_TIMES, "2999-12-31T23:59:59.999Z", ...OUTSIDE_DAYS, "2000-01-01"]) await expectRefused(await ingest(at), "invalid_field", "responded_at");
  });

  it("takes its first instant", async () => {
    const response = await ingest("2000-01-01T00:00:00Z");
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ created_at: "2000-01-01T00:00:00.000Z" });
  });
});

describe("a survey's target.by", () => {
  const target = (by: string) => ({ value: 80, by });

  it("refuses days outside the calendar on create and on change", async () => {
    for (const by of [...OUTSIDE_DAYS, "2026-02-30", "2026-03-05T00:00:00Z"]) {
      await expectRefused(await api("POST", "/api/v1/surveys", { body: { id: "calendar-target", name: "T", metric: "csat", target: target(by) } }), "invalid_field", "target.by");
      await expectRefused(await api("PATCH", `/api/v1/surveys/${SURVEY}`, { body: { target: target(by) } }), "invalid_field", "target.by");
    }
  });

  it("takes the edges, and metrics answer with them", async () => {
    for (const by of EDGE_DAYS) {
      expect((await api("PATCH", `/api/v1/surveys/${SURVEY}`, { body: { target: target(by) } })).status).toBe(200);
      const metrics = await api("GET", `/api/v1/surveys/${SURVEY}/metrics`);
      expect(metrics.status, await metrics.clone().text()).toBe(200);
      expect(await metrics.json()).toMatchObject({ target: { by } });
    }
  });
});
