import { CLIENT_CLASSES } from "../storage/events";
import * as v from "valibot";
import { eventOf, type Choice } from "../counting/record";

/**
 * The body of a TAPS queue message: one respondent choice, as the route saw it. Pure. The id is made
 * when the tap is sent and travels with every redelivery, so the consumer can write it exactly once.
 */
export interface TapMessage {
  id: string;
  invitation_id: string;
  survey_id: string;
  kind: "tap" | "choose" | "comment";
  score: number | null;
  /** When the person tapped: the counting rule weighs times, so they are the request's, not the consumer's. */
  at: number;
  client: Choice["facts"]["client"];
  asn: number | null;
  country: string | null;
  signals: Choice["facts"]["signals"];
  /** A comment to keep (null clears it); absent leaves the stored one alone. */
  comment?: string | null;
}

export type IngestMode = "direct" | "queue";

/** Anything but "queue" is the default, so a typo in [vars] never silently drops taps into a queue. */
export const ingestMode = (value: string | undefined): IngestMode => (value === "queue" ? "queue" : "direct");

export function toMessage(id: string, choice: Choice): TapMessage {
  const { kind } = choice;
  if (kind !== "tap" && kind !== "choose" && kind !== "comment") {
    throw new Error(`only respondent choices are queued, not "${kind}"`);
  }
  const message: TapMessage = { id, survey_id: choice.surveyId, ...eventOf(choice), kind };
  if (choice.comment !== undefined) message.comment = choice.comment;
  return message;
}

// Only this Worker sends to the queue, but a message outlives deploys: check the shape before writing it.
const TapMessageSchema = v.object({
  id: v.pipe(v.string(), v.minLength(8), v.maxLength(64)),
  invitation_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  survey_id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  kind: v.picklist(["tap", "choose", "comment"]),
  score: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10))),
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  client: v.picklist(CLIENT_CLASSES),
  asn: v.nullable(v.pipe(v.number(), v.integer())),
  country: v.nullable(v.string()),
  signals: v.record(v.string(), v.union([v.string(), v.boolean()])),
  comment: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(10_000)))),
});

export function parseTapMessage(body: unknown): TapMessage | null {
  const result = v.safeParse(TapMessageSchema, body);
  return result.success ? (result.output as TapMessage) : null;
}

/** Seconds before a batch D1 could not take is offered again: 10 s, 20 s, 40 s … at most 15 minutes. */
export const retryDelaySeconds = (attempts: number): number => Math.min(10 * 2 ** Math.max(0, attempts - 1), 900);

/**
 * Message ids start with the send time in fixed-width base 36, so ids sort by age; the consumer finds
 * an id it already wrote among its invitation's events (answers.events[].message).
 */
export function tapMessageId(now: number, random: string): string {
  return `tap_${now.toString(36).padStart(9, "0")}_${random}`;
}
