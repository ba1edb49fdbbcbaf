import type { ResponseSnapshot, SurveyFacts, WebhookEvent } from "../storage/webhooks";
import { type DelightedPerson, presentSurveyResponse, responsePermalink } from "./delighted-format";

/**
 * The bodies a `format: "delighted"` endpoint receives: Delighted's `{ event_type, event_id, event_data }`,
 * so a receiver written for Delighted keeps working. Pure; the string is stored with the delivery.
 */

/** Tapscore's events that Delighted had, under Delighted's names. The others have no Delighted shape. */
export const DELIGHTED_EVENT_TYPES = {
  "response.created": "survey_response.created",
  "response.updated": "survey_response.updated",
  "unsubscribe.created": "unsubscribe.created",
} as const satisfies Partial<Record<WebhookEvent, string>>;

export type DelightedEvent = keyof typeof DELIGHTED_EVENT_TYPES;

export const hasDelightedShape = (event: WebhookEvent): event is DelightedEvent => event in DELIGHTED_EVENT_TYPES;

function event(type: DelightedEvent, eventId: string, data: object): string {
  return JSON.stringify({ event_type: DELIGHTED_EVENT_TYPES[type], event_id: eventId, event_data: data });
}

/** A response event; the person expanded, as Delighted's webhooks showed them (their id when unknown). */
export function delightedResponseBody(
  type: Extract<DelightedEvent, "response.created" | "response.updated">,
  eventId: string,
  survey: SurveyFacts,
  response: ResponseSnapshot,
  person: DelightedPerson | null,
): string {
  return event(type, eventId, presentSurveyResponse({ response, survey, person, permalink: responsePermalink(null, response.id) }));
}

/** An unsubscribe: the person, or only the address when no person has it. */
export function delightedUnsubscribeBody(eventId: string, email: string, person: DelightedPerson | null): string {
  return event("unsubscribe.created", eventId, person ?? { email });
}

/**
 * The test event sent on request, in Delighted's envelope under a type Delighted never sent: a receiver
 * that acts on survey_response.* or unsubscribe.created ignores it, and nothing looks like an answer.
 */
export function delightedTestBody(eventId: string, data: object): string {
  return JSON.stringify({ event_type: "webhook.test", event_id: eventId, event_data: data });
}
