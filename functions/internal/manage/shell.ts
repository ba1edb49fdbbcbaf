import type { IRequest } from "itty-router";
import * as v from "valibot";
import { BODY_OVER_LIMIT } from "../../http/rate-limit";
import type { ResponseSpec } from "../../http/route";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { base64url, base64urlDecode, hmacSha256, timingSafeEqualStrings } from "../../security/secrets";
import { appendAudit } from "../../storage/audit";
import { accessConfigured } from "../access";
import { behindGate, fromOwnPage } from "../gate";
import { SESSION_COOKIE, cookieValue, verifySession } from "../session";

/**
 * The frame of every manage page (/internal/manage/…): the same look as the internal report pages, a
 * skip link, the navigation and a sign-out button; and what every form shares: the gate, the CSRF
 * token, the same-origin check and the audit line. Every action is a plain form, posted and answered
 * with a redirect; the one script, the Share page's Copy buttons (./copy-script.ts), only enhances.
 */

/** Who is signed in, as the gate knows it, and what the CSRF token is bound to. */
export interface ManageContext {
  actor: string;
  csrf: string;
}

const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--accent:#1a56db;--line:#8c959f;--err:#b42318;--soft:#f6f8fa}@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9ea7b3;--accent:#6ea8fe;--line:#6e7681;--err:#ff8a80;--soft:#161b22}}
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}a{color:var(--accent)}
.skip{position:absolute;left:-999px;top:0;background:var(--bg);padding:.5rem}.skip:focus{left:.5rem}
header{border-bottom:1px solid var(--line);padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}header nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
header form{margin-left:auto}main{max-width:72rem;margin:0 auto;padding:1rem}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
td,th{overflow-wrap:anywhere}.muted{color:var(--muted)}.error{color:var(--err);font-weight:600}
label{display:block;font-weight:600;margin:.8rem 0 .2rem}input,select,textarea{font:inherit;padding:.4rem;border:1px solid var(--line);border-radius:.3rem;background:var(--bg);color:var(--fg);max-width:100%}
input[type=text],input[type=email],input[type=url],input[type=date],input[type=number],select,textarea{width:100%;max-width:32rem}input[type=checkbox]{width:auto}
.inline{display:inline-flex;flex-wrap:wrap;gap:.3rem;align-items:center;margin:0}.inline label{display:inline;margin:0;font-weight:400}
button,.button{display:inline-block;margin:.6rem 0;padding:.45rem .9rem;border:0;border-radius:.3rem;background:var(--accent);color:#fff;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.inline button{margin:0}button.secondary{background:var(--muted)}fieldset{border:1px solid var(--line);border-radius:.3rem;margin:.8rem 0;padding:.5rem .8rem;max-width:34rem}
.notice{border-left:4px solid var(--accent);background:var(--soft);padding:.5rem .8rem}pre,code,textarea{overflow-wrap:anywhere}pre{white-space:pre-wrap}
.filters{display:flex;flex-wrap:wrap;gap:0 1rem;align-items:flex-end}.filters label{margin-top:.5rem}.filters input,.filters select{width:auto}`;

const NAV: [string, string][] = [
  ["/internal/manage/surveys", "Surveys"],
  ["/internal/manage/send", "Send"],
  ["/internal/manage/settings", "Settings"],
  ["/internal/manage/audit", "Audit log"],
  ["/internal/", "Reports"],
  ["/internal/sends", "Survey emails"],
];

/** A whole page: skip link, navigation, sign-out, then `body` in <main>. */
export function page(title: string, body: string): string {
  const nav = NAV.map(([href, label]) => `<li><a href="${href}">${label}</a></li>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)} · Tapscore</title><style>
${STYLE}
</style></head><body><a class="skip" href="#main">Skip to content</a><header><nav aria-label="Manage"><ul>${nav}</ul></nav>${signOutButton()}</header><main id="main" tabindex="-1"><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The sign-out form of every Worker-rendered internal page. */
export const signOutButton = (): string => `<form method="post" action="/internal/sign-out"><button type="submit" class="secondary">Sign out</button></form>`;

export const htmlResponse = (body: string, status = 200): Response => new Response(body, { status, headers: { "Content-Type": "text/html; charset=utf-8" } });

/** Redirect-after-post: the browser asks for the result page with GET, so reloading it posts nothing again. */
export const seeOther = (location: string): Response => new Response(null, { status: 303, headers: { Location: location } });

/** The hidden CSRF field every manage form carries. */
export const csrfField = (context: ManageContext): string => `<input type="hidden" name="csrf" value="${escapeHtml(context.csrf)}">`;

