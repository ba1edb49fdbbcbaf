import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createKey } from "../helpers/api";
import { createSurvey, invite } from "../helpers/respondent";
import { count, insertMember, insertSend } from "./rows";

const T = Date.UTC(2026, 5, 1, 8);

beforeAll(async () => {
  await createSurvey("erase-people-a");
  await createSurvey("erase-people-b");
});

/** A person with an invitation and its sent message in A, a suppressed message in B, memberships of both, and an unsubscribe. */
async function personWithMessages(recipient: string, email: string) {
  expect((await api("POST", "/api/v1/people", { body: { recipient, email, name: "Erin" } })).status).toBe(200);
  const [invitation] = (await invite("erase-people-a", [{ recipient, email }])).invitations;
  await insertSend({ id: `snd_${recipient}_a`, survey_id: "erase-people-a", invitation_id: invitation!.id, recipient, email, status: "sent", send_at: T, sent_at: T });
  await insertSend({ id: `snd_${recipient}_b`, survey_id: "erase-people-b", recipient, email, status: "suppressed", send_at: T });
  await insertMember("erase-people-a", recipient, T + 86_400_000);
  await insertMember("erase-people-b", recipient, T + 86_400_000);
  expect((await api("POST", "/api/v1/unsubscribes", { body: { email } })).status).toBe(201);
}

describe("erasing a person", () => {
  it("removes their messages, memberships and person record, counts the messages, and keeps the unsubscribe", async () => {
    await personWithMessages("erin", "Erin@Example.com");
    await personWithMessages("someone-else", "else@example.com");

    const response = await api("DELETE", "/api/v1/people/erin");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ erased: { invitations: 1, responses: 0, events: 0, sends: 2 } });

    expect(await count("sends WHERE recipient = 'erin'")).toBe(0);
    expect(await count("survey_members WHERE recipient = 'erin'")).toBe(0);
    expect(await count("people WHERE recipient = 'erin'")).toBe(0);
    expect(await count("invitations WHERE recipient = 'erin'")).toBe(0);
    expect((await api("GET", "/api/v1/people/erin")).status).toBe(404);
    // The address stays suppressed: erasing her must not let Tapscore email her again.
    expect(await env.DB.prepare("SELECT email, reason FROM suppressions WHERE email = 'erin@example.com'").all()).toMatchObject({
      results: [{ email: "erin@example.com", reason: "unsubscribed" }],
    });
    // The audit row counts the messages and names no one.
    const audit = await env.DB.prepare("SELECT * FROM erasures ORDER BY at DESC LIMIT 1").first<Record<string, unknown>>();
    expect(audit).toMatchObject({ survey_id: null, invitations: 1, sends: 2 });
    expect(JSON.stringify(audit).toLowerCase()).not.toContain("erin");
    // Someone else is untouched.
    expect(await count("sends WHERE recipient = 'someone-else'")).toBe(2);
    expect(await count("survey_members WHERE recipient = 'someone-else'")).toBe(2);
    expect(await count("people WHERE recipient = 'someone-else'")).toBe(1);
  });

  it("is idempotent: a second erasure answers zeros", async () => {
    expect(await (await api("DELETE", "/api/v1/people/erin")).json()).toEqual({ erased: { invitations: 0, responses: 0, events: 0, sends: 0 } });
  });

  it("limited to one survey, keeps the person and the other survey's messages and membership", async () => {
    await personWithMessages("split-person", "split@example.com");
    const response = await api("DELETE", "/api/v1/respondents/split-person?survey=erase-people-b");
    expect(await response.json()).toEqual({ erased: { invitations: 0, responses: 0, events: 0, sends: 1 } });
    expect((await env.DB.prepare("SELECT survey_id FROM sends WHERE recipient = 'split-person'").all()).results).toEqual([{ survey_id: "erase-people-a" }]);
    expect((await env.DB.prepare("SELECT survey_id FROM survey_members WHERE recipient = 'split-person'").all()).results).toEqual([{ survey_id: "erase-people-a" }]);
    expect(await count("people WHERE recipient = 'split-person'")).toBe(1);
  });

  it("needs the admin scope", async () => {
    const key = await createKey(["invitations:write", "responses:read"]);
    expect((await api("DELETE", "/api/v1/people/split-person", { token: key })).status).toBe(403);
    expect(await count("people WHERE recipient = 'split-person'")).toBe(1);
  });
});
