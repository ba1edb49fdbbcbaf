import { ApiError } from "../http/errors";
import { newInvitationId } from "../links/invitation-id";
import { decide } from "../counting/counting-rule";
import { SETTLE_MS } from "../counting/record";
import { sha256Hex } from "../security/secrets";
import { NO_ANSWER, landed, storedEvent, writeAnswer } from "../storage/answers";
import { findIdempotencyKey, insertIdempotencyKey } from "../storage/idempotency-keys";
import { insertIngestedInvitationStatement } from "../storage/invitations";
import { getPeople } from "../storage/people";
import { responseId, type ResponseRecord } from "../storage/responses";
import type { StoredSurvey } from "../storage/surveys";
import { announceResponseChange, watchResponse } from "../webhooks/announce";
import type { Outbox } from "../webhooks/deliver";
import { canonicalInput, type IngestInput } from "./input";
import { teamFacts } from "../counting/request-signals";

export interface IngestResult {
  /** True when this key was seen before with the same request: nothing was written this time. */
  replayed: boolean;
  response: ResponseRecord;
}

const scopeOf = (surveyId: string) => `responses:${surveyId}`;

/**
 * Records an ingested score as taps are recorded — an invitation (so segments and rollups see it),
 * a raw event of kind "ingest", and the counting rule's decision — together with the idempotency key,
 * all in one db.batch: either everything happened once, or nothing did.
 */
export async function ingestResponse(
  db: D1Database,
  survey: StoredSurvey,
  input: IngestInput,
  idempotencyKey: string,
  options: {
    now: number;
    defaultedTime: boolean;
    /** Sends the webhook deliveries after the response; without one the cron sends them. */
    outbox?: Outbox | undefined;
  },
): Promise<IngestResult> {
  const scope = scopeOf(survey.id);
  const requestHash = await sha256Hex(`${survey.id}\n${canonicalInput(input, options.defaultedTime)}`);
  const earlier = await answerFor(db, scope, idempotencyKey, requestHash);
  if (earlier) return earlier;

  const invitationId = newInvitationId();
  const event = { invitation_id: invitationId, kind: "ingest" as const, score: input.score, at: input.respondedAt, ...teamFacts() };
  // The invitation is new, so its whole history is this one event: the rule decides on exactly that.
  const decision = decide([{ seq: 0, ...event }]);
  if (!decision) throw new Error("the counting rule ignored an ingest event");
  // The ingested invitation has no address of its own: the answer shows the person's, as the responses API does.
  const person = (await getPeople(db, [input.recipient])).get(input.recipient);
  const response: ResponseRecord = {
    id: responseId(invitationId),
    invitation: invitationId,
    survey: survey.id,
    recipient: input.recipient,
    email: person?.email ?? null,
    score: decision.score,
    comment: input.comment,
    status: decision.status,
    reason: decision.reason,
    override: null,
    locale: input.locale,
    properties: input.properties,
    created_at: input.respondedAt,
    updated_at: options.now,
  };
  // Webhooks hear of it as of any other counted response (unless it is history being imported): the
  // same read after the write, inside its batch, as decideAndWrite makes; the invitation is new, so
  // there was no response before.
  const watch = input.announce ? watchResponse(db, invitationId, survey.id, null) : null;
  // The invitation is new: its answer is written whole, the event with the decision made from it.
  const answerWrite = writeAnswer(db, {
    invitationId,
    surveyId: survey.id,
    before: NO_ANSWER,
    events: [storedEvent(event)],
    decision,
    override: null,
    answeredAt: input.respondedAt,
    comment: input.comment,
    now: options.now,
  });
  const writes = [
    insertIdempotencyKey(db, { scope, key: idempotencyKey, requestHash, invitationId, response: JSON.stringify(response), now: options.now }),
    insertIngestedInvitationStatement(
      db,
      survey.id,
      // Already answered, so its links are never handed out: it expires the moment it is made.
      { id: invitationId, recipient: input.recipient, email: null, locale: input.locale, properties: input.properties, expires_at: input.respondedAt },
      input.respondedAt,
    ),
    answerWrite,
  ];
  let results: D1Result[];
  try {
    results = await db.batch(watch ? [...writes, ...watch.after] : writes);
  } catch (error) {
    // A concurrent request with the same key won the race; its batch is the one that counts (and announced it).
    const winner = await answerFor(db, scope, idempotencyKey, requestHash);
    if (winner) return winner;
    throw error;
  }
  if (watch) {
    // The decision's event_seq keys the deliveries, as decideAndWrite's does.
    const eventSeq = landed(results[writes.indexOf(answerWrite)])?.event_seq ?? 0;
    await announceResponseChange(db, watch.read(results), { eventSeq, now: options.now, settleMs: SETTLE_MS, outbox: options.outbox });
  }
  return { replayed: false, response };
}

async function answerFor(db: D1Database, scope: string, key: string, requestHash: string): Promise<IngestResult | null> {
  const stored = await findIdempotencyKey(db, scope, key);
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    throw new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used before with a different request.", "Idempotency-Key");
  }
  // Answers stored before responses carried an address have none.
  return { replayed: true, response: { email: null, ...(JSON.parse(stored.response) as Omit<ResponseRecord, "email">) } };
}
