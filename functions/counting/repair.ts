import { staleAnswers } from "../storage/answers";
import { decideAndWrite } from "./record";

/** Stale answers re-decided per tick: each is a read and a write; a burst that left more waits a tick. */
const PER_TICK = 200;

/**
 * A choice that lost the race for its decision DECIDE_ATTEMPTS times was kept with stale = 1
 * (functions/counting/record.ts). Each cron tick re-decides those answers from their whole history;
 * the write clears the mark, and one that loses a race again is taken up by the next tick. Answers how
 * many it decided.
 */
export async function redecideStale(env: Pick<Env, "DB">, now: number): Promise<number> {
  let repaired = 0;
  for (const stale of await staleAnswers(env.DB, PER_TICK)) {
    const written = await decideAndWrite(env.DB, { invitationId: stale.invitationId, surveyId: stale.surveyId, before: stale.answer, added: [], now });
    if (written.landed) repaired++;
  }
  return repaired;
}
