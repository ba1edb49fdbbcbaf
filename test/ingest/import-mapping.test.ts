import { parse } from "csv-parse/browser/esm/sync";
import { describe, expect, it } from "vitest";
import delightedCsv from "../fixtures/delighted-export.csv?raw";
import facts from "../fixtures/delighted-export.json";
import {
  PRESETS,
  detectPreset,
  mapRow,
  parseMap,
  parseTimestamp,
  planImport,
  resolveColumns,
  snakeCase,
} from "../../scripts/lib/import-mapping";
import { parseIngestInput } from "../../functions/ingest/input";

const NPS = { scale: { min: 0, max: 10 }, propertyKeys: ["touchpoint", "country", "channel", "variant", "plan"] };
const records = parse(delightedCsv, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
const [header, ...rows] = records as [string[], ...string[][]];
const noId = () => {
  throw new Error("every fixture row has an id");
};


describe("the Delighted preset on a Delighted-style export", () => {
  const columns = resolveColumns(header, PRESETS[detectPreset(header)], parseMap(""), NPS);

  it("is detected from the header and finds every column", () => {
    expect(detectPreset(header)).toBe("delighted");
    const named = Object.fromEntries(Object.entries(columns.fields).map(([field, at]) => [field, header[at]]));
    expect(named).toEqual({ id: "Response ID", score: "Score", comment: "Comment", recipient: "Person ID", email: "Email", responded_at: "Response Timestamp" });
    expect(Object.fromEntries(Object.entries(columns.properties).map(([key, at]) => [key, header[at]]))).toEqual({ country: "Country", plan: "Plan" });
    expect(columns.ignored).toEqual(["Name", "Delighted Source"]);
  });

  it("takes exactly the valid rows and reproduces the fixture's score counts", () => {
    const plan = planImport(rows, columns, NPS, noId);
    const counts = Array.from({ length: 11 }, (_, score) => plan.rows.filter((r) => r.body.score === score).length);
    expect(counts).toEqual(facts.counts);
    expect(plan.rows).toHaveLength(facts.taken);
    expect(rows).toHaveLength(facts.rows);
  });

  it("refuses the broken rows with a reason each", () => {
    const plan = planImport(rows, columns, NPS, noId);
    const byReason = Object.fromEntries([...plan.refused].map(([reason, lines]) => [reason, lines.length]));
    expect(byReason).toEqual({
      "missing score": 3,
      "score is not a whole number": 3,
      "score not on the survey's scale 0–10": 1,
      "response time is not a date": 2,
      "missing person id or email": 2,
      "comment longer than 2000 characters": 1,
      "country is not an ISO 3166 code such as NL": 1,
      "the same response id appears earlier in the file": 1,
    });
  });

  it("keeps non-ASCII comments, quotes and line breaks as written", () => {
    const comments = planImport(rows, columns, NPS, noId).rows.map((r) => r.body.comment);
    expect(comments).toContain("Väldigt nöjd – très bien, Zürich, 日本");
    expect(comments).toContain('They said "next week", it came today');
    expect(comments).toContain("Prima service\nmaar de app is traag");
    expect(comments).toContain("=not a formula, just enthusiasm");
  });

  it("produces bodies the ingestion API accepts as they are", () => {
    const survey = { scale: NPS.scale, segments: ["plan"], touchpoint: null };
    for (const row of planImport(rows, columns, NPS, noId).rows) {
      expect(() => parseIngestInput(survey, row.body, Date.now())).not.toThrow();
    }
  });

  it("imports quietly unless told to announce: history reaches no webhook", () => {
    const survey = { scale: NPS.scale, segments: ["plan"], touchpoint: null };
    const quiet = planImport(rows, columns, NPS, noId).rows;
    expect(quiet.every((row) => row.body.webhooks === false && !parseIngestInput(survey, row.body, Date.now()).announce)).toBe(true);
    const announced = planImport(rows, columns, NPS, noId, { announce: true }).rows;
    expect(announced).toHaveLength(quiet.length);
    expect(announced.every((row) => !("webhooks" in row.body) && parseIngestInput(survey, row.body, Date.now()).announce)).toBe(true);
  });
});

describe("column mapping", () => {
  it("lets --map name any column and property", () => {
    const head = ["When", "Rating", "Feedback", "Customer", "Tier"];
    const columns = resolveColumns(head, PRESETS.generic, parseMap("score=Rating, comment=Feedback,recipient=Customer,responded_at=When,property.plan=Tier"), NPS);
    expect(mapRow(["2026-01-02T03:04:05+01:00", "9", " Fine ", "c-1", "pro"], columns, NPS)).toEqual({
      ok: true,
      id: null,
      body: { recipient: "c-1", score: 9, comment: "Fine", responded_at: "2026-01-02T02:04:05.000Z", properties: { plan: "pro" } },
    });
  });

  it("finds generic column names in any case", () => {
    const columns = resolveColumns(["ID", "Score", "EMAIL", "created_at", "Locale"], PRESETS.generic, parseMap(""), NPS);
    expect(mapRow(["r1", "10", "a@b.c", "2026-01-02", "sv-SE"], columns, NPS)).toEqual({
      ok: true,
      id: "r1",
      body: { recipient: "a@b.c", score: 10, responded_at: "2026-01-02T00:00:00.000Z", locale: "sv" },
    });
  });

  it.each([
    ["score=Nope", /no column "Nope"/],
    ["bogus=Score", /not one of/],
    ["score", /not name=Column/],
    ["property.Plan=Score", /snake_case/],
    ["property.team=Score", /not a property this survey keeps/],
  ])("refuses --map %s", (map, message) => {
    expect(() => resolveColumns(["Score"], PRESETS.generic, parseMap(map), NPS)).toThrow(message);
  });

  it("needs a score column", () => {
    expect(() => resolveColumns(["Comment"], PRESETS.generic, parseMap(""), NPS)).toThrow(/No score column/);
  });

  it("makes property keys of headers", () => {
    expect(snakeCase(" Customer Plan ")).toBe("customer_plan");
    expect(snakeCase("Plan (tier)")).toBe("plan_tier");
  });
});

describe("parseTimestamp", () => {
  it.each([
    ["2025-11-23 10:22:58 UTC", "2025-11-23T10:22:58.000Z"],
    ["2025-11-23 10:22:58", "2025-11-23T10:22:58.000Z"],
    ["2025-11-23T10:22:58Z", "2025-11-23T10:22:58.000Z"],
    ["2025-11-23T10:22:58.5+02:00", "2025-11-23T08:22:58.500Z"],
    ["2025-11-23 10:22 -0130", "2025-11-23T11:52:00.000Z"],
    ["2025-11-23", "2025-11-23T00:00:00.000Z"],
    ["1764000000", "2025-11-24T16:00:00.000Z"],
    ["1764000000123", "2025-11-24T16:00:00.123Z"],
  ])("reads %s", (raw, iso) => {
    expect(parseTimestamp(raw)).toBe(iso);
  });

  it.each(["31/02/2024", "2024-02-30", "2024-13-01", "yesterday", "", "2024-01-01 25:00"])("refuses %j", (raw) => {
    expect(parseTimestamp(raw)).toBeNull();
  });
});
