import {
  answeredInvitations,
  finishUnsentStatement,
  leaseDueSends,
  markSentStatement,
  noteDueSendsWaiting,
  releaseSends,
  rescheduleSendStatement,
  type SendRecord,
} from "../storage/sends";
import { suppressedEmails, suppressionKey, suppressStatement, type SuppressionReason } from "../storage/suppressions";
import { nextAttemptAt } from "./backoff";
import { classifyEmailError } from "./email-errors";
import { configuredSender, senderProblem } from "./enqueue";
import { composeMessage } from "./stored-message";

/**
 * The cron's sender: takes the due messages under a lease, sends each through the EMAIL binding and
 * records what became of it. Nothing here logs an address, a message or the provider's text.
 */

/** How long a run owns the messages it took; one that never finished (the run died) is taken again after it. */
export const SEND_LEASE_MS = 5 * 60_000;

/** EMAIL_PER_MINUTE: the most messages one run (the cron runs every minute) hands to Email Service; 60 unless set. */
export function configuredPerMinute(env: Pick<Env, "EMAIL_PER_MINUTE">): number {
  const perMinute = Number(env.EMAIL_PER_MINUTE?.trim() || "60");
  return Number.isInteger(perMinute) && perMinute >= 1 ? perMinute : 60;
}

export interface SendingReport {
  taken: number;
  sent: number;
  retried: number;
  failed: number;
  suppressed: number;
  cancelled: number;
  /** Put back untouched for the next run: a quota was reached. */
  waiting: number;
}

type Outcome = "sent" | "retried" | "failed" | "suppressed" | "cancelled" | "quota";

export async function sendDueEmails(env: Env, now: number): Promise<SendingReport> {
  const report: SendingReport = { taken: 0, sent: 0, retried: 0, failed: 0, suppressed: 0, cancelled: 0, waiting: 0 };
  const sender = configuredSender(env);
  const problem = senderProblem(env);
  if (sender === null || problem !== null) {
    // Kept, not failed: once EMAIL_FROM is set they leave as planned.
    await noteDueSendsWaiting(env.DB, problem ?? "email_from_missing", now);
    return report;
  }
  const leased = await leaseDueSends(env.DB, { now, leaseUntil: now + SEND_LEASE_MS, limit: configuredPerMinute(env) });
  report.taken = leased.length;
  if (leased.length === 0) return report;

  const suppressed = await suppressedEmails(
    env.DB,
    leased.map((s) => s.email),
  );
  const answered = await answeredInvitations(
    env.DB,
    leased.flatMap((s) => (s.kind === "reminder" && s.invitation_id !== null ? [s.invitation_id] : [])),
  );

  // One at a time, in due order: the pace stays under the limit, and a quota stops the run where it is.
  for (const [index, send] of leased.entries()) {
    const outcome = await sendOne(env, send, sender, now, { suppressed, answered });
    if (outcome === "quota") {
      // Not the messages' fault: this one and every one not yet tried wait for the next run as they were.
      const rest = leased.slice(index);
      await releaseSends(env.DB, rest, { error: null, now });
      report.waiting = rest.length;
      break;
    }
    report[outcome]++;
  }
  return report;
}

async function sendOne(
  env: Env,
  send: SendRecord,
  sender: string,
  now: number,
  known: { suppressed: Map<string, SuppressionReason>; answered: Set<string> },
): Promise<Outcome> {
  const db = env.DB;
  const suppression = known.suppressed.get(suppressionKey(send.email));
  if (suppression) {
    await finishUnsentStatement(db, send, { status: "suppressed", error: suppression, now }).run();
    return "suppressed";
  }
  if (send.kind === "reminder" && send.invitation_id !== null && known.answered.has(send.invitation_id)) {
    await finishUnsentStatement(db, send, { status: "cancelled", error: "answered", now }).run();
    return "cancelled";
  }
  const composed = await composeMessage(env, send, sender).catch(() => "unrenderable" as const);
  if (composed === "unrenderable") {
    await finishUnsentStatement(db, send, { status: "failed", error: "message_not_rendered", now }).run();
    return "failed";
  }
  if (!composed) {
    await finishUnsentStatement(db, send, { status: "failed", error: "invitation_missing", now }).run();
    return "failed";
  }
  const { message, texts } = composed;
  let messageId: string;
  try {
    const result = await env.EMAIL.send({
      from: message.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
      headers: message.headers,
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    });
    messageId = result.messageId;
  } catch (error) {
    const failure = classifyEmailError(error);
    switch (failure.kind) {
      case "quota":
        return "quota";
      case "suppressed":
        // Email Service will refuse this address again: remember it as bounced, across every survey.
        known.suppressed.set(suppressionKey(send.email), "bounced");
        await db.batch([
          suppressStatement(db, { email: send.email, reason: "bounced", source: "platform", survey_id: send.survey_id, created_at: now }),
          finishUnsentStatement(db, send, { status: "suppressed", error: failure.code, now }),
        ]);
        return "suppressed";
      case "transient": {
        const next = nextAttemptAt(send.attempts, now);
        if (next !== null) {
          await rescheduleSendStatement(db, send, { send_at: next, error: failure.code, now }).run();
          return "retried";
        }
        await finishUnsentStatement(db, send, { status: "failed", error: failure.code, now }).run();
        return "failed";
      }
      case "permanent":
        await finishUnsentStatement(db, send, { status: "failed", error: failure.code, now }).run();
        return "failed";
    }
  }
  await markSentStatement(db, send, { message_id: messageId, sent_at: now, content: texts }).run();
  return "sent";
}
