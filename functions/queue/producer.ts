import { recordChoice, type Choice } from "../counting/record";
import type { StoredAnswer } from "../storage/answers";
import { base64url, randomBytes } from "../security/secrets";
import { webhookOutbox } from "../webhooks/deliver";
import { ingestMode, tapMessageId, toMessage } from "./messages";

/**
 * Where a respondent's choice goes once the route has validated it: straight into D1 (the default),
 * or, with INGEST_MODE = "queue", onto the TAPS queue, answered at once and written by the consumer.
 * `known` is the invitation's answer as read with its link. A send that fails throws, so the person
 * gets the retry-safe page, as when D1 fails.
 */
export async function recordOrSend(env: Env, ctx: ExecutionContext, choice: Choice, known?: StoredAnswer): Promise<void> {
  if (ingestMode(env.INGEST_MODE) === "queue") {
    await env.TAPS.send(toMessage(tapMessageId(choice.now, base64url(randomBytes(15))), choice), { contentType: "json" });
    return;
  }
  await recordChoice(env.DB, choice, { outbox: webhookOutbox(env, ctx), known });
}
