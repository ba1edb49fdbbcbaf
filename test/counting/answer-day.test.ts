import { createExecutionContext, createMessageBatch, createScheduledController, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { api } from "../helpers/api";
import { createSurvey, invite, pathOf, PERSON, visit } from "../helpers/respondent";

/**
 * The day an answer counts: the time of the person's first counted choice, on every path. The clock
 * is set per step (only Date is faked), so each tap happens on the day the test says; the cron runs
 * the real rollups and the metrics API reads them back.
 */

const SCANNER = { "user-agent": "Mozilla/5.0 (compatible; Barracuda Sentinel (EE))" };
const SETTLED = 5 * 60_000;

const at = (iso: string) => Date.parse(iso);
const setClock = (iso: string) => vi.setSystemTime(at(iso));

async function cron(iso: string) {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ scheduledTime: at(iso) + SETTLED, cron: "*/5 * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

interface Series {
  series: { period: string; n: number; value: number | null }[];
  excluded: number;
}

async function seriesOf(surveyId: string, from: string, to: string): Promise<Series> {
  const response = await api("GET", `/api/v1/surveys/${surveyId}/metrics?from=${from}&to=${to}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Series;
}

const byDay = (body: Series) => Object.fromEntries(body.series.map((p) => [p.period, p.n]));

async function responseRow(invitationId: string) {
  return env.DB.prepare("SELECT score, status, created_at FROM responses WHERE invitation_id = ?1")
    .bind(invitationId)
    .first<{ score: number; status: string; created_at: number }>();
}

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"] });
  setClock("2026-05-01T09:00:00Z");
  await createSurvey("day-direct", { timezone: "Europe/Amsterdam" });
  await createSurvey("day-queue", { timezone: "Europe/Amsterdam" });
  await createSurvey("day-repair", { timezone: "Europe/Amsterdam" });
  await createSurvey("day-import", { timezone: "Europe/Amsterdam" });
});

afterEach(() => setClock("2026-05-01T09:00:00Z"));

describe("the day an answer counts", () => {
  it("moves from a scanner's click on day 1 to the person's tap on day 3, and day 1 is recounted empty", async () => {
    setClock("2026-05-03T10:00:00Z");
    const { invitations } = await invite("day-direct", [{ recipient: "dd-1" }], { snippets: false });
    const invitation = invitations[0]!;

    // Day 1 (May 4, the day after the invitation): a mail scanner fetches the link for 5.
    setClock("2026-05-04T10:00:00Z");
    expect((await visit(invitation.links["5"]!, {}, SCANNER)).status).toBe(200);
    expect(await responseRow(invitation.id)).toEqual({ score: 5, status: "suspected", created_at: at("2026-05-04T10:00:00Z") });
    await cron("2026-05-04T10:00:00Z");
    expect(await seriesOf("day-direct", "2026-05-04", "2026-05-04")).toMatchObject({ excluded: 1, series: [{ period: "2026-05-04", n: 0 }] });

    // Day 3 (May 6, 21:30 UTC = 23:30 in Amsterdam): the person taps 4.
    setClock("2026-05-06T21:30:00Z");
    expect((await visit(invitation.links["4"]!)).status).toBe(200);
    expect(await responseRow(invitation.id)).toEqual({ score: 4, status: "counted", created_at: at("2026-05-06T21:30:00Z") });
    // A second tap later the next day changes the score, not the day.
    setClock("2026-05-07T08:00:00Z");
    expect((await visit(invitation.links["5"]!)).status).toBe(200);
    expect(await responseRow(invitation.id)).toEqual({ score: 5, status: "counted", created_at: at("2026-05-06T21:30:00Z") });
    await cron("2026-05-07T08:00:00Z");

    const body = await seriesOf("day-direct", "2026-05-04", "2026-05-07");
    expect(byDay(body)).toEqual({ "2026-05-04": 0, "2026-05-05": 0, "2026-05-06": 1, "2026-05-07": 0 });
    expect(body.series.find((p) => p.period === "2026-05-06")!.value).toBe(100);
    // The scanner's day no longer shows its click: the answer left it, and the day was recounted.
    expect(await seriesOf("day-direct", "2026-05-04", "2026-05-04")).toMatchObject({ excluded: 0, series: [{ period: "2026-05-04", n: 0 }] });
  });

  it("keeps a queued tap's own time when the consumer runs two days later", async () => {
    setClock("2026-05-04T12:00:00Z");
    const { invitations } = await invite("day-queue", [{ recipient: "dq-1" }], { snippets: false });
    const invitation = invitations[0]!;
    const sent: unknown[] = [];
    const queue = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => undefined } as unknown as Queue;
    const queueEnv = { ...env, INGEST_MODE: "queue", TAPS: queue } as unknown as Env;
    const ctx = createExecutionContext();
    const request = new Request(`http://tapscore.test${pathOf(invitation.links["3"]!)}`, { headers: PERSON });
    expect((await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, queueEnv, ctx)).status).toBe(200);
    await waitOnExecutionContext(ctx);
    expect(sent).toHaveLength(1);

    setClock("2026-05-06T12:00:00Z");
    const batch = createMessageBatch("tapscore-taps", [{ id: "day-queue-1", timestamp: new Date(), attempts: 1, body: sent[0] }]);
    const queueCtx = createExecutionContext();
    await worker.queue!(batch, env, queueCtx);
    expect((await getQueueResult(batch, queueCtx)).explicitAcks).toEqual(["day-queue-1"]);
    expect(await responseRow(invitation.id)).toEqual({ score: 3, status: "counted", created_at: at("2026-05-04T12:00:00Z") });

    await cron("2026-05-06T12:00:00Z");
    expect(byDay(await seriesOf("day-queue", "2026-05-04", "2026-05-06"))).toEqual({ "2026-05-04": 1, "2026-05-05": 0, "2026-05-06": 0 });
  });

  it("gives a repaired decision the tap's time, not the repairing tick's", async () => {
    setClock("2026-05-04T12:00:00Z");
    const { invitations } = await invite("day-repair", [{ recipient: "dr-1" }], { snippets: false });
    const invitation = invitations[0]!;
    // The tap lost the race for its decision every time: its event is kept, stale, with no decision.
    await env.DB.prepare(
      `INSERT INTO answers (invitation_id, survey_id, events, version, stale, updated_at)
       VALUES (?1, 'day-repair', json_array(json_object('kind', 'tap', 'score', 2, 'at', ?2, 'client', 'browser', 'asn', NULL, 'country', NULL,
               'signals', json('{"fetch_mode":"navigate","fetch_site":"none"}'))), 1, 1, ?2)`,
    )
      .bind(invitation.id, at("2026-05-04T12:00:00Z"))
      .run();
    expect(await responseRow(invitation.id)).toBeNull();

    await cron("2026-05-08T12:00:00Z");
    expect(await responseRow(invitation.id)).toEqual({ score: 2, status: "counted", created_at: at("2026-05-04T12:00:00Z") });
    await cron("2026-05-08T13:00:00Z");
    expect(byDay(await seriesOf("day-repair", "2026-05-04", "2026-05-08"))).toEqual({
      "2026-05-04": 1,
      "2026-05-05": 0,
      "2026-05-06": 0,
      "2026-05-07": 0,
      "2026-05-08": 0,
    });
  });

  it("keeps an imported answer's own date", async () => {
    setClock("2026-05-10T12:00:00Z");
    const response = await api("POST", "/api/v1/surveys/day-import/responses", {
      body: { recipient: "di-1", score: 4, responded_at: "2026-05-02T23:30:00+02:00" },
      headers: { "idempotency-key": "import:day-import:1" },
    });
    expect(response.status).toBe(201);
    await cron("2026-05-10T12:00:00Z");
    expect(byDay(await seriesOf("day-import", "2026-05-01", "2026-05-03"))).toEqual({ "2026-05-01": 0, "2026-05-02": 1, "2026-05-03": 0 });
  });
});
