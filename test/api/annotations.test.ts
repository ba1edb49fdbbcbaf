import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";

interface AnnotationView {
  id: string;
  survey: string;
  at: string;
  day: string;
  label: string;
}

const post = (survey: string, body: unknown) => api("POST", `/api/v1/surveys/${survey}/annotations`, { body });
const list = async (survey: string, query = "") =>
  ((await (await api("GET", `/api/v1/surveys/${survey}/annotations${query}`)).json()) as { annotations: AnnotationView[] }).annotations;

beforeAll(async () => {
  await createSurvey("annotated", { timezone: "Europe/Amsterdam" });
});

describe("annotations", () => {
  it("take a day as the start of that local day, and a date-time with its zone", async () => {
    const day = await post("annotated", { at: "2026-03-01", label: "  New webshop software released  " });
    expect(day.status).toBe(201);
    const created = (await day.json()) as AnnotationView;
    expect(created).toMatchObject({ survey: "annotated", at: "2026-02-28T23:00:00.000Z", day: "2026-03-01", label: "New webshop software released" });
    expect(created.id).toMatch(/^ann_[0-9a-f]{20}$/);
    expect(day.headers.get("location")).toBe(`/api/v1/surveys/annotated/annotations/${created.id}`);

    const moment = (await (await post("annotated", { at: "2026-03-29T01:30:00+01:00", label: "Clocks change" })).json()) as AnnotationView;
    expect(moment).toMatchObject({ at: "2026-03-29T00:30:00.000Z", day: "2026-03-29" });
  });

  it("are idempotent: the same note posted again answers 200 with the same id and adds nothing", async () => {
    const first = (await (await post("annotated", { at: "2026-04-01", label: "Price change" })).json()) as AnnotationView;
    const again = await post("annotated", { at: "2026-04-01", label: "Price change" });
    expect(again.status).toBe(200);
    expect(((await again.json()) as AnnotationView).id).toBe(first.id);
    expect((await list("annotated")).filter((a) => a.label === "Price change")).toHaveLength(1);
    // Another label on the same day is another note.
    expect((await post("annotated", { at: "2026-04-01", label: "Price change, part two" })).status).toBe(201);
  });

  it("are listed in time order and filtered by local days, both ends included", async () => {
    await createSurvey("timeline", { timezone: "America/New_York" });
    for (const [at, label] of [["2026-05-03", "c"], ["2026-05-01", "a"], ["2026-05-02T23:30:00-04:00", "b"], ["2026-05-04", "d"]] as const) {
      expect((await post("timeline", { at, label })).status).toBe(201);
    }
    expect((await list("timeline")).map((a) => a.label)).toEqual(["a", "b", "c", "d"]);
    expect((await list("timeline", "?from=2026-05-02&to=2026-05-03")).map((a) => [a.label, a.day])).toEqual([
      ["b", "2026-05-02"],
      ["c", "2026-05-03"],
    ]);
    expect((await api("GET", "/api/v1/surveys/timeline/annotations?from=May")).status).toBe(400);
  });

  it("are deleted, once", async () => {
    const { id } = (await (await post("annotated", { at: "2026-06-01", label: "Temporary" })).json()) as AnnotationView;
    expect((await api("DELETE", `/api/v1/surveys/annotated/annotations/${id}`)).status).toBe(204);
    expect((await api("DELETE", `/api/v1/surveys/annotated/annotations/${id}`)).status).toBe(404);
    expect((await list("annotated")).map((a) => a.id)).not.toContain(id);
  });

  it.each([
    [{ label: "x" }, "at"],
    [{ at: "yesterday", label: "x" }, "at"],
    [{ at: "2026-02-30", label: "x" }, "at"],
    [{ at: "2026-03-01T10:00:00", label: "x" }, "at"],
    [{ at: "2026-03-01", label: "" }, "label"],
    [{ at: "2026-03-01", label: "x".repeat(201) }, "label"],
    [{ at: "2026-03-01", label: "tab\there" }, "label"],
    [{ at: "2026-03-01", label: "x", colour: "red" }, "colour"],
  ])("refuses %j naming %s, and stores nothing", async (body, field) => {
    const before = (await list("annotated")).length;
    const response = await post("annotated", body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
    expect(await list("annotated")).toHaveLength(before);
  });

  it("belong to a survey: unknown surveys and other surveys' ids answer 404", async () => {
    expect((await post("no-such-survey", { at: "2026-03-01", label: "x" })).status).toBe(404);
    expect((await api("GET", "/api/v1/surveys/no-such-survey/annotations")).status).toBe(404);
    const { id } = (await (await post("annotated", { at: "2026-07-01", label: "Mine" })).json()) as AnnotationView;
    expect((await api("DELETE", `/api/v1/surveys/timeline/annotations/${id}`)).status).toBe(404);
  });

  it("are read with surveys:read and written with surveys:write", async () => {
    const reader = await createKey(["surveys:read"]);
    expect((await api("GET", "/api/v1/surveys/annotated/annotations", { token: reader })).status).toBe(200);
    expect((await api("POST", "/api/v1/surveys/annotated/annotations", { token: reader, body: { at: "2026-03-01", label: "x" } })).status).toBe(403);
    const writer = await createKey(["surveys:write"]);
    expect((await api("POST", "/api/v1/surveys/annotated/annotations", { token: writer, body: { at: "2026-08-01", label: "x" } })).status).toBe(201);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM annotations WHERE survey_id = 'annotated' AND label = 'x'").first("n")).toBe(1);
  });
});
