import { getPersonView, listPeopleViews, type PersonView } from "../storage/people";
import { suppressionKey, type SuppressionSource } from "../storage/suppressions";
import { getSurvey } from "../storage/surveys";
import { latestInvitationOf, type NewDelivery, subscribersOf, unsubscribeWithDeliveries } from "../storage/webhooks";
import { newMessageId, wants } from "./announce";
import { delightedUnsubscribeBody } from "./delighted-events";
import { presentPerson } from "./delighted-format";
import { unsubscribeBody, type Unsubscribed } from "./payloads";

/**
 * The unsubscribe list and the `unsubscribe.created` event together: every way an address goes on the
 * list (the person's link, Tapscore's API, the Delighted-compatible API) goes through here, so no way
 * forgets to announce it.
 */

export interface Unsubscribe {
  /** As given; the list keeps it, and events show it, lower-cased. */
  email: string;
  /** link: the person's unsubscribe link; api: a team's call, through either API. */
  source: SuppressionSource;
  /**
   * The survey it came through: the link's invitation's, or a Delighted key's. Endpoints of that
   * survey and of every survey hear of it. Null (Tapscore's API, which has none): every endpoint
   * subscribed hears of it, since the address is off every survey's list.
   */
  surveyId: string | null;
  /** The person, when the caller knows them (the link's invitation); otherwise found by the address. */
  recipient?: string | null | undefined;
  /** The invitation it came through, when known: erasing the person erases the event's deliveries with it. */
  invitationId?: string | null | undefined;
  now: number;
}

/**
 * Puts the address on the unsubscribe list and queues `unsubscribe.created` for the endpoints that
 * subscribed, in one batch. Answers true when the address is new on the list; an address already on
 * it keeps its first record and announces nothing again. Deliveries go out with the cron's next run.
 */
export async function announceUnsubscribe(db: D1Database, unsubscribe: Unsubscribe): Promise<boolean> {
  const email = suppressionKey(unsubscribe.email);
  const entry = { email, reason: "unsubscribed", source: unsubscribe.source, survey_id: unsubscribe.surveyId, created_at: unsubscribe.now } as const;
  const endpoints = (await subscribersOf(db, unsubscribe.surveyId)).filter((endpoint) => wants(endpoint, "unsubscribe.created"));
  if (endpoints.length === 0) return (await unsubscribeWithDeliveries(db, entry, [])).created;

  const [survey, person] = await Promise.all([
    unsubscribe.surveyId === null ? null : getSurvey(db, unsubscribe.surveyId),
    personOf(db, unsubscribe.recipient ?? null, email),
  ]);
  const recipient = person?.recipient ?? unsubscribe.recipient ?? null;
  const invitationId = unsubscribe.invitationId ?? (recipient === null ? null : await latestInvitationOf(db, recipient));
  const unsubscribed: Unsubscribed = { email, recipient, survey, source: unsubscribe.source };
  const deliveries = endpoints.map((endpoint): NewDelivery => {
    const id = newMessageId();
    return {
      id,
      webhook_id: endpoint.id,
      // The event is announced once by the batch's own check; the key only has to be unique.
      dedupe_key: `${endpoint.id}:unsubscribe:${id}`,
      event: "unsubscribe.created",
      survey_id: unsubscribe.surveyId,
      invitation_id: invitationId,
      body:
        endpoint.format === "delighted"
          ? delightedUnsubscribeBody(id, email, person ? presentPerson(person) : null)
          : unsubscribeBody(endpoint.format, unsubscribed, unsubscribe.now),
      next_attempt_at: unsubscribe.now,
      created_at: unsubscribe.now,
    };
  });
  return (await unsubscribeWithDeliveries(db, entry, deliveries)).created;
}

async function personOf(db: D1Database, recipient: string | null, email: string): Promise<PersonView | null> {
  if (recipient !== null) return getPersonView(db, recipient);
  return (await listPeopleViews(db, { after: null, limit: 1, email }))[0] ?? null;
}
