import { getSubscriber, insertAttemptedDelivery, type AttemptOutcome, type Subscriber } from "../storage/webhooks";
import { newMessageId } from "./announce";
import { attemptDelivery, defaultSend, webhookUrlRules, type DeliveryEnv, type Send } from "./deliver";
import { delightedTestBody } from "./delighted-events";
import { envelope } from "./payloads";
import { isDelivered } from "./retry";

/**
 * The test event, sent when someone asks (POST /api/v1/webhooks/{id}/test, or the Settings page):
 * one delivery, signed and sent like any other, right away, and filed in the endpoint's delivery log
 * with its one attempt. It is not retried: whoever asked sees the outcome now and can ask again, and
 * a test arriving hours later, once an endpoint is fixed, would only confuse its owner.
 */

export const TEST_EVENT = "webhook.test";

const TEST_MESSAGE = "A test event, sent on request from Tapscore. It says nothing about any survey, response or person.";

/** The body in the endpoint's format. Pure. */
export function testEventBody(endpoint: Pick<Subscriber, "id" | "format" | "events" | "survey">, messageId: string, at: number): string {
  const about = { webhook: { id: endpoint.id, format: endpoint.format, events: endpoint.events, survey: endpoint.survey }, message: TEST_MESSAGE };
  if (endpoint.format === "slack") return JSON.stringify({ text: `:wave: Tapscore test event for webhook ${endpoint.id}: this channel receives Tapscore's events. Nothing was answered.` });
  if (endpoint.format === "delighted") return delightedTestBody(messageId, about);
  return envelope(TEST_EVENT, at, about);
}

export interface TestDelivery {
  /** The delivery's id: its webhook-id header, and its row in the delivery log. */
  id: string;
  outcome: AttemptOutcome;
  delivered: boolean;
}

/** Sends the test event to one endpoint and logs it; null when no endpoint has this id (or it went meanwhile). */
export async function sendTestEvent(env: DeliveryEnv, webhookId: string, now = Date.now(), send: Send = defaultSend): Promise<TestDelivery | null> {
  const endpoint = await getSubscriber(env.DB, webhookId);
  if (!endpoint) return null;
  const id = newMessageId();
  const body = testEventBody(endpoint, id, now);
  const outcome = await attemptDelivery(send, { id, url: endpoint.url, secret: endpoint.secret, format: endpoint.format, body, attempts: 0 }, now, webhookUrlRules(env));
  const delivered = isDelivered(outcome);
  const logged = await insertAttemptedDelivery(
    env.DB,
    { id, webhook_id: endpoint.id, dedupe_key: `${endpoint.id}:test:${id}`, event: TEST_EVENT, survey_id: null, invitation_id: null, body, created_at: now },
    outcome,
    delivered ? "delivered" : "failed",
  );
  return logged ? { id, outcome, delivered } : null;
}
