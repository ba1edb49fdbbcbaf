import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "../helpers/api";
import { createSurvey, invite, visit } from "../helpers/respondent";

interface Listed {
  recipient: string;
  email: string | null;
}

async function responsesOf(survey: string): Promise<Map<string, string | null>> {
  const response = await api("GET", `/api/v1/surveys/${survey}/responses?limit=500`);
  expect(response.status).toBe(200);
  const { responses } = (await response.json()) as { responses: Listed[] };
  return new Map(responses.map((r) => [r.recipient, r.email]));
}

async function tap(survey: string, recipient: Record<string, unknown>) {
  const [invitation] = (await invite(survey, [recipient])).invitations;
  expect((await visit(invitation!.links["4"]!)).status).toBe(200);
}

beforeEach(() => {
  // Deliveries to the webhook below stay inside the test.
  vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(null, { status: 204 }));
});
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  await createSurvey("email-on-responses");
  await createSurvey("email-on-webhooks");
});

describe("the email on responses", () => {
  it("is the invitation's address, else the person's, else null", async () => {
    await tap("email-on-responses", { recipient: "with-invitation-email", email: "Invited@Example.com" });
    expect((await api("POST", "/api/v1/people", { body: { recipient: "known-person", email: "known@example.com" } })).status).toBe(200);
    await tap("email-on-responses", { recipient: "known-person" });
    await tap("email-on-responses", { recipient: "nobody-knows" });
    // The invitation's address wins over one the person was given later.
    await tap("email-on-responses", { recipient: "moved", email: "old@example.com" });
    expect((await api("POST", "/api/v1/people", { body: { recipient: "moved", email: "new@example.com" } })).status).toBe(200);

    const emails = await responsesOf("email-on-responses");
    expect(emails.get("with-invitation-email")).toBe("Invited@Example.com");
    expect(emails.get("known-person")).toBe("known@example.com");
    expect(emails.get("nobody-knows")).toBeNull();
    expect(emails.get("moved")).toBe("old@example.com");
  });

  it("is in the NDJSON export's lines too", async () => {
    const response = await api("GET", "/api/v1/surveys/email-on-responses/responses?format=ndjson");
    const lines = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as Listed);
    expect(lines.find((l) => l.recipient === "known-person")?.email).toBe("known@example.com");
  });

  it("is in an ingested response's answer and its response.created webhook", async () => {
    const hook = await api("POST", "/api/v1/webhooks", { body: { url: "https://hooks.example.com/people", events: ["response.created"], survey: "email-on-webhooks" } });
    expect(hook.status).toBe(201);
    expect((await api("POST", "/api/v1/people", { body: { recipient: "kiosk-visitor", email: "kiosk@example.com" } })).status).toBe(200);
    const ingested = await api("POST", "/api/v1/surveys/email-on-webhooks/responses", {
      body: { recipient: "kiosk-visitor", score: 5 },
      headers: { "idempotency-key": "people-kiosk-1" },
    });
    expect(ingested.status).toBe(201);
    expect(await ingested.json()).toMatchObject({ recipient: "kiosk-visitor", email: "kiosk@example.com" });

    const delivery = await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE survey_id = 'email-on-webhooks' AND event = 'response.created'").first<{ body: string }>();
    const payload = JSON.parse(delivery!.body) as { data: { response: Listed } };
    expect(payload.data.response).toMatchObject({ recipient: "kiosk-visitor", email: "kiosk@example.com" });

    const replayed = await api("POST", "/api/v1/surveys/email-on-webhooks/responses", {
      body: { recipient: "kiosk-visitor", score: 5 },
      headers: { "idempotency-key": "people-kiosk-1" },
    });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ email: "kiosk@example.com" });
  });

  it("is null in a webhook when no address is known", async () => {
    const ingested = await api("POST", "/api/v1/surveys/email-on-webhooks/responses", {
      body: { recipient: "anonymous-kiosk", score: 2 },
      headers: { "idempotency-key": "people-kiosk-2" },
    });
    expect(await ingested.json()).toMatchObject({ email: null });
    const { results } = await env.DB.prepare("SELECT body FROM webhook_deliveries WHERE survey_id = 'email-on-webhooks' AND event = 'response.created'").all<{ body: string }>();
    const anonymous = results.map((r) => (JSON.parse(r.body) as { data: { response: Listed } }).data.response).find((r) => r.recipient === "anonymous-kiosk");
    expect(anonymous).toMatchObject({ email: null });
  });
});
