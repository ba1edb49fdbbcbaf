import type { StoredEvent } from "../storage/events";
import { clearOldComments, surveysWithRetention, sweepAnswers, sweepCursor, trimAnswers, type SweptAnswer } from "../storage/retention";

/**
 * Per-survey retention, run by the cron: comments of responses older than the survey's `retain_days`
 * are cleared and raw events older than that are cut. Scores, statuses and rollups stay, so every
 * metric and trend is unchanged; what goes is the free text and the request details.
 *
 * Events live in their invitation's answer, and an answer may take events for as long as its link
 * lives, so no order of answers is an order of their events' age. Retention sweeps all answers instead,
 * in id order, a bounded stretch per tick, and starts again at the end: every event is gone within one
 * sweep after it comes of age (chunk × maxChunks answers a tick: 5,000 a minute, 7.2 million a day).
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
  }
  if (report.surveys === 0) return report;
  let cursor = await sweepCursor(env.DB);
  for (let i = 0; i < maxChunks; i++) {
    const swept = await sweepAnswers(env.DB, cursor, chunk);
    const trims = planTrims(swept, now);
    // A short stretch is the end of the table: the next one starts from the beginning.
    cursor = swept.length < chunk ? "" : swept.at(-1)!.invitation_id;
    const landed = await trimAnswers(env.DB, trims, cursor, now);
    report.events += trims.reduce((sum, trim, at) => sum + (landed[at] ? trim.cut : 0), 0);
    if (cursor === "") break;
  }
  return report;
}

/** Pure: the events of an answer still young enough to keep, and how many go. */
export function keptEvents(events: readonly StoredEvent[], before: number): { kept: StoredEvent[]; cut: number } {
  const kept = events.filter((event) => event.at >= before);
  return { kept, cut: events.length - kept.length };
}

/** Pure: for a swept stretch, the answers to trim (those of retaining surveys with old events). */
export function planTrims(swept: readonly SweptAnswer[], now: number) {
  return swept.flatMap((answer) => {
    if (answer.retain_days === null) return [];
    const { kept, cut } = keptEvents(answer.events, now - answer.retain_days * DAY_MS);
    if (cut === 0) return [];
    return [{ invitation_id: answer.invitation_id, version: answer.version, kept, cut, remove: kept.length === 0 && !answer.decided }];
  });
}
