import {
  clearOldComments,
  deleteEventsAndAdvance,
  eventCursor,
  scanEvents,
  surveysWithRetention,
  type ScannedEvent,
} from "../storage/retention";

/**
 * Per-survey retention, run by the cron: comments of responses older than the survey's `retain_days`
 * are cleared and raw events older than that are deleted. Scores, statuses and rollups stay, so every
 * metric and trend is unchanged; what goes is the free text and the request details.
 *
 * Events carry no survey, so each survey walks the event log in storage order from its own cursor
 * and stops at the first event not yet old enough (events are stored in time order): every event is
 * read about once per retaining survey over its life, not on every tick.
 */

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** Rows per statement. */
  chunk?: number;
  /** Statements of each kind per survey and tick; the rest waits for the next tick. */
  maxChunks?: number;
}

export interface RetentionReport {
  surveys: number;
  comments: number;
  events: number;
}

export async function applyRetention(env: Pick<Env, "DB">, now: number, options: RetentionOptions = {}): Promise<RetentionReport> {
  const chunk = options.chunk ?? 500;
  const maxChunks = options.maxChunks ?? 10;
  const report: RetentionReport = { surveys: 0, comments: 0, events: 0 };
  for (const survey of await surveysWithRetention(env.DB)) {
    const before = now - survey.retain_days * DAY_MS;
    report.surveys++;
    for (let i = 0; i < maxChunks; i++) {
      const cleared = await clearOldComments(env.DB, survey.id, before, chunk);
      report.comments += cleared;
      if (cleared < chunk) break;
    }
    let cursor = await eventCursor(env.DB, survey.id);
    for (let i = 0; i < maxChunks; i++) {
      const step = planEventStep(await scanEvents(env.DB, cursor, chunk), survey.id, before, cursor);
      if (step.cursor === cursor) break;
      await deleteEventsAndAdvance(env.DB, survey.id, step.delete, step.cursor, now);
      report.events += step.delete.length;
      cursor = step.cursor;
      if (step.reachedRecent) break;
    }
  }
  return report;
}

/**
 * Pure: of a scanned stretch of the event log, which events of this survey to delete and how far the
 * cursor may move — up to, not past, the first event that is still too young.
 */
export function planEventStep(scanned: readonly ScannedEvent[], surveyId: string, before: number, cursor: number) {
  const firstRecent = scanned.findIndex((e) => e.at >= before);
  const old = firstRecent === -1 ? scanned : scanned.slice(0, firstRecent);
  const last = old.at(-1);
  return {
    delete: old.filter((e) => e.survey_id === surveyId).map((e) => e.seq),
    cursor: last ? last.seq : cursor,
    reachedRecent: firstRecent !== -1,
  };
}
