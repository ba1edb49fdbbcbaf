import type { ResponseState, WebhookEvent } from "../storage/webhooks";
import type { Metric } from "../scoring/metrics";
import { isLowScore } from "../scoring/summary";

/** Which webhook events exist and when a stored response change raises them. Pure. */

export type ResponseEvent = Extract<WebhookEvent, "response.created" | "response.updated" | "response.low_score">;

export interface PlannedEvent {
  event: ResponseEvent;
  /** Unique per invitation and endpoint: a retried or repeated write never enqueues a second copy. */
  key: string;
}

/**
 * The events one write raised, from the response before it (as the writer read it) and after it
 * (read in the same batch).
 * Only counted responses are announced, and nothing is said about a response that is now suspected
 * (scanner clicks), so a receiver never hears about a score that does not count.
 * - created: the response became counted and had not been counted before (excluded → counted is
 *   an admin reversing a decision about a response receivers may already know, so it is an update);
 * - updated: a counted response changed score, comment or status (including leaving `counted`);
 * - low_score: a counted response got a low score, on creation or when its score changed.
 */
export function responseEvents(
  prior: ResponseState | null,
  after: ResponseState | null,
  survey: { metric: Metric; satisfied_min: number },
  eventSeq: number,
): PlannedEvent[] {
  // Suspected means a scanner: a tap it made counted only until its sweep showed up, so nothing is said.
  if (!after || after.status === "suspected") return [];
  const wasCounted = prior?.status === "counted";
  const isCounted = after.status === "counted";
  const events: PlannedEvent[] = [];
  if (isCounted && !wasCounted && prior?.status !== "excluded") {
    events.push({ event: "response.created", key: "created" });
  } else if (prior && (wasCounted || isCounted) && changed(prior, after)) {
    events.push({ event: "response.updated", key: `updated:${eventSeq}` });
  }
  const scoreNew = !wasCounted || prior?.score !== after.score;
  if (isCounted && scoreNew && isLowScore(survey, after.score)) {
    events.push({ event: "response.low_score", key: `low_score:${eventSeq}` });
  }
  return events;
}

const changed = (a: ResponseState, b: ResponseState) => a.score !== b.score || a.comment !== b.comment || a.status !== b.status;
