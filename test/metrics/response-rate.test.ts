import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { api } from "../helpers/api";
import { createSurvey, invite, visit } from "../helpers/respondent";

/**
 * The response rate is a cohort's: the invitations created in the range, and of those the ones with a
 * counted answer, whenever it came. Answers that came without an invitation (ingestion, import) are
 * answers, never invitations. Only Date is faked, so each step happens on the day the test says.
 */

const SCANNER = { "user-agent": "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))" };
const at = (iso: string) => Date.parse(iso);
const setClock = (iso: string) => vi.setSystemTime(at(iso));

async function cron(iso: string) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at(iso) + 5 * 60_000, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

interface RateBody {
  response_rate: { percent: number | null; responses: number; invitations: number; answered: number };
  headline: { n: number };
}

async function rateOf(surveyId: string, from: string, to: string) {
  const response = await api("GET", `/api/v1/surveys/${surveyId}/metrics?from=${from}&to=${to}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as RateBody).response_rate;
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  setClock("2026-05-01T09:00:00Z");
  await createSurvey("rate-mix", { timezone: "Europe/Amsterdam" });
  await createSurvey("rate-late", { timezone: "Europe/Amsterdam" });
});

describe("the response rate by invitation cohort", () => {
  it("4 emailed invitations, 1 answered by a tap, and 4 ingested answers: 1 of 4 = 25%, with 5 answers", async () => {
    setClock("2026-05-04T08:00:00Z");
    const { invitations } = await invite(
      "rate-mix",
      ["a", "b", "c", "d"].map((name) => ({ recipient: `mix-${name}`, email: `${name}@example.com` })),
      { snippets: false },
    );
    expect(invitations).toHaveLength(4);
    setClock("2026-05-04T09:00:00Z");
    expect((await visit(invitations[0]!.links["5"]!)).status).toBe(200);

    setClock("2026-05-05T10:00:00Z");
    for (const n of [1, 2, 3, 4]) {
      const response = await api("POST", "/api/v1/surveys/rate-mix/responses", {
        body: { recipient: `crm-${n}`, score: 4, responded_at: `2026-05-04T1${n}:00:00Z` },
        headers: { "idempotency-key": `rate-mix-${n}` },
      });
      expect(response.status).toBe(201);
    }
    await cron("2026-05-05T10:00:00Z");

    expect(await rateOf("rate-mix", "2026-05-04", "2026-05-04")).toEqual({ percent: 25, responses: 5, invitations: 4, answered: 1 });
  });

  it("counts an answer that came days later with its invitation's day, and a scanner's click not at all", async () => {
    setClock("2026-05-04T08:00:00Z");
    const { invitations } = await invite("rate-late", [{ recipient: "late-1" }, { recipient: "late-2" }], { snippets: false });
    setClock("2026-05-04T08:30:00Z");
    expect((await visit(invitations[1]!.links["5"]!, {}, SCANNER)).status).toBe(200);
    await cron("2026-05-04T09:00:00Z");
    expect(await rateOf("rate-late", "2026-05-04", "2026-05-04")).toEqual({ percent: 0, responses: 0, invitations: 2, answered: 0 });

    setClock("2026-05-07T12:00:00Z");
    expect((await visit(invitations[0]!.links["2"]!)).status).toBe(200);
    await cron("2026-05-07T12:00:00Z");

    // The invitation of May 4 was answered on May 7: May 4's cohort is half answered, May 7 has the answer.
    expect(await rateOf("rate-late", "2026-05-04", "2026-05-04")).toEqual({ percent: 50, responses: 0, invitations: 2, answered: 1 });
    expect(await rateOf("rate-late", "2026-05-07", "2026-05-07")).toEqual({ percent: null, responses: 1, invitations: 0, answered: 0 });
    expect(await rateOf("rate-late", "2026-05-04", "2026-05-07")).toEqual({ percent: 50, responses: 1, invitations: 2, answered: 1 });
  });
});
