/**
 * Which changes one chunk of a rollup run takes, and which buckets they touch. Pure: the job reads the
 * changes, this decides, the job recomputes and writes.
 */
import type { Changes, Watermark } from "../storage/rollups";
import { bucketKey, type Bucket, type BucketSurvey } from "./buckets";
import { localDay } from "./days";

export interface ChunkLimits {
  /** The rollup's clock: responses changed less than settleMs before it wait for the next tick. */
  now: number;
  /**
   * responses.event_seq is copied from events.seq by a later statement than the one that took it, so a
   * response with a lower event_seq can still commit after one with a higher. A response is taken only
   * once it has been unchanged for this long; every earlier event_seq has committed by then.
   */
  settleMs: number;
  /** Bounds the source rows read and the rows written by one chunk's batch. */
  maxBuckets: number;
}

export interface ChunkPlan {
  buckets: Bucket[];
  /** The watermark after this chunk. */
  watermark: Watermark;
  /** The highest touch id consumed, or null. */
  touchesUpTo: number | null;
  taken: { responses: number; invitations: number; touches: number };
  /** True when this chunk takes every change there is, so no further chunk is needed now. */
  complete: boolean;
}

/**
 * Takes changes of each kind in order, stopping where a change would exceed the bucket limit or (for
 * responses) has not settled yet. Changes of surveys that no longer exist advance the watermark and
 * touch nothing.
 */
export function planChunk(
  changes: Changes,
  surveys: ReadonlyMap<string, BucketSurvey | null>,
  watermark: Watermark,
  fetchLimit: number,
  limits: ChunkLimits,
): ChunkPlan {
  const buckets = new Map<string, Bucket>();
  /** Adds the change's buckets, all or none, if there is room; false means the chunk is full. */
  const take = (surveyId: string, ...times: number[]): boolean => {
    const survey = surveys.get(surveyId);
    if (!survey) return true;
    const fresh = new Map<string, Bucket>();
    for (const at of times) {
      const bucket = { surveyId, day: localDay(at, survey.timezone) };
      const key = bucketKey(bucket);
      if (!buckets.has(key)) fresh.set(key, bucket);
    }
    if (fresh.size === 0) return true;
    // A change needing more buckets than a chunk allows is still taken, alone, by an empty chunk.
    if (buckets.size > 0 && buckets.size + fresh.size > limits.maxBuckets) return false;
    for (const [key, bucket] of fresh) buckets.set(key, bucket);
    return true;
  };

  let responsesSeq = watermark.responsesSeq;
  let responsesTaken = 0;
  let responsesHeld = false;
  for (const change of changes.responses) {
    if (change.updated_at > limits.now - limits.settleMs) {
      responsesHeld = true;
      break;
    }
    // The answer's day counts the answer; its invitation's day counts whether the invitation was answered.
    const days = change.invited_at === null ? [change.created_at] : [change.created_at, change.invited_at];
    if (!take(change.survey_id, ...days)) break;
    responsesSeq = change.seq;
    responsesTaken++;
  }

  let invitationsSeq = watermark.invitationsSeq;
  let invitationsTaken = 0;
  for (const change of changes.invitations) {
    if (!take(change.survey_id, change.created_at)) break;
    invitationsSeq = change.seq;
    invitationsTaken++;
  }

  let touchesUpTo: number | null = null;
  let touchesTaken = 0;
  for (const touch of changes.touches) {
    if (!take(touch.survey_id, touch.at)) break;
    touchesUpTo = touch.id;
    touchesTaken++;
  }

  const drained = (taken: number, fetched: number) => taken === fetched && fetched < fetchLimit;
  return {
    buckets: [...buckets.values()],
    watermark: { responsesSeq, invitationsSeq },
    touchesUpTo,
    taken: { responses: responsesTaken, invitations: invitationsTaken, touches: touchesTaken },
    complete:
      (responsesHeld || drained(responsesTaken, changes.responses.length)) &&
      drained(invitationsTaken, changes.invitations.length) &&
      drained(touchesTaken, changes.touches.length),
  };
}
