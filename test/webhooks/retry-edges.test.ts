import { describe, expect, it } from "vitest";
import { afterAttempt, isDelivered } from "../../functions/webhooks/retry";

// The edges of a delivery's next state: which answers count as delivered, and what a final state holds.
const answered = (status: number, at = 1_000) => ({ at, status, error: null, duration_ms: 5 });

describe("retry edges", () => {
  it("counts 200 to 299 as delivered and 199 or 300 not", () => {
    expect([199, 200, 201, 299, 300, 404, 500].map((status) => isDelivered(answered(status)))).toEqual([false, true, true, true, false, false, false]);
    expect(isDelivered({ at: 0, status: null, error: "timeout", duration_ms: 10_000 })).toBe(false);
  });

  it("records a delivery as final, with the attempt counted and nothing scheduled", () => {
    expect(afterAttempt(0, answered(200))).toEqual({ status: "delivered", attempts: 1, next_attempt_at: null });
    expect(afterAttempt(3, answered(299))).toEqual({ status: "delivered", attempts: 4, next_attempt_at: null });
  });

  it("schedules a failed attempt's retry from the time it was made", () => {
    expect(afterAttempt(0, answered(503, 10_000))).toEqual({ status: "pending", attempts: 1, next_attempt_at: 40_000 });
    expect(afterAttempt(4, answered(503, 10_000))).toEqual({ status: "pending", attempts: 5, next_attempt_at: 21_610_000 });
    expect(afterAttempt(5, answered(503, 10_000))).toEqual({ status: "failed", attempts: 6, next_attempt_at: null });
  });
});
