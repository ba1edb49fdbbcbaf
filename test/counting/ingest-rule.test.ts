import { describe, expect, it } from "vitest";
import { decide } from "../../functions/counting/counting-rule";
import { type RuleEvent } from "../../functions/storage/events";

const ingest = (seq: number, score: number, client: RuleEvent["client"] = "admin"): RuleEvent => ({
  seq,
  kind: "ingest",
  score,
  at: 1_700_000_000_000 + seq,
  client,
  signals: {},
});

describe("the counting rule and ingested scores", () => {
  it("counts a score sent through the API as a confirmed human choice", () => {
    expect(decide([ingest(1, 4)])).toEqual({ score: 4, status: "counted", reason: "confirmed" });
  });

  it("trusts an ingest event only from the API (client admin)", () => {
    expect(decide([ingest(1, 4, "browser")])).toMatchObject({ status: "suspected", reason: "tool_client" });
    expect(decide([ingest(1, 4, "bot")])).toMatchObject({ status: "suspected", reason: "tool_client" });
  });

  it("is never part of a sweep, however many ingests come in at once", () => {
    const events = [ingest(1, 1), ingest(2, 3), ingest(3, 5)];
    expect(decide(events)).toEqual({ score: 5, status: "counted", reason: "confirmed" });
  });

  it("still yields to an admin override", () => {
    const override: RuleEvent = { seq: 2, kind: "override", score: null, at: 1, client: "admin", signals: { override: "excluded" } };
    expect(decide([ingest(1, 2), override])).toEqual({ score: 2, status: "excluded", reason: "override" });
  });
});
