import { env } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";
import { createSurvey } from "../helpers/respondent";
import { clearDueSends, fakeEmail, inviteAndSend, sendOf, tick, type SendAnswer } from "./deliver-fake";

/** GET /api/v1/sends, GET and DELETE /api/v1/sends/{id}. */

const SURVEY = "sends-api";

interface Page {
  sends: SendAnswer[];
  next_cursor: string | null;
}

const list = async (query: string): Promise<Page> => {
  const response = await api("GET", `/api/v1/sends?${query}`);
  expect(response.status).toBe(200);
  return response.json();
};

beforeAll(async () => {
  await createSurvey(SURVEY);
  await createSurvey("sends-api-other");
});
beforeEach(clearDueSends);

describe("listing messages", () => {
  it("pages newest first, by survey and by status", async () => {
    const first = await inviteAndSend(SURVEY, [{ recipient: "list-1", email: "list-1@example.com" }]);
    const second = await inviteAndSend(SURVEY, [
      { recipient: "list-2", email: "list-2@example.com" },
      { recipient: "list-3", email: "list-3@example.com" },
    ]);
    await inviteAndSend("sends-api-other", [{ recipient: "list-other", email: "list-other@example.com" }]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000, { EMAIL_PER_MINUTE: "1" });

    const page1 = await list(`survey=${SURVEY}&limit=2`);
    expect(page1.sends).toHaveLength(2);
    expect(page1.next_cursor).not.toBeNull();
    const page2 = await list(`survey=${SURVEY}&limit=2&cursor=${page1.next_cursor}`);
    expect(page2.next_cursor).toBeNull();
    const recipients = [...page1.sends, ...page2.sends].map((s) => s.recipient);
    // The two of the second call share a creation time; the first call's is older and comes last.
    expect(recipients.slice(0, 2).sort()).toEqual(["list-2", "list-3"]);
    expect(recipients.slice(2)).toEqual(["list-1"]);
    expect([...page1.sends, ...page2.sends].map((s) => s.id).sort()).toEqual([...first.invitations, ...second.invitations].map((i) => i.send!.id).sort());

    const sent = await list("status=sent&limit=200");
    expect(sent.sends.map((s) => s.status)).toEqual(Array(sent.sends.length).fill("sent"));
    expect(sent.sends.map((s) => s.recipient)).toContain(email.handed[0]!.to.replace("@example.com", ""));
  });

  it("refuses a filter or cursor it does not know", async () => {
    expect((await api("GET", "/api/v1/sends?status=lost")).status).toBe(400);
    expect((await api("GET", "/api/v1/sends?survey=Not%20a%20survey")).status).toBe(400);
    const response = await api("GET", "/api/v1/sends?cursor=bm9wZQ");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe("cursor");
  });
});

describe("one message", () => {
  it("shows a scheduled message as it will be sent", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "show-1", email: "show-1@example.com", name: "Sam" }]);
    const send = await sendOf(answer.invitations[0]!.send!.id);
    expect(send).toMatchObject({ status: "scheduled", attempts: 0, error: null, sent_at: null, message_id: null });
    expect(send.message).toMatchObject({ to: "show-1@example.com", from: { email: "surveys@tapscore.localhost" }, reply_to: null });
    expect(String(send.message!.html)).toContain(answer.invitations[0]!.links["3"]);
    expect(String(send.message!.text)).toContain("/unsubscribe");
  });

  it("shows a suppressed message without one", async () => {
    await env.DB.prepare("INSERT INTO suppressions (email, reason, source, survey_id, created_at) VALUES ('shown-bounce@example.com', 'bounced', 'api', NULL, ?1)")
      .bind(Date.now())
      .run();
    await inviteAndSend(SURVEY, [{ recipient: "show-bounce", email: "shown-bounce@example.com" }]);
    const { sends } = await list(`survey=${SURVEY}&status=suppressed`);
    const suppressed = sends.find((s) => s.recipient === "show-bounce")!;
    expect(await sendOf(suppressed.id)).toMatchObject({ status: "suppressed", invitation: null, message: null, error: "bounced" });
  });

  it("404 for an id no message has", async () => {
    expect((await api("GET", `/api/v1/sends/snd_${"0".repeat(32)}`)).status).toBe(404);
    expect((await api("GET", "/api/v1/sends/nope")).status).toBe(404);
  });
});

describe("cancelling", () => {
  it("cancels a scheduled message, which then never leaves; a second cancel is refused", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "cancel-1", email: "cancel-1@example.com" }], { delay_seconds: 60 });
    const id = answer.invitations[0]!.send!.id;
    const cancelled = await api("DELETE", `/api/v1/sends/${id}`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ id, status: "cancelled" });
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 120_000);
    expect(email.handed).toHaveLength(0);
    const again = await api("DELETE", `/api/v1/sends/${id}`);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).code).toBe("not_cancellable");
  });

  it("refuses to cancel a message already sent, and 404 for an unknown one", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "cancel-sent", email: "cancel-sent@example.com" }]);
    const email = fakeEmail();
    await tick(email.binding, Date.now() + 1000);
    const id = answer.invitations[0]!.send!.id;
    expect((await sendOf(id)).status).toBe("sent");
    const response = await api("DELETE", `/api/v1/sends/${id}`);
    expect(response.status).toBe(409);
    expect((await sendOf(id)).status).toBe("sent");
    expect((await api("DELETE", `/api/v1/sends/snd_${"f".repeat(32)}`)).status).toBe(404);
  });

  it("takes invitations:write to cancel, responses:read to read", async () => {
    const answer = await inviteAndSend(SURVEY, [{ recipient: "scoped-1", email: "scoped-1@example.com" }], { delay_seconds: 60 });
    const id = answer.invitations[0]!.send!.id;
    const reader = await createKey(["responses:read"]);
    expect((await api("GET", `/api/v1/sends/${id}`, { token: reader })).status).toBe(200);
    expect((await api("DELETE", `/api/v1/sends/${id}`, { token: reader })).status).toBe(403);
    const writer = await createKey(["invitations:write"]);
    expect((await api("DELETE", `/api/v1/sends/${id}`, { token: writer })).status).toBe(200);
  });
});
