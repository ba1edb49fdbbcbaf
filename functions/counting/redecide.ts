import { answerTime, decide } from "./counting-rule";
import { writeDecision } from "./record";
import { eventHistories, invitationsWithEvents } from "../storage/events";
import { storedDecisions } from "../storage/responses";

/** Invitations read, decided and compared per round of two reads; only changed ones are written. */
export const REDECIDE_BATCH = 200;

export interface RedecideReport {
  /** Invitations with events that were re-decided. */
  invitations: number;
  /** Of those, how many got another decision (score, status, reason or answer time) or their first. */
  changed: number;
}

/**
 * `npm run rollup -- --redecide`: runs the counting rule again over the stored events of every
 * invitation (or one survey's) and writes the decisions that differ from the stored ones, each with a
 * touch of its day so the next rollup recounts it. The same code path as a tap's decision
 * (writeDecision), so webhooks announce what changed. Idempotent: a second run changes nothing.
 * Bounded: REDECIDE_BATCH invitations per two reads, in id order.
 */
export async function redecideHistory(db: D1Database, options: { surveyId?: string | null; now: number; batch?: number }): Promise<RedecideReport> {
  const report: RedecideReport = { invitations: 0, changed: 0 };
  const limit = options.batch ?? REDECIDE_BATCH;
  let after = "";
  for (;;) {
    const page = await invitationsWithEvents(db, { after, surveyId: options.surveyId ?? null, limit });
    if (page.length === 0) break;
    const ids = page.map((i) => i.id);
    const [histories, stored] = await Promise.all([eventHistories(db, ids), storedDecisions(db, ids)]);
    for (const { id, survey_id } of page) {
      const history = histories.get(id) ?? [];
      const decision = decide(history);
      if (!decision) continue;
      report.invitations++;
      const before = stored.get(id);
      const same =
        before !== undefined &&
        before.score === decision.score &&
        before.status === decision.status &&
        before.reason === decision.reason &&
        before.created_at === (answerTime(history) ?? before.created_at);
      if (same) continue;
      await writeDecision(db, id, survey_id, history, options.now, undefined, undefined, true);
      report.changed++;
    }
    after = ids.at(-1)!;
    if (page.length < limit) break;
  }
  return report;
}