/** A small form of one button posting to `action`, with the CSRF token and hidden fields. */
export function buttonForm(context: ManageContext, action: string, label: string, hidden: Record<string, string> = {}): string {
  const fields = Object.entries(hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return `<form method="post" action="${escapeHtml(action)}" class="inline">${csrfField(context)}${fields}<button type="submit">${escapeHtml(label)}</button></form>`;
}

/** A table that scrolls inside itself on a narrow screen, so the page never does; focusable so a keyboard can scroll it. */
export const scrollTable = (label: string, head: string[], rows: string[]): string =>
  `<div class="scroll" role="region" aria-label="${escapeHtml(label)}" tabindex="0"><table><thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;

/** Errors by form field name; "" holds those that belong to no one field. */
export type FieldErrors = Record<string, string>;

export interface FieldSpec {
  name: string;
  label: string;
  value: string;
  type?: "text" | "number" | "email" | "url" | "date" | "password";
  hint?: string;
  required?: boolean;
}

const describedBy = (name: string, hint: boolean, error: boolean) => {
  const ids = [hint ? `${name}-hint` : "", error ? `${name}-error` : ""].filter(Boolean);
  return ids.length ? ` aria-describedby="${ids.join(" ")}"` : "";
};

/** A labelled input with its hint and, when the server refused it, its error beside it. */
export function inputField(spec: FieldSpec, errors: FieldErrors): string {
  const error = errors[spec.name];
  return (
    `<label for="f-${spec.name}">${escapeHtml(spec.label)}</label>` +
    (spec.hint ? `<p class="muted" id="${spec.name}-hint">${escapeHtml(spec.hint)}</p>` : "") +
    (error ? `<p class="error" id="${spec.name}-error">${escapeHtml(error)}</p>` : "") +
    `<input id="f-${spec.name}" name="${spec.name}" type="${spec.type ?? "text"}" value="${escapeHtml(spec.value)}"${spec.required ? " required" : ""}${error ? ` aria-invalid="true"` : ""}${describedBy(spec.name, Boolean(spec.hint), Boolean(error))}>`
  );
}

/** A labelled select; `options` are [value, label] pairs. */
export function selectField(spec: Omit<FieldSpec, "type">, options: readonly (readonly [string, string])[], errors: FieldErrors): string {
  const error = errors[spec.name];
  const choices = options.map(([value, label]) => `<option value="${escapeHtml(value)}"${value === spec.value ? " selected" : ""}>${escapeHtml(label)}</option>`).join("");
  return (
    `<label for="f-${spec.name}">${escapeHtml(spec.label)}</label>` +
    (spec.hint ? `<p class="muted" id="${spec.name}-hint">${escapeHtml(spec.hint)}</p>` : "") +
    (error ? `<p class="error" id="${spec.name}-error">${escapeHtml(error)}</p>` : "") +
    `<select id="f-${spec.name}" name="${spec.name}"${error ? ` aria-invalid="true"` : ""}${describedBy(spec.name, Boolean(spec.hint), Boolean(error))}>${choices}</select>`
  );
}

/** Errors that belong to no field of the form, at its top. */
export const formErrors = (errors: FieldErrors): string => (errors[""] ? `<p class="error" role="alert">${escapeHtml(errors[""])}</p>` : "");

/** The claims of an Access JWT the gate has already verified; only read, never trusted before that. */
function accessEmail(token: string | null): string {
  const payload = token?.split(".")[1];
  const bytes = payload ? base64urlDecode(payload) : null;
  if (!bytes) return "unknown";
  try {
    const claims = JSON.parse(new TextDecoder().decode(bytes)) as { email?: unknown; sub?: unknown };
    return typeof claims.email === "string" ? claims.email : typeof claims.sub === "string" ? claims.sub : "unknown";
  } catch {
    return "unknown";
  }
}

/** Called only behind the gate: the identity and the value the CSRF token is bound to (this session, or this Access user). */
async function contextOf(request: Request, env: Env): Promise<ManageContext> {
  let actor: string;
  let binding: string;
  if (accessConfigured(env)) {
    actor = `access:${accessEmail(request.headers.get("cf-access-jwt-assertion"))}`;
    binding = actor;
  } else {
    const cookie = cookieValue(request.headers.get("cookie"), SESSION_COOKIE) ?? "";
    const session = await verifySession(env.SESSION_SECRET, cookie, Date.now());
    actor = session === null || session.sub === "admin" ? "admin" : `key:${session.sub}`;
    // Bound to this cookie: a new sign-in gets a new token, and a token read elsewhere is no good without the cookie.
    binding = `session:${cookie}`;
  }
  const csrf = base64url(await hmacSha256(env.SESSION_SECRET, `manage-csrf:${binding}`));
  return { actor, csrf };
}

/** A manage page (GET): behind the gate, with the context its forms need. */
export function managePage(request: IRequest, env: Env, render: (context: ManageContext) => Promise<Response>): Promise<Response> {
  return behindGate(request, env, async () => render(await contextOf(request, env)));
}

/** The form fields of a post, each name's first value. */
export type FormFields = Map<string, string>;

/** A change (POST): behind the gate, from this site's own page, with this session's CSRF token; else refused with a page. */
export function manageAction(
  request: IRequest,
  env: Env,
  act: (context: ManageContext, fields: FormFields, form: FormData) => Promise<Response>,
): Promise<Response> {
  return behindGate(request, env, async () => {
    if (!fromOwnPage(request)) return refused("This change did not come from this site's own page, so it was refused.");
    const context = await contextOf(request, env);
    let form: FormData;
    try {
      // Read through a Response: itty hands handlers a proxy of the request, whose own methods refuse to run on it.
      form = await new Response(request.body, { headers: { "Content-Type": request.headers.get("content-type") ?? "" } }).formData();
    } catch {
      return htmlResponse(page("Not a form", `<p class="error" role="alert">The request did not carry a form.</p>`), 400);
    }
    const fields: FormFields = new Map();
    for (const [name, value] of form.entries()) if (typeof value === "string" && !fields.has(name)) fields.set(name, value);
    if (!(await timingSafeEqualStrings(fields.get("csrf") ?? "", context.csrf))) {
      return refused("This form has expired or did not come from this session. Go back, reload the page and try again.");
    }
    return act(context, fields, form);
  });
}

function refused(message: string): Response {
  return htmlResponse(page("Refused", `<p class="error" role="alert">${escapeHtml(message)}</p><p><a href="/internal/manage/surveys">Back to the surveys</a></p>`), 403);
}

/** One audit line for a change just made. */
export function audit(env: Env, context: ManageContext, action: string, subject: string, detail: string): Promise<void> {
  return appendAudit(env.DB, { at: Date.now(), actor: context.actor, action, subject, detail });
}

/** The request as an API handler takes it: the validated input set beside what the router gave. */
export function withInput<P, Q, B>(request: IRequest, input: { params: P; query: Q; body: B }): IRequest & { input: { params: P; query: Q; body: B } } {
  return Object.assign(request, { input });
}

/**
 * A fresh request for an API handler whose work a form repeats: its JSON body (for handlers that read
 * the body themselves) and the input the router would have validated.
 */
export function apiRequest<P, Q, B>(url: string, method: string, json: unknown, input: { params: P; query: Q; body: B }): IRequest & { input: { params: P; query: Q; body: B } } {
  const request = new Request(url, json === undefined ? { method } : { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(json) });
  return Object.assign(request, { route: new URL(url).pathname, params: {}, query: {}, input });
}

/** An API error's field as a form field name: its first segment ("question.en" is the question field). */
export const errorField = (error: ApiError): string => error.field?.split(".")[0] ?? "";

export const notFoundPage = (what: string): Response =>
  htmlResponse(page("Not found", `<p>${escapeHtml(what)} was not found.</p><p><a href="/internal/manage/surveys">All surveys</a></p>`), 404);

/** What every manage page may answer besides its own page, as the route table documents it. */
export const GATE_ANSWERS = {
  302: { description: "Not signed in (without Cloudflare Access): on to the sign-in page", headers: { Location: "/internal/sign-in?next=<this path>." } },
  403: {
    description: "Cloudflare Access is configured and the request carries no valid Access JWT (text); or, for a form, not from this site's own page or without this session's CSRF token (a page)",
    content: { "text/plain": v.string(), "text/html": v.string() },
  },
} satisfies Record<number, ResponseSpec>;

const HTML_BODY = { "text/html": v.string() };

/** A manage page: the page, or not found. */
export const PAGE_ANSWERS = {
  200: { description: "The page", content: HTML_BODY },
  ...GATE_ANSWERS,
  404: { description: "Signed in, and nothing has this id", content: HTML_BODY },
} satisfies Record<number, ResponseSpec>;

/** A manage form's post: redirect-after-post, or the form again with the errors beside their fields. */
export const ACTION_ANSWERS = {
  200: { description: "A result shown once (a new key's or webhook's secret, a send preview)", content: HTML_BODY },
  303: { description: "Done; on to the page that shows the result", headers: { Location: "The result page." } },
  400: { description: "Refused: the form again, the errors beside their fields and the typed values kept", content: HTML_BODY },
  ...GATE_ANSWERS,
  404: { description: "Signed in, and nothing has this id", content: HTML_BODY },
  409: { description: "Refused for a conflict (the id is taken, a limit is reached, the survey is archived): the form again, saying so", content: HTML_BODY },
  413: BODY_OVER_LIMIT,
} satisfies Record<number, ResponseSpec>;

/** A form post's body, as the document shows it: fields the handler reads itself. */
export const FORM_BODY = {
  "application/x-www-form-urlencoded": v.record(v.string(), v.string()),
  "multipart/form-data": v.record(v.string(), v.string()),
};
