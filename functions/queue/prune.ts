import { pruneQueueMessages } from "../storage/events";
import { QUEUE_RETENTION_MS, tapMessageIdBound } from "./messages";

const PER_TICK = 5_000;

/** Run by the cron: drops the ids of messages the queue can no longer redeliver. */
export function pruneSeenMessages(env: Pick<Env, "DB">, now: number): Promise<number> {
  return pruneQueueMessages(env.DB, tapMessageIdBound(now - QUEUE_RETENTION_MS - 86_400_000), PER_TICK);
}
