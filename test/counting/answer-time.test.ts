import { describe, expect, it } from "vitest";
import { answerTime } from "../../functions/counting/counting-rule";
import type { ClientClass, EventKind, RuleEvent, Signals } from "../../functions/storage/events";

/** answerTime: when the answer was given, from an invitation's events alone. Times by hand. */

const T0 = Date.UTC(2026, 4, 4, 10, 0, 0);
const HOUR = 3_600_000;
const navigation: Signals = { fetch_mode: "navigate", fetch_site: "none", fetch_dest: "document", fetch_user: true, accept_language: true };

const history = (...drafts: Omit<RuleEvent, "seq">[]): RuleEvent[] => drafts.map((draft, i) => ({ seq: i + 1, ...draft }));
const event = (kind: EventKind, score: number | null, at: number, client: ClientClass, signals: Signals = {}) => ({ kind, score, at, client, signals });
const person = (score: number, at: number) => event("tap", score, at, "browser", navigation);
const scanner = (score: number, at: number) => event("tap", score, at, "bot");

describe("answerTime", () => {
  it("is null without a choice: views and HEADs are no answer", () => {
    expect(answerTime(history(event("view", null, T0, "browser", navigation), event("head", 4, T0 + HOUR, "bot")))).toBeNull();
  });

  it("is the person's tap, never a scanner's earlier click", () => {
    expect(answerTime(history(scanner(5, T0), person(4, T0 + 48 * HOUR)))).toBe(T0 + 48 * HOUR);
  });

  it("keeps the person's first choice when they change their score, and ignores a scanner's later click", () => {
    expect(answerTime(history(person(2, T0 + HOUR), person(5, T0 + 30 * HOUR), scanner(1, T0 + 40 * HOUR)))).toBe(T0 + HOUR);
  });

  it("weighs times, not arrival: a queued tap delivered late is still the first", () => {
    const late: RuleEvent[] = [
      { seq: 1, ...person(5, T0 + 5 * HOUR) },
      { seq: 2, ...person(3, T0 + HOUR) },
    ];
    expect(answerTime(late)).toBe(T0 + HOUR);
  });

  it("is the first click's time when no person chose: a suspected click keeps its own day", () => {
    expect(answerTime(history(scanner(5, T0 + HOUR), scanner(4, T0 + 2 * HOUR)))).toBe(T0 + HOUR);
  });

  it("is an ingested answer's own time", () => {
    expect(answerTime(history(event("ingest", 4, T0 - 72 * HOUR, "admin")))).toBe(T0 - 72 * HOUR);
  });
});
