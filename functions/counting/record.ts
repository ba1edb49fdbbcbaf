import { SWEEP_GAP_MS, answerTime, decide } from "./counting-rule";
import type { RequestFacts } from "./request-signals";
import type { EventKind, NewEvent, StoredEvent } from "../storage/events";
import { appendEvent, historyOf, landed, readAnswer, storedEvent, withEvents, writeAnswer, type StoredAnswer } from "../storage/answers";
import type { Decision } from "../storage/responses";
import { announceResponseChange, watchResponse } from "../webhooks/announce";
import type { Outbox } from "../webhooks/deliver";

/** Sweeps chain requests at most SWEEP_GAP_MS apart: a lone tap's webhooks wait two gaps to see whether one follows. */
export const SETTLE_MS = 2 * SWEEP_GAP_MS;

/**
 * How often a choice is decided again when another write to its invitation came between its read and
 * its write. Only a burst of requests for one invitation within milliseconds gets past the first.
 */
export const DECIDE_ATTEMPTS = 4;

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

export interface RecordOptions {
  /** Sends webhook deliveries after the response; without one the cron sends them. */
  outbox?: Outbox | undefined;
  /** The answer as the caller already read it (with the link, in the same round trip). */
  known?: StoredAnswer | undefined;
  /** More statements for the write's batch (each attempt's), idempotent. */
  also?: readonly D1PreparedStatement[] | undefined;
}

/**
 * Keeps the raw event and the decision the counting rule makes from the invitation's whole history, in
 * one write. With the answer already read (`known`, read with the link in the same round trip), a tap
 * is one more round trip. If another write came between, it reads and decides again;
 * after DECIDE_ATTEMPTS the event is kept undecided and the cron decides it (functions/counting/repair.ts).
 * Either way the event is stored before this returns.
 */
export async function recordChoice(db: D1Database, choice: Choice, options: RecordOptions = {}): Promise<Decision | null> {
  const added = [storedEvent(eventOf(choice))];
  let before = options.known;
  for (let attempt = 0; attempt < DECIDE_ATTEMPTS; attempt++) {
    before ??= await readAnswer(db, choice.invitationId);
    const input = { invitationId: choice.invitationId, surveyId: choice.surveyId, before, added, comment: choice.comment, now: choice.now, also: options.also };
    const written = await decideAndWrite(db, input, options.outbox);
    if (written.landed) return written.decision;
    before = undefined;
  }
  await appendEvent(db, choice.surveyId, eventOf(choice), { stale: true, now: choice.now, comment: choice.comment }).run();
  return null;
}

export interface DecisionInput {
  invitationId: string;
  surveyId: string;
  before: StoredAnswer;
  added: readonly StoredEvent[];
  comment?: string | null | undefined;
  now: number;
  also?: readonly D1PreparedStatement[] | undefined;
}

export interface PlannedDecision {
  /** The statements of the write, in order, for a batch of one or of many. */
  statements: D1PreparedStatement[];
  /** Given those statements' results: whether the write landed; webhooks hear of a change that did. */
  settle(results: readonly D1Result[]): Promise<{ landed: boolean; decision: Decision | null }>;
}

/**
 * Decides over before + added and plans the write of both, guarded by before's version, with the
 * webhook watch around it. `landed: false` means another write came first and nothing was written.
 */
export function planDecision(db: D1Database, input: DecisionInput, outbox?: Outbox): PlannedDecision {
  const events = withEvents(input.before.events, input.added);
  const history = historyOf(events);
  const decision = decide(history);
  const override = decision?.reason === "override" ? (decision.status === "counted" ? "counted" : "excluded") : null;
  // The answer's time comes from the events, never from this write's clock: a queued or repaired tap keeps its own.
  const answeredAt = answerTime(history) ?? input.now;
  const write = writeAnswer(db, { ...input, events, decision, override, answeredAt });
  // Webhooks compare the response as read (the state the guarded write lands on) with the one after it.
  const { decision: was, comment } = input.before;
  const watch = watchResponse(db, input.invitationId, input.surveyId, was && { score: was.score, comment, status: was.status });
  return {
    statements: [write, ...(input.also ?? []), ...watch.after],
    settle: async (results) => {
      const written = landed(results[0]);
      if (!written) return { landed: false, decision };
      if (written.event_seq !== null) {
        await announceResponseChange(db, watch.read(results), { eventSeq: written.event_seq, now: input.now, settleMs: SETTLE_MS, outbox });
      }
      return { landed: true, decision };
    },
  };
}

/** planDecision, written in a batch of its own. */
export async function decideAndWrite(db: D1Database, input: DecisionInput, outbox?: Outbox): Promise<{ landed: boolean; decision: Decision | null }> {
  const plan = planDecision(db, input, outbox);
  return plan.settle(await db.batch(plan.statements));
}
