import { createExecutionContext, createMessageBatch, env, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { BASE } from "../helpers/api";
import { createSurvey, invite, pathOf, PERSON, responseOf } from "../helpers/respondent";

/**
 * The TAPS consumer through the Worker's own queue handler, fed the messages the Worker's own fetch
 * handler sent in queue mode. Queues deliver at least once and in no guaranteed order: a comment the
 * person replaced must never come back.
 */

interface Sent {
  id: string;
  at: number;
  kind: string;
  comment?: string | null;
}

function capture(): { environment: Env; sent: Sent[] } {
  const sent: Sent[] = [];
  const queue = {
    send: async (body: unknown) => {
      sent.push(body as Sent);
    },
    sendBatch: async () => {
      throw new Error("not used");
    },
  };
  return { environment: { ...env, INGEST_MODE: "queue", TAPS: queue } as unknown as Env, sent };
}

async function fetchIn(environment: Env, path: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${BASE}${path}`, init) as Request<unknown, IncomingRequestCfProperties>, environment, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let delivered = 0;
async function deliver(bodies: readonly Sent[], attempts = 1) {
  const batch = createMessageBatch(
    "tapscore-taps",
    bodies.map((body) => ({ id: `wired-${++delivered}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue!(batch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** A tap, then two comments one after the other, sent by the Worker in queue mode: the messages, oldest first. */
async function tapAndTwoComments(recipient: string): Promise<{ invitationId: string; tap: Sent; older: Sent; newer: Sent }> {
  const [invitation] = (await invite("wired-queue", [{ recipient }], { snippets: false })).invitations;
  const { environment, sent } = capture();
  const form = async (fields: Record<string, string>) => {
    const response = await fetchIn(environment, pathOf(invitation!.url), {
      method: "POST",
      headers: { ...PERSON, "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      body: new URLSearchParams(fields).toString(),
    });
    expect(response.status).toBe(200);
    // The person's requests are apart in time: the consumer orders a person's messages by it.
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  expect((await fetchIn(environment, pathOf(invitation!.links["4"]!), { headers: PERSON })).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 5));
  await form({ action: "comment", score: "4", comment: "first thought" });
  await form({ action: "comment", score: "4", comment: "final thought" });
  expect(sent.map((m) => [m.kind, m.comment])).toEqual([
    ["tap", undefined],
    ["comment", "first thought"],
    ["comment", "final thought"],
  ]);
  const [tap, older, newer] = sent as [Sent, Sent, Sent];
  expect(older.at).toBeLessThan(newer.at);
  return { invitationId: invitation!.id, tap, older, newer };
}

beforeAll(async () => {
  await createSurvey("wired-queue");
});

describe("comments through the queue", () => {
  it("keeps the newer comment when the older message is redelivered after both were processed", async () => {
    const { invitationId, tap, older, newer } = await tapAndTwoComments("queue-redelivered");
    expect((await deliver([tap, older])).retryMessages).toEqual([]);
    expect((await responseOf(invitationId))!.comment).toBe("first thought");
    await deliver([newer]);
    expect((await responseOf(invitationId))!.comment).toBe("final thought");
    const result = await deliver([older], 2);
    expect(result.retryMessages).toEqual([]);
    expect((await responseOf(invitationId))!.comment).toBe("final thought");
  });

  // Queues keep no order: an older comment whose first delivery was retried (a failed batch) may arrive
  // after the newer one, and must not overwrite it.
  it("keeps the newer comment when the older message first arrives after it (its first delivery was retried)", async () => {
    const { invitationId, tap, older, newer } = await tapAndTwoComments("queue-late");
    await deliver([tap]);
    await deliver([newer]);
    expect((await responseOf(invitationId))!.comment).toBe("final thought");
    await deliver([older], 2);
    expect((await responseOf(invitationId))!.comment).toBe("final thought");
  });
});
