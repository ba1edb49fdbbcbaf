import { writeDecision } from "../counting/record";
import { recordQueuedEvents, type QueuedEvent, type QueuedWrite } from "../storage/events";
import { webhookOutbox } from "../webhooks/deliver";
import { parseTapMessage, retryDelaySeconds, type TapMessage } from "./messages";

/**
 * The TAPS queue consumer (INGEST_MODE = "queue"). Queues deliver at least once, in batches:
 * 1. every event of the batch is written in one transaction, each message id at most once ever;
 * 2. every touched invitation is re-decided once from its whole history, as the direct path does.
 * A batch whose events D1 refuses (overloaded, unavailable) is retried whole with backoff; an
 * invitation whose decision fails has its messages retried, and the redelivery writes no event twice
 * but decides again. After max_retries (wrangler.toml) Queues moves a message to the dead-letter queue.
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
  let written: QueuedWrite;
  try {
    written = await recordQueuedEvents(env.DB, unique.map(toQueuedEvent));
  } catch (error) {
    console.error("TAPS: event batch failed, retrying", error instanceof Error ? error.name : typeof error);
    for (const { message } of valid) retry(message);
    return;
  }

  const outbox = webhookOutbox(env, ctx);
  const now = Date.now();
  const byInvitation = Map.groupBy(unique, (tap) => tap.invitation_id);
  const failed = new Set<string>();
  await Promise.all(
    [...byInvitation].map(async ([invitationId, taps]) => {
      const history = written.histories.get(invitationId) ?? [];
      // Only a comment written by this delivery is applied, and only if no later comment is known:
      // queues keep no order, so an old comment whose first delivery was retried may arrive last.
      const latestComment = Math.max(...history.filter((event) => event.kind === "comment").map((event) => event.at));
      const commented = taps.filter((t) => t.comment !== undefined && written.fresh.has(t.id) && t.at >= latestComment).at(-1);
      try {
        await writeDecision(env.DB, invitationId, taps[0]!.survey_id, history, now, commented?.comment, outbox);
      } catch (error) {
        console.error("TAPS: decision failed, retrying", error instanceof Error ? error.name : typeof error);
        failed.add(invitationId);
      }
    }),
  );
  for (const { message, tap } of valid) {
    if (failed.has(tap.invitation_id)) retry(message);
    else message.ack();
  }
}

const toQueuedEvent = ({ id, survey_id: _survey, comment: _comment, ...event }: TapMessage): QueuedEvent => ({ message_id: id, ...event });
