import { SWEEP_GAP_MS, answerTime, decide } from "./counting-rule";
import type { RequestFacts } from "./request-signals";
import { recordEvent, type EventKind, type NewEvent, type RuleEvent } from "../storage/events";
import { setComment, upsertDecision, type Decision } from "../storage/responses";
import { touchBucket } from "../storage/rollups";
import { announceResponseChange, watchResponse } from "../webhooks/announce";
import type { Outbox } from "../webhooks/deliver";

/** Sweeps chain requests at most SWEEP_GAP_MS apart: a lone tap's webhooks wait two gaps to see whether one follows. */
export const SETTLE_MS = 2 * SWEEP_GAP_MS;

export interface Choice {
  invitationId: string;
  surveyId: string;
  kind: EventKind;
  score: number | null;
  facts: RequestFacts;
  /** A comment to keep (null clears it); undefined leaves the stored one alone. */
  comment?: string | null;
  now: number;
}

/** The raw event a choice is stored as, directly or through the queue. */
export function eventOf(choice: Choice): NewEvent {
  return {
    invitation_id: choice.invitationId,
    kind: choice.kind,
    score: choice.score,
    at: choice.now,
    client: choice.facts.client,
    asn: choice.facts.asn,
    country: choice.facts.country,
    signals: choice.facts.signals,
  };
}

/**
 * Keeps the raw event, re-decides the invitation from its whole history with the counting rule and
 * writes that decision. Three round trips; the decision write is guarded by the event sequence, so
 * concurrent requests for one invitation settle on the decision that saw the most events.
 */
export async function recordChoice(db: D1Database, choice: Choice, outbox?: Outbox): Promise<Decision | null> {
  const history = await recordEvent(db, eventOf(choice));
  return writeDecision(db, choice.invitationId, choice.surveyId, history, choice.now, choice.comment, outbox);
}

export async function writeDecision(
  db: D1Database,
  invitationId: string,
  surveyId: string,
  history: readonly RuleEvent[],
  now: number,
  comment?: string | null,
  /** Sends webhook deliveries after the response; without one the cron sends them. */
  outbox?: Outbox,
  /**
   * Re-deciding unchanged events under a changed rule: the decision replaces one made from as many
   * events, and the rollups recount its day (they follow new event sequence numbers, and this has none).
   */
  rewrite = false,
): Promise<Decision | null> {
  const decision = decide(history);
  if (!decision) return null;
  const eventSeq = Math.max(...history.map((e) => e.seq));
  const override = decision.reason === "override" ? (decision.status === "counted" ? "counted" : "excluded") : null;
  // The answer's time comes from the events, never from this write's clock: a queued or repaired tap keeps its own.
  const answeredAt = answerTime(history) ?? now;
  const statements = [upsertDecision(db, { invitationId, surveyId, decision, override, eventSeq, answeredAt, now, rewrite })];
  if (rewrite) statements.push(touchBucket(db, surveyId, answeredAt));
  if (comment !== undefined) statements.push(setComment(db, invitationId, comment, now));
  // Webhooks compare the response before and after this write, read atomically with it.
  const watch = watchResponse(db, invitationId, surveyId);
  const results = await db.batch([watch.before, ...statements, ...watch.after]);
  await announceResponseChange(db, watch.read(results), { eventSeq, now, settleMs: SETTLE_MS, outbox });
  return decision;
}
