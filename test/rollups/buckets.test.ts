import { describe, expect, it } from "vitest";
import { buildBucketRows, dimensionValues, sumRows, type BucketSurvey } from "../../functions/rollups/buckets";
import { planChunk } from "../../functions/rollups/plan";

const survey: BucketSurvey = {
  id: "s",
  timezone: "Europe/Amsterdam",
  scale: { min: 1, max: 5 },
  locale: "nl",
  touchpoint: "support",
  segments: ["agent"],
};

describe("bucket rows", () => {
  it("falls back to the survey's locale and touchpoint and marks unset properties with ''", () => {
    expect(dimensionValues(survey, null, '{"country":"NL","agent":7}')).toEqual([
      ["all", ""],
      ["touchpoint", "support"],
      ["locale", "nl"],
      ["country", "NL"],
      ["channel", ""],
      ["variant", ""],
      ["agent", "7"],
    ]);
    expect(dimensionValues(survey, "sv", "not json")[2]).toEqual(["locale", "sv"]);
  });

  it("counts counted answers per score, excluded ones apart, comments and invitations", () => {
    const rows = buildBucketRows(
      survey,
      "2026-03-29",
      [
        { locale: null, properties: '{"agent":"ann"}', score: 5, status: "counted", commented: 1, n: 3 },
        { locale: null, properties: '{"agent":"bob"}', score: 2, status: "counted", commented: 0, n: 1 },
        { locale: null, properties: '{"agent":"bob"}', score: 4, status: "suspected", commented: 0, n: 2 },
        { locale: null, properties: "{}", score: 9, status: "counted", commented: 0, n: 1 }, // off the scale: skipped
      ],
      [{ locale: null, properties: '{"agent":"ann"}', n: 10, answered: 3 }],
    );
    const all = rows.find((r) => r.dimension === "all")!;
    expect(all).toMatchObject({ counts: [0, 1, 0, 0, 3], comments: 3, excluded: 2, invitations: 10 });
    expect(rows.find((r) => r.dimension === "agent" && r.value === "bob")).toMatchObject({ counts: [0, 1, 0, 0, 0], excluded: 2, invitations: 0 });
    const total = sumRows(survey.scale, rows.filter((r) => r.dimension === "agent"));
    expect(total.histogram.counts).toEqual(all.counts);
    expect(total.invitations).toBe(10);
  });
});

describe("planning a chunk", () => {
  const surveys = new Map([["s", survey]]);
  const watermark = { responsesSeq: 10, invitationsSeq: 5 };
  const day = (d: number, hour = 12) => Date.UTC(2026, 2, d, hour);

  it("stops at the first unsettled response and keeps the rest for later", () => {
    const plan = planChunk(
      {
        responses: [
          { seq: 11, survey_id: "s", created_at: day(1), updated_at: day(1), invited_at: day(1) },
          { seq: 12, survey_id: "s", created_at: day(2), updated_at: day(20), invited_at: null },
          { seq: 13, survey_id: "s", created_at: day(3), updated_at: day(3), invited_at: day(1, 8) },
        ],
        invitations: [],
        touches: [],
      },
      surveys,
      watermark,
      1000,
      { now: day(20) + 30_000, settleMs: 60_000, maxBuckets: 100 },
    );
    expect(plan.watermark).toEqual({ responsesSeq: 11, invitationsSeq: 5 });
    expect(plan.buckets).toEqual([{ surveyId: "s", day: "2026-03-01" }]);
    expect(plan.complete).toBe(true);
  });

  it("bounds the buckets of one chunk and says it is not complete", () => {
    const plan = planChunk(
      {
        responses: [1, 1, 2, 3].map((d, i) => ({ seq: 11 + i, survey_id: "s", created_at: day(d), updated_at: day(d), invited_at: day(d, 7) })),
        invitations: [{ seq: 6, survey_id: "s", created_at: day(1) }, { seq: 7, survey_id: "s", created_at: day(9) }],
        touches: [{ id: 1, survey_id: "gone", at: day(4) }],
      },
      surveys,
      watermark,
      1000,
      { now: day(30), settleMs: 60_000, maxBuckets: 2 },
    );
    expect(plan.buckets.map((b) => b.day)).toEqual(["2026-03-01", "2026-03-02"]);
    expect(plan.watermark).toEqual({ responsesSeq: 13, invitationsSeq: 6 });
    expect(plan.touchesUpTo).toBe(1); // an unknown survey's touch is consumed without a bucket
    expect(plan.complete).toBe(false);
  });
});
