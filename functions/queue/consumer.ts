import { planDecision, type PlannedDecision } from "../counting/record";
import { NO_ANSWER, readAnswers, storedEvent, type StoredAnswer } from "../storage/answers";
import type { StoredEvent } from "../storage/events";
import { webhookOutbox } from "../webhooks/deliver";
import { parseTapMessage, retryDelaySeconds, type TapMessage } from "./messages";

/**
 * The TAPS queue consumer (INGEST_MODE = "queue"). Queues deliver at least once, in batches:
 * 1. the answers of every invitation in the batch are read in one statement;
 * 2. each invitation's new events (message ids not among its stored events, nor the same tap stored
 *    before message ids were kept) are written with the decision made from its whole history, in a
 *    write that lands only on the version read, as the direct path does; all of the batch's writes go
 *    in one transaction. A message already stored is acknowledged and writes nothing twice.
 * A batch D1 refuses (overloaded, unavailable) is retried whole with backoff; an invitation whose write
 * lost a race has its messages retried, and the redelivery reads and decides again. After max_retries
 * (wrangler.toml) Queues moves a message to the dead-letter queue.
 */
export async function consumeTaps(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const valid: { message: Message<unknown>; tap: TapMessage }[] = [];
  for (const message of batch.messages) {
    const tap = parseTapMessage(message.body);
    if (tap) valid.push({ message, tap });
    else {
      // No retry can repair a malformed body; only its id is logged, never its content.
      console.error("TAPS: dropped a malformed message", message.id);
      message.ack();
    }
  }
  if (valid.length === 0) return;
  const retry = (message: Message<unknown>) => message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });

  // The same tap may come twice in one batch; the person's order is the order of their requests.
  const unique = [...new Map(valid.map((v) => [v.tap.id, v.tap])).values()].sort((a, b) => a.at - b.at);
  const byInvitation = Map.groupBy(unique, (tap) => tap.invitation_id);
  let answers: Map<string, StoredAnswer>;
  try {
    answers = await readAnswers(env.DB, [...byInvitation.keys()]);
  } catch (error) {
    console.error("TAPS: reading the batch's answers failed, retrying", error instanceof Error ? error.name : typeof error);
    for (const { message } of valid) retry(message);
    return;
  }

  const outbox = webhookOutbox(env, ctx);
  const now = Date.now();
  const plans: { invitationId: string; plan: PlannedDecision }[] = [];
  for (const [invitationId, taps] of byInvitation) {
    const before = answers.get(invitationId) ?? NO_ANSWER;
    const stored = new Set(before.events.map((event) => event.message));
    // Events written before message ids were kept (migration 0008) name none: the same choice with the
    // same facts at the same millisecond is that tap, redelivered across the upgrade.
    const unnamed = new Set(before.events.filter((event) => event.message === undefined).map(sameTapKey));
    const fresh = taps.filter((tap) => !stored.has(tap.id) && !unnamed.has(sameTapKey(toEvent(tap))));
    if (fresh.length === 0) continue;
    // Only a comment of this delivery is applied, and only if no later comment is known: queues keep
    // no order, so an old comment whose first delivery was retried may arrive last.
    const latestComment = Math.max(...before.events.filter((event) => event.kind === "comment").map((event) => event.at));
    const commented = fresh.filter((t) => t.comment !== undefined && t.at >= latestComment).at(-1);
    const added = fresh.map((tap) => storedEvent(toEvent(tap), tap.id));
    plans.push({ invitationId, plan: planDecision(env.DB, { invitationId, surveyId: taps[0]!.survey_id, before, added, comment: commented?.comment, now }, outbox) });
  }

  // Every invitation's write in one transaction: one commit for the whole batch.
  const failed = new Set<string>();
  if (plans.length > 0) {
    let results: D1Result[];
    try {
      results = await env.DB.batch(plans.flatMap(({ plan }) => plan.statements));
    } catch (error) {
      console.error("TAPS: write failed, retrying", error instanceof Error ? error.name : typeof error);
      for (const { message } of valid) retry(message);
      return;
    }
    let offset = 0;
    for (const { invitationId, plan } of plans) {
      const own = results.slice(offset, (offset += plan.statements.length));
      if (!(await plan.settle(own)).landed) failed.add(invitationId);
    }
  }
  for (const { message, tap } of valid) {
    if (failed.has(tap.invitation_id)) retry(message);
    else message.ack();
  }
}

const toEvent = ({ id: _id, survey_id: _survey, comment: _comment, ...event }: TapMessage) => event;

const sameTapKey = (event: Omit<StoredEvent, "message">) =>
  JSON.stringify([event.kind, event.score, event.at, event.client, event.asn, event.country, event.signals]);
