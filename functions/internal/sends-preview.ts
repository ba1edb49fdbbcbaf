import type { IRequest } from "itty-router";
import * as v from "valibot";
import { escapeHtml } from "../http/html";
import type { ValidatedRequest } from "../http/route";
import { isoTime } from "../http/time";
import { messageOfSend } from "../sending/stored-message";
import type { RenderedMessage } from "../sending/message";
import { getSend, listSends, type SendRecord } from "../storage/sends";
import { behindGate } from "./gate";
import { signOutButton } from "./manage/shell";

/**
 * The local preview of survey emails: the latest messages, and each one as it was (or will be) sent,
 * so a developer can read it and tap its links. Behind the internal gate, under the same strict
 * Content-Security-Policy as every /internal/* page (the router sets it on every answer; its only
 * script is the manage pages' Copy button, allowed by hash).
 *
 * The message's HTML is shown in `<iframe srcdoc sandbox>`: a srcdoc document needs no frame-src
 * (there is nothing to fetch), inherits the page's policy, and the sandbox gives it an opaque origin
 * and no script. Its links would otherwise open inside the frame, which the policy refuses, so the
 * preview's copy alone gets `<base target="_top">`: a tap, and only a tap
 * (allow-top-navigation-by-user-activation), opens the link in this tab, as a mail app would.
 */

/** Any id reaches the handler, so a visitor who is not signed in is sent to sign in before anything else. */
export const SendPreviewParams = v.object({ id: v.string() });

const LATEST = 100;

const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--accent:#1a56db;--line:#d0d7de}@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8b949e;--accent:#6ea8fe;--line:#30363d}}
body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}main{max-width:72rem;margin:0 auto;padding:1.5rem 1rem}a{color:var(--accent)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.35rem .6rem;border-bottom:1px solid var(--line)}th{font-weight:600}
td.wrap{overflow-wrap:anywhere}.muted{color:var(--muted)}pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid var(--line);border-radius:.4rem;padding:1rem}
.frames{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}figure{margin:0}figcaption{font-size:.9rem;color:var(--muted);margin-bottom:.3rem}
iframe{border:1px solid var(--line);border-radius:.4rem;height:46rem;background:#fff}
header.site{max-width:72rem;margin:0 auto;padding:.75rem 1rem 0;display:flex;gap:.5rem;align-items:center;flex-wrap:wrap}header.site form{margin-left:auto}
header.site button{font:inherit;padding:.3rem .8rem;border:1px solid var(--line);border-radius:.4rem;background:transparent;color:var(--fg);cursor:pointer}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Tapscore</title><style>
${STYLE}
</style></head><body><header class="site"><a href="/internal/manage/surveys">Manage</a> · <a href="/internal/sends">Survey emails</a>${signOutButton()}</header><main>${body}</main></body></html>`;
}

const html = (body: string, status = 200) => new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });

const mailbox = ({ name, email }: { name: string; email: string }) => `${name} <${email}>`;

/** GET /internal/sends: the latest messages, newest first. */
export function sendsPreviewList(request: IRequest, env: Env): Promise<Response> {
  return behindGate(request, env, async () => {
    const sends = await listSends(env.DB, { surveyId: null, status: null, before: null, limit: LATEST });
    // A message not sent yet has no stored texts: its subject is rendered as it will leave.
    const subjects = await Promise.all(sends.map(async (send) => send.content?.subject ?? (await messageOfSend(env, send))?.subject ?? null));
    const rows = sends.map(
      (send, index) =>
        `<tr><td><a href="/internal/sends/${encodeURIComponent(send.id)}">${escapeHtml(send.id)}</a></td>` +
        `<td class="wrap">${escapeHtml(send.recipient)}<br><span class="muted">${escapeHtml(send.email)}</span></td>` +
        `<td class="wrap">${subjects[index] === null ? `<span class="muted">none</span>` : escapeHtml(subjects[index]!)}</td>` +
        `<td>${escapeHtml(send.status)}${send.error ? `<br><span class="muted">${escapeHtml(send.error)}</span>` : ""}</td>` +
        `<td>${isoTime(send.send_at)}</td><td>${escapeHtml(send.survey_id)}</td></tr>`,
    );
    const table = sends.length
      ? `<table><thead><tr><th>Message</th><th>Recipient</th><th>Subject</th><th>Status</th><th>Send at (UTC)</th><th>Survey</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
      : `<p>No messages yet. Invitations created with <code>"send": true</code> appear here.</p>`;
    return html(page("Survey emails", `<h1>Survey emails</h1><p class="muted">The latest ${LATEST}, newest first.</p>${table}`));
  });
}

