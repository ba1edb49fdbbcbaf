import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../functions/index";
import { api } from "../helpers/api";

/** What the Email Service binding was handed, as a test reads it back. */
export interface Handed {
  from: string | EmailAddress;
  to: string;
  subject: string;
  html: string;
  text: string;
  replyTo: string | EmailAddress | undefined;
  headers: Record<string, string>;
}

/**
 * The EMAIL binding faked at its interface: records every message it is handed and answers with a
 * message id, or throws what `fail` returns for it (an error carrying Email Service's `code`).
 */
export function fakeEmail(fail: (message: Handed, call: number) => string | null = () => null) {
  const handed: Handed[] = [];
  let calls = 0;
  const binding: SendEmail = {
    async send(message: EmailMessage | EmailMessageBuilder): Promise<EmailSendResult> {
      if (!("subject" in message)) throw new Error("the fake takes composed messages only");
      const to = message.to;
      if (typeof to !== "string") throw new Error("one recipient per message, as a string");
      const seen: Handed = {
        from: message.from,
        to,
        subject: message.subject,
        html: message.html ?? "",
        text: message.text ?? "",
        replyTo: message.replyTo,
        headers: message.headers ?? {},
      };
      calls += 1;
      const code = fail(seen, calls);
      if (code) throw Object.assign(new Error(`refused ${to}`), { code });
      handed.push(seen);
      return { messageId: `msg-${calls}` };
    },
  };
  return { binding, handed, calls: () => calls };
}

/** One cron tick through the Worker's scheduled handler at `now`, with this binding and any vars changed. */
export async function tick(binding: SendEmail, now: number, vars: Partial<Env> = {}): Promise<void> {
  const controller = createScheduledController({ scheduledTime: now, cron: "* * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled!(controller, { ...env, ...vars, EMAIL: binding }, ctx);
  await waitOnExecutionContext(ctx);
}

/** Leaves nothing due from an earlier test, so a tick sends only what this test scheduled. */
export async function clearDueSends(): Promise<void> {
  await env.DB.prepare("UPDATE sends SET status = 'cancelled' WHERE status IN ('scheduled', 'sending')").run();
}

export interface SendAnswer {
  id: string;
  recipient: string;
  email: string;
  status: string;
  attempts: number;
  error: string | null;
  send_at: string;
  sent_at: string | null;
  message_id: string | null;
  kind: string;
  invitation: string | null;
  survey: string;
}

export async function sendOf(id: string): Promise<SendAnswer & { message: Record<string, unknown> | null }> {
  const response = await api("GET", `/api/v1/sends/${id}`);
  if (response.status !== 200) throw new Error(`send ${id}: ${response.status}`);
  return response.json();
}

export interface SentInvitation {
  id: string;
  recipient: string;
  links: Record<string, string>;
  send?: { id: string; status: string; send_at: string };
}

/** POST invitations with send: true (and whatever else), expecting 201. */
export async function inviteAndSend(surveyId: string, recipients: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const response = await api("POST", `/api/v1/surveys/${surveyId}/invitations`, { body: { recipients, send: true, ...extra } });
  if (response.status !== 201) throw new Error(`invite: ${response.status} ${await response.text()}`);
  return (await response.json()) as { invitations: SentInvitation[]; skipped: { recipient: string; reason: string }[] };
}
