import { describe, expect, it } from "vitest";
import { type ResponseSnapshot, WEBHOOK_EVENTS } from "../../functions/storage/webhooks";
import { delightedResponseBody, delightedUnsubscribeBody, hasDelightedShape } from "../../functions/webhooks/delighted-events";
import { unsubscribeBody } from "../../functions/webhooks/payloads";
import { delightedSignature } from "../../functions/webhooks/signing";

/** The bodies of the delighted format and of unsubscribe.created, written by hand. */

const survey = { id: "support", name: "Support & <co>", metric: "nps" as const, scale: { min: 0, max: 10 }, satisfied_min: 9 };
const response: ResponseSnapshot = {
  id: "rsp_x",
  invitation: "inv_x",
  recipient: "cust-1",
  email: "cust-1@example.com",
  score: 9,
  comment: "Fast",
  status: "counted",
  reason: "confirmed",
  override: null,
  locale: "en",
  properties: { plan: "pro" },
  created_at: Date.UTC(2026, 2, 1, 9, 0, 0, 999),
  updated_at: Date.UTC(2026, 2, 1, 9, 5),
};
const person = {
  id: "cust-1",
  email: "cust-1@example.com",
  name: "Ann",
  phone_number: null,
  created_at: 1772000000,
  last_sent_at: 1772300000,
  last_responded_at: 1772355600,
  next_survey_scheduled_at: null,
};

describe("delighted bodies", () => {
  it("show a new response as survey_response.created with the person expanded", () => {
    expect(JSON.parse(delightedResponseBody("response.created", "msg_1", survey, response, person))).toEqual({
      event_type: "survey_response.created",
      event_id: "msg_1",
      event_data: {
        id: "rsp_x",
        person,
        survey_type: "nps",
        score: 9,
        comment: "Fast",
        permalink: "/api/v1/responses/rsp_x",
        // 2026-03-01T09:00:00.999Z and 09:05Z in Unix seconds.
        created_at: 1772355600,
        updated_at: 1772355900,
        person_properties: { plan: "pro" },
        notes: [],
        tags: [],
        additional_answers: [],
      },
    });
  });

  it("name an update survey_response.updated, and show the person's id when no person is stored", () => {
    const body = JSON.parse(delightedResponseBody("response.updated", "msg_2", survey, { ...response, comment: null }, null)) as Record<string, Record<string, unknown>>;
    expect(body.event_type).toBe("survey_response.updated");
    expect(body.event_data).toMatchObject({ person: "cust-1", comment: null });
  });

  it("show an unsubscribe as the person, or only the address when no one has it", () => {
    expect(JSON.parse(delightedUnsubscribeBody("msg_3", "cust-1@example.com", person))).toEqual({ event_type: "unsubscribe.created", event_id: "msg_3", event_data: person });
    expect(delightedUnsubscribeBody("msg_4", "x@example.com", null)).toBe('{"event_type":"unsubscribe.created","event_id":"msg_4","event_data":{"email":"x@example.com"}}');
  });

  it("exist only for the events Delighted had", () => {
    expect(WEBHOOK_EVENTS.filter(hasDelightedShape)).toEqual([
      "response.created",
      "response.updated",
      "unsubscribe.created",
    ]);
  });

  it("are signed as Delighted did: hex HMAC-SHA256 of the body under the secret's text", async () => {
    // printf '%s' BODY | openssl dgst -sha256 -hmac 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const body = '{"event_type":"unsubscribe.created","event_id":"msg_1","event_data":{"email":"a@example.com"}}';
    expect(await delightedSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", body)).toBe("9dea3035902bb22a05514a7034aff83208e8a8062ac7e7e3579ccbc1ba4e0ece");
  });
});

describe("unsubscribe.created in the other formats", () => {
  const unsubscribed = { email: "cust-1@example.com", recipient: "cust-1", survey, source: "link" as const };

  it("is the standard envelope with the address, the person's id, where it came from and the survey", () => {
    expect(JSON.parse(unsubscribeBody("standard", unsubscribed, Date.UTC(2026, 2, 1, 9)))).toEqual({
      type: "unsubscribe.created",
      timestamp: "2026-03-01T09:00:00.000Z",
      data: {
        email: "cust-1@example.com",
        recipient: "cust-1",
        source: "link",
        survey: { id: "support", name: "Support & <co>", metric: "nps", scale: { min: 0, max: 10 } },
      },
    });
    expect(JSON.parse(unsubscribeBody("standard", { ...unsubscribed, recipient: null, survey: null, source: "api" }, 0))).toMatchObject({
      data: { email: "cust-1@example.com", recipient: null, source: "api", survey: null },
    });
  });

  it("is a short Slack message, escaped for mrkdwn", () => {
    expect(JSON.parse(unsubscribeBody("slack", { ...unsubscribed, email: "<!here>@example.com" }, 0))).toEqual({
      text: ":no_bell: &lt;!here&gt;@example.com unsubscribed from *Support &amp; &lt;co&gt;*: Tapscore sends them no more survey emails.",
    });
    expect(JSON.parse(unsubscribeBody("slack", { ...unsubscribed, survey: null }, 0))).toEqual({
      text: ":no_bell: cust-1@example.com unsubscribed: Tapscore sends them no more survey emails.",
    });
  });
});
