import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { toMessage, tapMessageId } from "../../functions/queue/messages";
import { InstrumentedD1 } from "../helpers/instrumented-d1";
import { createSurvey, invite, pathOf, PERSON, responseOf } from "../helpers/respondent";

/**
 * What one tap costs D1, counted by D1 itself (meta.rows_written) through the Worker's own entry
 * points: the numbers the bench reports (docs/performance.md), held here so a new index or an extra
 * statement on the tap path shows up as a failing test, not as a bill.
 */

const SURVEY = "tap-writes";
let counter = 0;

async function freshInvitation() {
  const { invitations } = await invite(SURVEY, [{ recipient: `writes-${++counter}` }], { snippets: false });
  return invitations[0]!;
}

async function fetchMetered(path: string, method = "GET") {
  const meter = new InstrumentedD1(env.DB);
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`http://tapscore.test${path}`, { method, headers: PERSON }) as Request<unknown, IncomingRequestCfProperties>,
    { ...env, DB: meter.binding },
    ctx,
  );
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return { status: response.status, counters: meter.counters };
}

const answerOf = (invitationId: string) =>
  env.DB.prepare("SELECT events, version, stale FROM answers WHERE invitation_id = ?1").bind(invitationId).first<{ events: string; version: number; stale: number }>();

beforeAll(async () => {
  await createSurvey(SURVEY);
});

describe("a tap's cost in D1", () => {
  it("a first counted tap writes 3 rows (the answer and its two index entries) in 2 round trips", async () => {
    const invitation = await freshInvitation();
    const { status, counters } = await fetchMetered(pathOf(invitation.links["4"]!));
    expect(status).toBe(200);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 4, status: "counted" });
    expect(counters.rowsWritten).toBe(3);
    expect(counters.roundTrips).toBe(2);
  });

  it("a change of mind writes 2 rows (the answer and its change-order entry), in 2 round trips", async () => {
    const invitation = await freshInvitation();
    await fetchMetered(pathOf(invitation.links["2"]!));
    const { counters } = await fetchMetered(pathOf(invitation.links["5"]!));
    expect(await responseOf(invitation.id)).toMatchObject({ score: 5, status: "counted" });
    expect(counters.rowsWritten).toBe(2);
    expect(counters.roundTrips).toBe(2);
    const answer = await answerOf(invitation.id);
    expect(JSON.parse(answer!.events)).toHaveLength(2);
    expect(answer).toMatchObject({ version: 2, stale: 0 });
  });

  it("a page view writes 1 row and decides nothing", async () => {
    const invitation = await freshInvitation();
    const { status, counters } = await fetchMetered(pathOf(invitation.links["4"]!).replace(/\/4$/, ""));
    expect(status).toBe(200);
    expect(counters.rowsWritten).toBe(1);
    expect(await responseOf(invitation.id)).toBeNull();
    expect(JSON.parse((await answerOf(invitation.id))!.events)).toMatchObject([{ kind: "view", score: null }]);
  });

  it("a queued first tap writes 3 rows too, and its redelivery none", async () => {
    const invitation = await freshInvitation();
    const now = Date.now();
    const body = toMessage(tapMessageId(now, "writes-queue-0001"), {
      invitationId: invitation.id,
      surveyId: SURVEY,
      kind: "tap",
      score: 3,
      facts: { client: "browser", asn: null, country: null, signals: { fetch_mode: "navigate", fetch_site: "none", fetch_user: true, accept_language: true } },
      now,
    });
    const deliver = async () => {
      const meter = new InstrumentedD1(env.DB);
      const batch = createMessageBatch("tapscore-taps", [{ id: "writes-m1", timestamp: new Date(now), attempts: 1, body }]);
      const ctx = createExecutionContext();
      await worker.queue!(batch, { ...env, DB: meter.binding }, ctx);
      return { counters: meter.counters, result: await getQueueResult(batch, ctx) };
    };
    const first = await deliver();
    expect(first.result.explicitAcks).toEqual(["writes-m1"]);
    expect(first.counters.rowsWritten).toBe(3);
    expect(await responseOf(invitation.id)).toMatchObject({ score: 3, status: "counted" });
    const again = await deliver();
    expect(again.result.explicitAcks).toEqual(["writes-m1"]);
    expect(again.counters.rowsWritten).toBe(0);
  });
});

describe("an answer's events", () => {
  it("keep the newest 500: a flood of one link never grows the row without bound, and the page still answers", async () => {
    const invitation = await freshInvitation();
    const flood = Array.from({ length: 500 }, (_, i) => ({ kind: "head", score: null, at: 1_000 + i, client: "tool", asn: null, country: null, signals: {} }));
    await env.DB.prepare(
      "INSERT INTO answers (invitation_id, survey_id, events, version, stale, updated_at) VALUES (?1, ?2, ?3, 1, 0, 1000)",
    )
      .bind(invitation.id, SURVEY, JSON.stringify(flood))
      .run();
    const { status } = await fetchMetered(pathOf(invitation.links["5"]!));
    expect(status).toBe(200);
    const events = JSON.parse((await answerOf(invitation.id))!.events) as { kind: string; at: number }[];
    expect(events).toHaveLength(500);
    // The oldest HEAD went; the tap is the newest.
    expect(events[0]!.at).toBe(1_001);
    expect(events.at(-1)!.kind).toBe("tap");
    expect(await responseOf(invitation.id)).toMatchObject({ score: 5, status: "counted" });
  });
});
