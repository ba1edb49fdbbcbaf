import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { redecideStale, DECISION_SETTLE_MS } from "../../functions/counting/repair";
import { recordEvent } from "../../functions/storage/events";
import { createSurvey, invite, responseOf, visit } from "../helpers/respondent";

const facts = { client: "browser" as const, asn: null, country: null, signals: { fetch_mode: "navigate" } };

describe("a tap whose decision write failed", () => {
  it("is decided by the next cron tick, once settled, and only once", async () => {
    await createSurvey("repair");
    const [lost, fine] = (await invite("repair", [{ recipient: "lost" }, { recipient: "fine" }])).invitations;
    await visit(fine!.links["5"]!);
    // The event is stored, then D1 failed before the decision: what recordChoice leaves behind then.
    const tappedAt = Date.now();
    await recordEvent(env.DB, { invitation_id: lost!.id, kind: "tap", score: 4, at: tappedAt, ...facts });
    expect(await responseOf(lost!.id)).toBeNull();

    expect(await redecideStale(env, tappedAt + 1_000)).toBe(0);
    expect(await responseOf(lost!.id)).toBeNull();

    expect(await redecideStale(env, tappedAt + DECISION_SETTLE_MS + 1_000)).toBe(1);
    expect(await responseOf(lost!.id)).toMatchObject({ score: 4, status: "counted", reason: "tap" });
    expect(await responseOf(fine!.id)).toMatchObject({ score: 5, status: "counted" });

    expect(await redecideStale(env, tappedAt + DECISION_SETTLE_MS + 2_000)).toBe(0);
  });
});
