import { describe, expect, it } from "vitest";
import type { BucketSurvey } from "../../functions/rollups/buckets";
import { planChunk } from "../../functions/rollups/plan";

/** A changed response touches its answer's day and its invitation's day, in one chunk or not at all. */

const survey: BucketSurvey = { id: "s", timezone: "Europe/Amsterdam", scale: { min: 1, max: 5 }, locale: "en", touchpoint: null, segments: [] };
const surveys = new Map([["s", survey]]);
const watermark = { responsesSeq: 0, invitationsSeq: 0 };
const day = (d: number, hour = 12) => Date.UTC(2026, 4, d, hour);
const response = (seq: number, answered: number, invited: number | null) => ({ seq, survey_id: "s", created_at: answered, updated_at: answered, invited_at: invited });

describe("planning a chunk of answers and their invitations' days", () => {
  it("takes both days of an answer that came after its invitation's day", () => {
    const plan = planChunk({ responses: [response(1, day(7), day(4))], invitations: [], touches: [] }, surveys, watermark, 1000, {
      now: day(20),
      settleMs: 60_000,
      maxBuckets: 10,
    });
    expect(plan.buckets.map((b) => b.day).sort()).toEqual(["2026-05-04", "2026-05-07"]);
    expect(plan.complete).toBe(true);
  });

  it("leaves an answer whose two days do not fit to the next chunk, whole", () => {
    const plan = planChunk(
      { responses: [response(1, day(1), day(1)), response(2, day(7), day(4))], invitations: [], touches: [] },
      surveys,
      watermark,
      1000,
      { now: day(20), settleMs: 60_000, maxBuckets: 2 },
    );
    expect(plan.buckets.map((b) => b.day)).toEqual(["2026-05-01"]);
    expect(plan.watermark.responsesSeq).toBe(1);
    expect(plan.complete).toBe(false);
  });

  it("still takes a two-day answer alone when a chunk holds a single bucket", () => {
    const plan = planChunk({ responses: [response(3, day(7), day(4))], invitations: [], touches: [] }, surveys, watermark, 1000, {
      now: day(20),
      settleMs: 60_000,
      maxBuckets: 1,
    });
    expect(plan.buckets).toHaveLength(2);
    expect(plan.watermark.responsesSeq).toBe(3);
  });
});