/** GET /internal/sends/:id: one message, its headers, its HTML in a sandboxed frame and its text part. */
export function sendPreview(request: ValidatedRequest<{ id: string }>, env: Env): Promise<Response> {
  return behindGate(request, env, async () => {
    const send = await getSend(env.DB, request.input.params.id);
    if (!send) {
      return html(page("No such message", `<h1>No such message</h1><p>No message has this id. <a href="/internal/sends">All messages</a></p>`), 404);
    }
    const message = await messageOfSend(env, send);
    const title = message?.subject ?? send.id;
    return html(
      page(
        title,
        `<p><a href="/internal/sends">All messages</a></p><h1>${escapeHtml(title)}</h1>` +
          facts(send) +
          (message === null
            ? `<p>This message has no content to show: it was suppressed before an invitation was made, or its invitation was erased.</p>`
            : messageParts(message)),
      ),
    );
  });
}

function facts(send: SendRecord): string {
  const rows: [string, string][] = [
    ["Message", send.id],
    ["Status", send.status],
    ["Kind", send.kind],
    ["Survey", send.survey_id],
    ["Recipient", send.recipient],
    ["Send at (UTC)", isoTime(send.send_at)],
    ["Sent at (UTC)", send.sent_at === null ? "not yet" : isoTime(send.sent_at)],
    ["Attempts", String(send.attempts)],
    ["Error", send.error ?? "none"],
    ["Email Service id", send.message_id ?? "none"],
  ];
  return headerTable(rows);
}

function headerTable(rows: [string, string][]): string {
  return `<table>${rows.map(([name, value]) => `<tr><th scope="row">${escapeHtml(name)}</th><td class="wrap">${escapeHtml(value)}</td></tr>`).join("")}</table>`;
}

function messageParts(message: RenderedMessage): string {
  const headers: [string, string][] = [
    ["From", mailbox(message.from)],
    ["To", message.to],
    ["Reply-To", message.replyTo ?? "(none: replies go to From)"],
    ["Subject", message.subject],
    ...Object.entries(message.headers),
  ];
  const frame = (width: string, caption: string) =>
    `<figure><figcaption>${caption}</figcaption><iframe title="${escapeHtml(caption)}" style="width:${width}" sandbox="allow-popups allow-top-navigation-by-user-activation" referrerpolicy="same-origin" srcdoc="${escapeHtml(previewCopy(message.html))}"></iframe></figure>`;
  return (
    `<h2>Headers</h2>${headerTable(headers)}` +
    `<h2>HTML</h2><p class="muted">Tapping a link opens it in this tab, as a mail app would: a score counts.</p>` +
    `<div class="frames">${frame("min(100%, 40rem)", "Wide")}${frame("320px", "Phone, 320 px")}</div>` +
    `<h2>Text</h2><pre>${linkified(message.text)}</pre>`
  );
}

/** The message's HTML with its links opening in the top window (see the module comment); the message itself is unchanged. */
function previewCopy(messageHtml: string): string {
  const base = `<base target="_top">`;
  return messageHtml.includes("<head>") ? messageHtml.replace("<head>", `<head>\n${base}`) : base + messageHtml;
}

const URL_IN_TEXT = /https?:\/\/[^\s<>"]+/g;

/** The text part escaped, with each of its links clickable. */
function linkified(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    out += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(match[0])}">${escapeHtml(match[0])}</a>`;
    last = match.index + match[0].length;
  }
  return out + escapeHtml(text.slice(last));
}
