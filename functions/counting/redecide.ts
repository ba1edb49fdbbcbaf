import { answerTime, decide } from "./counting-rule";
import { decideAndWrite } from "./record";
import { answersAfter, historyOf } from "../storage/answers";

/** Answers read, decided and compared per read; only changed ones are written. */
export const REDECIDE_BATCH = 200;

export interface RedecideReport {
  /** Invitations with events that were re-decided. */
  invitations: number;
  /** Of those, how many got another decision (score, status, reason or answer time) or their first. */
  changed: number;
}

/**
 * `npm run rollup -- --redecide`: runs the counting rule again over the stored events of every
 * invitation (or one survey's) and writes the decisions that differ from the stored ones. Each write
 * takes a new event_seq, so the next rollup recounts its day (and the day it left). The same code path
 * as a tap's decision (decideAndWrite), so webhooks announce what changed. Idempotent: a second run
 * changes nothing. Bounded: REDECIDE_BATCH answers per read, in invitation id order.
 */
export async function redecideHistory(db: D1Database, options: { surveyId?: string | null; now: number; batch?: number }): Promise<RedecideReport> {
  const report: RedecideReport = { invitations: 0, changed: 0 };
  const limit = options.batch ?? REDECIDE_BATCH;
  let after = "";
  for (;;) {
    const page = await answersAfter(db, { after, surveyId: options.surveyId ?? null, limit });
    if (page.length === 0) break;
    for (const { invitationId, surveyId, answer } of page) {
      const stored = answer.decision;
      const history = historyOf(answer.events);
      const decision = decide(history);
      if (!decision) continue;
      report.invitations++;
      const same =
        stored !== null &&
        stored.score === decision.score &&
        stored.status === decision.status &&
        stored.reason === decision.reason &&
        stored.created_at === (answerTime(history) ?? stored.created_at);
      if (same) continue;
      // A request that comes meanwhile decides the answer itself, from every event: nothing to redo.
      await decideAndWrite(db, { invitationId, surveyId, before: answer, added: [], now: options.now });
      report.changed++;
    }
    after = page.at(-1)!.invitationId;
    if (page.length < limit) break;
  }
  return report;
}
