import { describe, expect, it } from "vitest";
import { bucketKey, buildBucketRows, dimensionsOf, dimensionValues, emptyTotals, sumRows, type BucketSurvey } from "../../functions/rollups/buckets";

// The edges of the bucket math: odd property blobs, value types, row identity and order, totals.
const survey: BucketSurvey = { id: "s1", timezone: "UTC", scale: { min: 0, max: 10 }, locale: "en", touchpoint: null, segments: ["plan", "beta"] };
const valueOf = (values: [string, string][], dimension: string) => values.find(([d]) => d === dimension)?.[1];

describe("bucket edges", () => {
  it("rolls a survey up by all, the built-in dimensions, then its own segments", () => {
    expect(dimensionsOf(survey)).toEqual(["all", "touchpoint", "locale", "country", "channel", "variant", "plan", "beta"]);
    expect(dimensionsOf({ segments: [] })).toHaveLength(6);
  });

  it("reads properties only from a JSON object; anything else counts as no properties", () => {
    for (const blob of ["[1,2]", "null", '"plan"', "42", "{", ""]) {
      expect(dimensionValues(survey, null, blob).slice(3).map(([, value]) => value), blob).toEqual(["", "", "", "", ""]);
    }
  });

  it("writes numbers and booleans as text and leaves other values unset", () => {
    const values = dimensionValues(survey, "de", '{"plan":12.5,"beta":false,"country":{"x":1},"channel":null,"variant":["a"]}');
    expect(valueOf(values, "plan")).toBe("12.5");
    expect(valueOf(values, "beta")).toBe("false");
    expect(valueOf(values, "country")).toBe("");
    expect(valueOf(values, "channel")).toBe("");
    expect(valueOf(values, "variant")).toBe("");
    expect(valueOf(values, "locale")).toBe("de");
  });

  it("takes an invitation's touchpoint over the survey's, and unset without either", () => {
    expect(valueOf(dimensionValues(survey, null, "{}"), "touchpoint")).toBe("");
    expect(valueOf(dimensionValues({ ...survey, touchpoint: "checkout" }, null, "{}"), "touchpoint")).toBe("checkout");
    expect(valueOf(dimensionValues({ ...survey, touchpoint: "checkout" }, null, '{"touchpoint":"returns"}'), "touchpoint")).toBe("returns");
    expect(valueOf(dimensionValues(survey, null, "{}"), "locale")).toBe("en");
  });

  it("keeps one row per dimension value, ordered by dimension then value, each carrying its bucket", () => {
    const rows = buildBucketRows(
      survey,
      "2026-04-01",
      [
        { locale: "nl", properties: '{"plan":"pro"}', score: 10, status: "counted", commented: 0, n: 2 },
        { locale: "en", properties: '{"plan":"free"}', score: 0, status: "counted", commented: 1, n: 1 },
      ],
      [],
    );
    expect(rows.map((r) => `${r.dimension}=${r.value}`)).toEqual([
      "all=",
      "beta=",
      "channel=",
      "country=",
      "locale=en",
      "locale=nl",
      "plan=free",
      "plan=pro",
      "touchpoint=",
      "variant=",
    ]);
    expect(rows.every((r) => r.survey_id === "s1" && r.day === "2026-04-01")).toBe(true);
    const all = rows[0]!;
    expect(all.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(all).toMatchObject({ comments: 1, excluded: 0, invitations: 0 });
    expect(rows.find((r) => r.value === "pro")).toMatchObject({ counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], comments: 0 });
  });

  it("makes no rows for a day without responses or invitations, and rows of invitations alone", () => {
    expect(buildBucketRows(survey, "2026-04-01", [], [])).toEqual([]);
    const rows = buildBucketRows(survey, "2026-04-01", [], [{ locale: null, properties: "{}", n: 4, answered: 1 }]);
    expect(rows.find((r) => r.dimension === "all")).toEqual({ survey_id: "s1", day: "2026-04-01", dimension: "all", value: "", counts: new Array(11).fill(0), invitations: 4, comments: 0, excluded: 0, answered: 1 });
  });

  it("does not count a comment on an excluded response, and skips off-scale scores only when counted", () => {
    const rows = buildBucketRows(
      survey,
      "2026-04-01",
      [
        { locale: null, properties: "{}", score: 5, status: "excluded", commented: 1, n: 3 },
        { locale: null, properties: "{}", score: 11, status: "suspected", commented: 0, n: 1 },
        { locale: null, properties: "{}", score: -1, status: "counted", commented: 1, n: 5 },
      ],
      [],
    );
    expect(rows.find((r) => r.dimension === "all")).toMatchObject({ counts: new Array(11).fill(0), comments: 0, excluded: 4 });
  });

  it("sums rows of another scale's length by index, ignoring counts beyond the scale", () => {
    const scale = { min: 1, max: 3 };
    const total = sumRows(scale, [
      { counts: [1, 2, 3, 99], invitations: 5, comments: 1, excluded: 2, answered: 3 },
      { counts: [1], invitations: 1, comments: 0, excluded: 1, answered: 1 },
    ]);
    expect(total).toEqual({ histogram: { scale: { min: 1, max: 3 }, counts: [2, 2, 3] }, invitations: 6, comments: 1, excluded: 3, answered: 4 });
    expect(sumRows(scale, [])).toEqual(emptyTotals(scale));
    expect(emptyTotals(scale)).toEqual({ histogram: { scale: { min: 1, max: 3 }, counts: [0, 0, 0] }, invitations: 0, comments: 0, excluded: 0, answered: 0 });
  });

  it("keys buckets so that no two survey-days collide", () => {
    expect(bucketKey({ surveyId: "a", day: "2026-04-01" })).not.toBe(bucketKey({ surveyId: "a", day: "2026-04-02" }));
    expect(bucketKey({ surveyId: "a", day: "2026-04-01" })).not.toBe(bucketKey({ surveyId: "b", day: "2026-04-01" }));
    expect(bucketKey({ surveyId: "a", day: "2026-04-01" })).toBe(bucketKey({ surveyId: "a", day: "2026-04-01" }));
  });
});
