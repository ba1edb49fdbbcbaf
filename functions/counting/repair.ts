import { advanceDecisionWatermark, eventHistory, eventsSinceDecisionWatermark } from "../storage/events";
import { writeDecision } from "./record";

/** Events younger than this may still have their decision write in flight. */
export const DECISION_SETTLE_MS = 60_000;
const CHUNK = 1_000;
/** Two reads and one write per chunk: 40 chunks check 40,000 events a tick, well within D1's limits. */
const MAX_CHUNKS = 40;

/**
 * A tap is two writes: the event, then the decision. If the second fails and the person never comes
 * back, the event would wait for a decision forever. Each cron tick re-decides, from the whole
 * history, every invitation with an event newer than its stored decision, then moves a watermark past
 * the events it checked, so each event is looked at once. Answers how many invitations it repaired.
 */
export async function redecideStale(env: Pick<Env, "DB">, now: number): Promise<number> {
  let repaired = 0;
  for (let chunk = 0; chunk < MAX_CHUNKS; chunk++) {
    const { events } = await eventsSinceDecisionWatermark(env.DB, CHUNK);
    // Stop at the first event still settling: the watermark never passes an event not yet checked.
    const settling = events.findIndex((e) => e.at > now - DECISION_SETTLE_MS);
    const checked = settling === -1 ? events : events.slice(0, settling);
    if (checked.length === 0) break;
    const stale = new Map(checked.filter((e) => e.stale && e.survey_id !== null).map((e) => [e.invitation_id, e.survey_id!]));
    for (const [invitationId, surveyId] of stale) {
      await writeDecision(env.DB, invitationId, surveyId, await eventHistory(env.DB, invitationId), now);
    }
    repaired += stale.size;
    await advanceDecisionWatermark(env.DB, checked.at(-1)!.seq);
    if (checked.length < CHUNK) break;
  }
  return repaired;
}
