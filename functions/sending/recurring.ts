/**
 * The cron's recurring-survey job: asks each member of a recurring survey again every interval after
 * their last message of that survey, whichever path sent it (this job, or the invitations API with
 * `send`), inside the survey's sending window in the member's time zone.
 */
import { isDevelopment } from "../http/environment";
import {
  anyMemberDue,
  claimDueMembers,
  recentlySentMembers,
  setNextSendAt,
  type DueMember,
  type NextSendAt,
} from "../storage/members";
import { getSurvey, type StoredSurvey } from "../storage/surveys";
import { configuredThrottleDays, scheduleSends } from "./enqueue";
import { nextInWindow, nextRecurrence } from "./schedule";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** A run owns the members it took this long; one that dies leaves them due again after it. */
const LEASE_MS = 10 * MINUTE_MS;
/** Members taken per run: first batches are spread over the interval, so a run rarely finds more. */
const BATCH = 500;
/** Messages that left within this are looked at for re-anchoring; one missed is caught when its member falls due. */
const REANCHOR_LOOKBACK_MS = 6 * 60 * MINUTE_MS;
/** How long the links of a recurring message work, as the invitations API's default. */
const LINK_DAYS = 30;
/**
 * Members are enrolled by the API, so no request origin is at hand when their message is scheduled:
 * links point at PUBLIC_URL, or on one's own machine (PUBLIC_URL empty) at `wrangler dev`'s address.
 */
export const DEVELOPMENT_ORIGIN = "http://127.0.0.1:8787";

export interface RecurringReport {
  /** Due members who got a scheduled message. */
  scheduled: number;
  /** Due members asked recently by another path: moved to every_days after that message. */
  postponed: number;
  /** Due members skipped (throttled, suppressed, no usable address): moved on by one interval. */
  skipped: number;
}

/** The origin of recurring messages' links; null when none is usable (deployed without a valid https PUBLIC_URL). */
export function recurringOrigin(env: Pick<Env, "PUBLIC_URL" | "ENVIRONMENT">): string | null {
  const development = isDevelopment(env);
  const configured = env.PUBLIC_URL?.trim();
  if (!configured) return development ? DEVELOPMENT_ORIGIN : null;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return null;
  }
  const schemes = development ? ["https:", "http:"] : ["https:"];
  if (!schemes.includes(url.protocol) || url.username || url.password || url.pathname !== "/" || url.search || url.hash) return null;
  return url.origin;
}

class SurveyCache {
  private readonly surveys = new Map<string, Promise<StoredSurvey | null>>();
  constructor(private readonly db: D1Database) {}
  get(id: string): Promise<StoredSurvey | null> {
    let survey = this.surveys.get(id);
    if (!survey) {
      survey = getSurvey(this.db, id);
      this.surveys.set(id, survey);
    }
    return survey;
  }
}

/** The survey's recurrence, or null when it no longer asks anyone (archived, recurrence removed, deleted). */
const recurrenceOf = (survey: StoredSurvey | null) => (survey && !survey.archived ? survey.recurrence : null);

/** One cron run: schedule the members who are due (re-anchoring after what left is reanchorRecurring's). */
export async function scheduleRecurring(env: Env, now: number): Promise<RecurringReport> {
  const surveys = new SurveyCache(env.DB);
  const report: RecurringReport = { scheduled: 0, postponed: 0, skipped: 0 };

  const origin = recurringOrigin(env);
  if (origin === null) {
    // Members stay due: they are asked once PUBLIC_URL is set.
    if (await anyMemberDue(env.DB, now)) console.warn("recurring surveys: members are due, but PUBLIC_URL is not a valid https origin for their links");
    return report;
  }
  const due = await claimDueMembers(env.DB, { now, leaseUntil: now + LEASE_MS, limit: BATCH });
  const bySurvey = new Map<string, DueMember[]>();
  for (const member of due) bySurvey.set(member.survey_id, [...(bySurvey.get(member.survey_id) ?? []), member]);

  const updates: NextSendAt[] = [];
  const next = (member: DueMember, at: number) => updates.push({ survey_id: member.survey_id, recipient: member.recipient, next_send_at: at });
  for (const [surveyId, members] of bySurvey) {
    const survey = await surveys.get(surveyId);
    const recurrence = recurrenceOf(survey);
    if (!survey || !recurrence) {
      // Kept, not removed: a survey given its recurrence back asks its members again; looked at daily.
      for (const member of members) next(member, now + DAY_MS);
      continue;
    }
    const { every_days: everyDays, window } = recurrence;
    const zoneOf = new Map(members.map((m) => [m.recipient, m.timezone ?? survey.timezone]));
    const toAsk: DueMember[] = [];
    for (const member of members) {
      const reckoned = member.last_send_at === null ? null : nextRecurrence(member.last_send_at, everyDays, window, zoneOf.get(member.recipient)!);
      if (reckoned !== null && reckoned > now) {
        next(member, reckoned);
        report.postponed += 1;
      } else toAsk.push(member);
    }
    if (toAsk.length === 0) continue;

    // email null: scheduleSends reads the address, locale and the survey's properties from the person.
    const result = await scheduleSends(env, {
      survey,
      targets: toAsk.map((m) => ({ recipient: m.recipient, email: null })),
      sendAt: (target) => nextInWindow(now, window, zoneOf.get(target.recipient) ?? survey.timezone),
      kind: "recurring",
      origin,
      expiresInDays: LINK_DAYS,
      throttleDays: configuredThrottleDays(env),
      now,
    });
    const asked = new Map(toAsk.map((m) => [m.recipient, m]));
    for (const { target, send } of result.scheduled) {
      next(asked.get(target.recipient)!, nextRecurrence(send.send_at, everyDays, window, zoneOf.get(target.recipient)!));
      report.scheduled += 1;
    }
    for (const { recipient } of result.skipped) {
      next(asked.get(recipient)!, nextRecurrence(now, everyDays, window, zoneOf.get(recipient)!));
      report.skipped += 1;
    }
  }
  await setNextSendAt(env.DB, updates);
  return report;
}

/**
 * A member's next message is every_days after their last one left, not after it was scheduled (a
 * quota or a retry may hold it back): members whose survey's message has just left are moved there.
 * Only later, never earlier: a member already reckoned from a later message keeps that.
 */
export async function reanchorRecurring(env: Env, now: number): Promise<number> {
  const db = env.DB;
  const surveys = new SurveyCache(db);
  const recent = await recentlySentMembers(db, now - REANCHOR_LOOKBACK_MS);
  const updates: NextSendAt[] = [];
  for (const member of recent) {
    const survey = await surveys.get(member.survey_id);
    const recurrence = recurrenceOf(survey);
    if (!survey || !recurrence) continue;
    const reckoned = nextRecurrence(member.sent_at, recurrence.every_days, recurrence.window, member.timezone ?? survey.timezone);
    if (reckoned > member.next_send_at) updates.push({ survey_id: member.survey_id, recipient: member.recipient, next_send_at: reckoned });
  }
  await setNextSendAt(db, updates);
  return updates.length;
}
