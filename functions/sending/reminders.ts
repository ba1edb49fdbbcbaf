/**
 * The cron's reminder job: for surveys with reminder_after_days, one reminder to people who have not
 * answered a message that many days after it left — never after a counted answer, an unsubscribe or a
 * bounce. The delivery job checks the answer and the address again when the reminder is due.
 */
import { sha256Hex } from "../security/secrets";
import { reminderCandidates } from "../storage/reminders";
import { insertSendsStatement, type NewSend } from "../storage/sends";
import { listActiveSurveys } from "../storage/surveys";
import { nextInWindow, reminderAt } from "./schedule";

const DAY_MS = 86_400_000;
/** A message found this long after its reminder was due (the setting turned on later, the cron down) gets none: too late to nudge. */
const LATE_DAYS = 7;
/** Reminders written per survey and run. */
const BATCH = 500;

/**
 * The reminder of an invitation has an id derived from it: should two overlapping runs both find the
 * same message, the second insert fails on the primary key instead of writing a second reminder.
 */
async function reminderSendId(invitationId: string): Promise<string> {
  return `snd_${(await sha256Hex(`reminder:${invitationId}`)).slice(0, 32)}`;
}

export async function scheduleReminders(env: Env, now: number): Promise<{ scheduled: number }> {
  let scheduled = 0;
  for (const survey of await listActiveSurveys(env.DB)) {
    const afterDays = survey.reminder_after_days;
    if (afterDays === null) continue;
    const window = survey.recurrence?.window ?? null;
    const candidates = await reminderCandidates(env.DB, {
      surveyId: survey.id,
      sentAfter: now - (afterDays + LATE_DAYS) * DAY_MS,
      sentBefore: now - afterDays * DAY_MS,
      limit: BATCH,
    });
    const reminders: NewSend[] = [];
    for (const candidate of candidates) {
      const timeZone = candidate.timezone ?? survey.timezone;
      const due = reminderAt(candidate.sent_at, afterDays, window, timeZone);
      const sendAt = due >= now ? due : nextInWindow(now, window, timeZone);
      // Its links would be dead on arrival.
      if (sendAt >= candidate.expires_at) continue;
      reminders.push({
        id: await reminderSendId(candidate.invitation_id),
        survey_id: survey.id,
        invitation_id: candidate.invitation_id,
        recipient: candidate.recipient,
        email: candidate.email,
        kind: "reminder",
        status: "scheduled",
        send_at: sendAt,
        origin: candidate.origin,
        error: null,
      });
    }
    if (reminders.length === 0) continue;
    await insertSendsStatement(env.DB, reminders, now).run();
    scheduled += reminders.length;
  }
  return { scheduled };
}
