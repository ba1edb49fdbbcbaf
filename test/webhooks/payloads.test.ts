import { describe, expect, it } from "vitest";
import { isLowScore } from "../../functions/scoring/summary";
import { responseEvents } from "../../functions/webhooks/events";
import { dropBody, escapeSlack, responseBody, SLACK_EXCERPT_CHARS } from "../../functions/webhooks/payloads";
import { afterAttempt, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "../../functions/webhooks/retry";
import { generateWebhookSecret, signWebhook } from "../../functions/webhooks/signing";
import { type ResponseState, type ResponseSnapshot } from "../../functions/storage/webhooks";
import { metricDrop } from "../helpers/metric-drop";

describe("signing", () => {
  it("matches the Standard Webhooks reference vector", async () => {
    const headers = await signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(headers).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("makes 256-bit secrets that differ every time", () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(a.slice(6))).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});

describe("which events a write raises", () => {
  const csat = { metric: "csat" as const, satisfied_min: 4 };
  const state = (score: number, status: ResponseState["status"] = "counted", comment: string | null = null): ResponseState => ({ score, status, comment });
  const events = (prior: ResponseState | null, after: ResponseState | null) => responseEvents(prior, after, csat, 42).map((e) => e.event);

  it.each([
    ["a first counted tap", null, state(5), ["response.created"]],
    ["a first low tap", null, state(2), ["response.created", "response.low_score"]],
    ["a scanner's click", null, state(2, "suspected"), []],
    ["a person after the scanner", state(1, "suspected"), state(4), ["response.created"]],
    ["a counted tap turned into a sweep", state(1), state(1, "suspected"), []],
    ["a changed score", state(5), state(2), ["response.updated", "response.low_score"]],
    ["a comment on a low score", state(2), state(2, "counted", "slow"), ["response.updated"]],
    ["the same write again", state(2, "counted", "slow"), state(2, "counted", "slow"), []],
    ["an admin's exclusion", state(5), state(5, "excluded"), ["response.updated"]],
    ["an admin counting it again", state(2, "excluded"), state(2), ["response.updated", "response.low_score"]],
    ["an excluded response staying excluded", state(2, "excluded"), state(3, "excluded"), []],
    ["no response", null, null, []],
  ])("%s", (_what, prior, after, expected) => {
    expect(events(prior, after)).toEqual(expected);
  });

  it("keys a creation once per invitation and every other event by its write", () => {
    expect(responseEvents(null, state(1), csat, 7)).toEqual([
      { event: "response.created", key: "created" },
      { event: "response.low_score", key: "low_score:7" },
    ]);
  });

  it("calls NPS detractors low, passives not; other metrics below satisfied_min", () => {
    const nps = { metric: "nps" as const, satisfied_min: 9 };
    expect([0, 6, 7, 8, 9].map((s) => isLowScore(nps, s))).toEqual([true, true, false, false, false]);
    expect([1, 3, 4, 5].map((s) => isLowScore(csat, s))).toEqual([true, true, false, false]);
    expect([4, 5].map((s) => isLowScore({ metric: "ces", satisfied_min: 5 }, s))).toEqual([true, false]);
  });
});

describe("payloads", () => {
  const survey = { id: "support", name: "Support & <co>", metric: "csat" as const, scale: { min: 1, max: 5 }, satisfied_min: 4 };
  const response: ResponseSnapshot = {
    id: "rsp_x",
    invitation: "x",
    recipient: "cust-1",
    email: "cust-1@example.com",
    score: 2,
    comment: "Line one\nLine <two> & more",
    status: "counted",
    reason: "confirmed",
    override: null,
    locale: "en",
    properties: { agent: "ana" },
    created_at: Date.UTC(2026, 2, 1, 9),
    updated_at: Date.UTC(2026, 2, 1, 9, 5),
  };

  it("wrap response events in the Standard Webhooks envelope with the responses API's fields", () => {
    const body = JSON.parse(responseBody("standard", "response.updated", survey, response, { score: 3, comment: null, status: "counted" }, Date.UTC(2026, 2, 1, 9, 6)));
    expect(body).toEqual({
      type: "response.updated",
      timestamp: "2026-03-01T09:06:00.000Z",
      data: {
        survey: { id: "support", name: "Support & <co>", metric: "csat", scale: { min: 1, max: 5 } },
        response: { ...response, survey: "support", created_at: "2026-03-01T09:00:00.000Z", updated_at: "2026-03-01T09:05:00.000Z" },
        previous: { score: 3, comment: null, status: "counted" },
      },
    });
  });

  it("quote every line of a comment in Slack and cut long ones", () => {
    const text = (JSON.parse(responseBody("slack", "response.created", survey, response, null, 0)) as { text: string }).text;
    expect(text).toBe("New response *2* (1–5) on *Support &amp; &lt;co&gt;* from cust-1\n> Line one\n> Line &lt;two&gt; &amp; more");
    const long = (JSON.parse(responseBody("slack", "response.low_score", survey, { ...response, comment: "é".repeat(1000) }, null, 0)) as { text: string }).text;
    expect(long.split("\n> ")[1]).toHaveLength(SLACK_EXCERPT_CHARS);
    expect(long.endsWith("…")).toBe(true);
  });

  it("escape exactly Slack's three control characters", () => {
    expect(escapeSlack("<@U123> & <!channel> *bold* _it_")).toBe("&lt;@U123&gt; &amp; &lt;!channel&gt; *bold* _it_");
  });

  it("describe a drop", () => {
    const drop = metricDrop("2026-03-02", "2026-03-08");
    expect(JSON.parse(dropBody("standard", survey, drop, 0))).toMatchObject({ type: "metric.drop", data: { survey: { id: "support" }, ...drop } });
    expect((JSON.parse(dropBody("slack", survey, drop, 0)) as { text: string }).text).toBe(
      ":chart_with_downwards_trend: *Support &amp; &lt;co&gt;* dropped in the week 2026-03-02 – 2026-03-08. CSAT 70% over 2026-03-02 – 2026-03-08 (140 answers) against 80% over 2025-12-01 – 2025-12-28 (560 answers): down 10 points, interval 2 to 18 points.",
    );
  });
});

describe("retries", () => {
  const failure = (at: number) => ({ at, status: 500, error: null, duration_ms: 3 });

  it("back off 30 s, 2 min, 10 min, 1 h, 6 h, then give up", () => {
    let attempts = 0;
    const waits: number[] = [];
    for (;;) {
      const next = afterAttempt(attempts, failure(1_000));
      attempts = next.attempts;
      if (next.status === "failed") break;
      waits.push(next.next_attempt_at! - 1_000);
    }
    expect(waits).toEqual([...RETRY_DELAYS_MS]);
    expect(waits).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000]);
    expect(attempts).toBe(MAX_ATTEMPTS);
  });

  it("count only a 2xx as delivered: no redirects, no timeouts", () => {
    expect(afterAttempt(0, { at: 0, status: 204, error: null, duration_ms: 1 }).status).toBe("delivered");
    expect(afterAttempt(0, { at: 0, status: 301, error: null, duration_ms: 1 }).status).toBe("pending");
    expect(afterAttempt(0, { at: 0, status: null, error: "timeout", duration_ms: 10_000 }).status).toBe("pending");
  });

  it("give up at once on a URL webhooks may not reach: waiting does not change it", () => {
    expect(afterAttempt(0, { at: 5, status: null, error: "refused", duration_ms: 0 })).toEqual({ status: "failed", attempts: 1, next_attempt_at: null });
    expect(afterAttempt(2, { at: 5, status: null, error: "refused", duration_ms: 0 })).toEqual({ status: "failed", attempts: 3, next_attempt_at: null });
  });
});
