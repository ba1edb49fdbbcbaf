import type { IRequest } from "itty-router";
import * as v from "valibot";
import { createInvitations, InvitationBatch } from "../../api/invitations";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { configuredThrottleDays } from "../../sending/enqueue";
import { sendTimesBetween } from "../../storage/sends";
import { getSurvey, listSurveys, type StoredSurvey } from "../../storage/surveys";
import { suppressedEmails, suppressionKey } from "../../storage/suppressions";
import { allowedPropertyKeys, isEmailAddress, personFields, recipientSchema } from "../../surveys/properties";
import { parseCsv } from "./csv";
import { apiRequest, audit, csrfField, htmlResponse, manageAction, managePage, notFoundPage, page, scrollTable, seeOther, selectField, type FieldErrors, type ManageContext } from "./shell";

/**
 * Send: a CSV of recipients (email, name, locale, then property columns) → a preview of who will be
 * asked and who is skipped and why, computed read-only with the checks scheduleSends makes → a confirm
 * form that schedules through the invitations API's own work (send: true).
 */

const MAX_ROWS = 1000;
const MAX_CSV_CHARS = 512 * 1024;
const DAY_MS = 86_400_000;

/** One recipient as the invitations API takes it: the email is the recipient id. */
const RowSchema = v.strictObject({ recipient: recipientSchema("The address, as the recipient id."), ...personFields });
type Row = v.InferOutput<typeof RowSchema>;

export interface PlannedRow {
  line: number;
  email: string;
  name: string;
  /** The recipient as the API will take it; null when the row is skipped before the API sees it. */
  recipient: Row | null;
  skip: string | null;
}

export interface Plan {
  rows: PlannedRow[];
  ignoredColumns: string[];
  error: string | null;
}

const SKIP_TEXT: Record<string, string> = {
  no_email: "no email address",
  invalid_email: "not an email address",
  duplicate_in_request: "listed twice",
  unsubscribed: "unsubscribed",
  bounced: "bounced or complained",
  throttled: "emailed by a survey within the throttle",
};

/** The CSV read against the survey: each row a recipient or why it is left out, before the database is asked. */
export function planRows(text: string, survey: StoredSurvey): Plan {
  const parsed = parseCsv(text);
  if ("error" in parsed) return { rows: [], ignoredColumns: [], error: parsed.error };
  const [header, ...records] = parsed.rows;
  if (!header) return { rows: [], ignoredColumns: [], error: "The list is empty: give a header line (email, name, locale, …) and one line per person." };
  const columns = header.map((name) => name.trim().toLowerCase());
  if (!columns.includes("email")) return { rows: [], ignoredColumns: [], error: "The header line has no email column." };
  if (records.length > MAX_ROWS) return { rows: [], ignoredColumns: [], error: `At most ${MAX_ROWS} people per list; this one has ${records.length}.` };
  const allowed = allowedPropertyKeys(survey);
  const personal = new Set(["email", "name", "locale", "timezone"]);
  const ignoredColumns = columns.filter((c) => !personal.has(c) && !allowed.has(c));
  const seen = new Set<string>();
  const rows = records.map((record, index): PlannedRow => {
    const cell = (name: string) => (record[columns.indexOf(name)] ?? "").trim();
    const email = cell("email");
    const name = cell("name");
    const line = index + 2;
    if (!email) return { line, email, name, recipient: null, skip: SKIP_TEXT.no_email! };
    const properties = Object.fromEntries(columns.flatMap((c, i) => (allowed.has(c) && (record[i] ?? "").trim() ? [[c, record[i]!.trim()]] : [])));
    const input = {
      recipient: suppressionKey(email),
      email,
      ...(name ? { name } : {}),
      ...(cell("locale") ? { locale: cell("locale").toLowerCase() } : {}),
      ...(cell("timezone") ? { timezone: cell("timezone") } : {}),
      ...(Object.keys(properties).length ? { properties } : {}),
    };
    const checked = v.safeParse(RowSchema, input);
    if (!checked.success) {
      const issue = checked.issues[0];
      const path = v.getDotPath(issue) ?? "row";
      return { line, email, name, recipient: null, skip: path === "email" || path === "recipient" ? SKIP_TEXT.invalid_email! : `${path}: ${issue.message}` };
    }
    if (!isEmailAddress(email)) return { line, email, name, recipient: null, skip: SKIP_TEXT.invalid_email! };
    if (seen.has(checked.output.recipient)) return { line, email, name, recipient: null, skip: SKIP_TEXT.duplicate_in_request! };
    seen.add(checked.output.recipient);
    return { line, email, name, recipient: checked.output, skip: null };
  });
  return { rows, ignoredColumns, error: null };
}

/** The database's part of the preview, read-only: suppressions, and the throttle across surveys as scheduleSends judges it now. */
async function checkStored(env: Env, plan: Plan): Promise<void> {
  const candidates = plan.rows.filter((row) => row.recipient !== null);
  const suppressed = await suppressedEmails(env.DB, candidates.map((row) => row.email));
  const throttleMs = configuredThrottleDays(env) * DAY_MS;
  const now = Date.now();
  const nearby = throttleMs > 0 && candidates.length > 0 ? await sendTimesBetween(env.DB, candidates.map((row) => row.recipient!.recipient), now - throttleMs, now + throttleMs) : new Map<string, number[]>();
  for (const row of candidates) {
    const suppression = suppressed.get(suppressionKey(row.email));
    if (suppression) row.skip = suppression === "unsubscribed" ? SKIP_TEXT.unsubscribed! : SKIP_TEXT.bounced!;
    else if ((nearby.get(row.recipient!.recipient) ?? []).some((t) => Math.abs(t - now) < throttleMs)) row.skip = SKIP_TEXT.throttled!;
  }
}

async function sendForm(env: Env, context: ManageContext, values: { survey: string; csv: string }, errors: FieldErrors, notice: string, status = 200): Promise<Response> {
  const { surveys } = await listSurveys(env.DB, { includeArchived: false, after: null, limit: 100 });
  const error = errors.csv;
  const body =
    (notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : "") +
    `<p>Tapscore emails each person the survey itself. Paste a list or upload a CSV file: a header line <code>email,name,locale</code>, then property columns the survey keeps (such as <code>touchpoint</code>, <code>channel</code> or its segments). Nothing is sent before you confirm the preview.</p>` +
    (surveys.length === 0
      ? `<p>Create a survey first: <a href="/internal/manage/surveys/new">New survey</a>.</p>`
      : `<form method="post" action="/internal/manage/send/preview" enctype="multipart/form-data">${csrfField(context)}` +
        selectField({ name: "survey", label: "Survey", value: values.survey }, surveys.map((s) => [s.id, `${s.name} (${s.id})`] as const), errors) +
        `<label for="f-csv">Recipients (CSV)</label>${error ? `<p class="error" id="csv-error">${escapeHtml(error)}</p>` : ""}<textarea id="f-csv" name="csv" rows="8"${error ? ` aria-invalid="true" aria-describedby="csv-error"` : ""}>${escapeHtml(values.csv)}</textarea>` +
        `<label for="f-file">Or a CSV file</label><input id="f-file" name="file" type="file" accept=".csv,text/csv">` +
        `<p><button type="submit">Preview</button></p></form>`);
  return htmlResponse(page("Send a survey", body), status);
}

/** GET /internal/manage/send */
export function sendPage(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, (context) => {
    const params = new URL(request.url).searchParams;
    const scheduled = params.get("scheduled");
    const notice = scheduled === null ? "" : `Scheduled ${Number(scheduled)} email(s); ${Number(params.get("skipped") ?? "0")} skipped. They appear under Survey emails.`;
    return sendForm(env, context, { survey: params.get("survey") ?? "", csv: "" }, {}, notice);
  });
}

/** The list from the form: the uploaded file if one was chosen, else the pasted text. */
async function csvOf(form: FormData, fields: Map<string, string>): Promise<string | null> {
  const file = form.get("file");
  const text = file instanceof File && file.size > 0 ? (file.size > MAX_CSV_CHARS ? null : await file.text()) : (fields.get("csv") ?? "");
  return text !== null && text.length <= MAX_CSV_CHARS ? text : null;
}

/** POST /internal/manage/send/preview — changes nothing: who will be asked, who is skipped and why, and the confirm form. */
export function sendPreviewAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields, form) => {
    const surveyId = fields.get("survey") ?? "";
    const survey = await getSurvey(env.DB, surveyId);
    const text = await csvOf(form, fields);
    if (text === null) return sendForm(env, context, { survey: surveyId, csv: "" }, { csv: `The list is larger than ${MAX_CSV_CHARS / 1024} KiB.` }, "", 400);
    if (!survey || survey.archived) return sendForm(env, context, { survey: surveyId, csv: text }, { survey: "Choose an active survey." }, "", 400);
    const plan = planRows(text, survey);
    if (plan.error) return sendForm(env, context, { survey: surveyId, csv: text }, { csv: plan.error }, "", 400);
    await checkStored(env, plan);
    const asked = plan.rows.filter((row) => row.skip === null);
    const skipped = plan.rows.filter((row) => row.skip !== null);
    const who = (row: PlannedRow) => `<td>${row.line}</td><td>${escapeHtml(row.email || "(none)")}</td><td>${escapeHtml(row.name)}</td>`;
    const body =
      `<p>Survey <strong>${escapeHtml(survey.name)}</strong>: ${asked.length} will be asked, ${skipped.length} skipped. Nothing has been sent yet.</p>` +
      (plan.ignoredColumns.length ? `<p class="notice">Columns this survey does not keep, left out: ${escapeHtml(plan.ignoredColumns.join(", "))}.</p>` : "") +
      `<h2>Will be asked</h2>` +
      (asked.length ? scrollTable("Will be asked", ["Line", "Email", "Name"], asked.map((row) => `<tr>${who(row)}</tr>`)) : `<p>Nobody.</p>`) +
      `<h2>Skipped</h2>` +
      (skipped.length ? scrollTable("Skipped", ["Line", "Email", "Name", "Why"], skipped.map((row) => `<tr>${who(row)}<td>${escapeHtml(row.skip!)}</td></tr>`)) : `<p>Nobody.</p>`) +
      (asked.length
        ? `<form method="post" action="/internal/manage/send/confirm">${csrfField(context)}<input type="hidden" name="survey" value="${escapeHtml(survey.id)}"><input type="hidden" name="csv" value="${escapeHtml(text)}"><p><button type="submit">Send to ${asked.length}</button></p></form>`
        : "") +
      `<p><a href="/internal/manage/send">Start again</a></p>`;
    return htmlResponse(page("Preview", body));
  });
}

/** POST /internal/manage/send/confirm — schedules through the invitations API (send: true), which checks everything again. */
export function sendConfirmAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields, form) => {
    const surveyId = fields.get("survey") ?? "";
    const survey = await getSurvey(env.DB, surveyId);
    if (!survey) return notFoundPage("The survey");
    const text = (await csvOf(form, fields)) ?? "";
    const plan = planRows(text, survey);
    const recipients = plan.rows.flatMap((row) => (row.recipient ? [row.recipient] : []));
    if (plan.error || recipients.length === 0) return sendForm(env, context, { survey: surveyId, csv: text }, { csv: plan.error ?? "Nobody on the list can be emailed." }, "", 400);
    let batch: v.InferOutput<typeof InvitationBatch>;
    try {
      const answer = await createInvitations(
        apiRequest(request.url, "POST", undefined, { params: { id: survey.id }, query: {}, body: { recipients, expires_in_days: 30, snippets: false, send: true } }),
        env,
      );
      batch = v.parse(InvitationBatch, await answer.json());
    } catch (error) {
      if (error instanceof ApiError) return sendForm(env, context, { survey: surveyId, csv: text }, { csv: error.message }, "", error.status === 409 ? 409 : 400);
      throw error;
    }
    const skipped = batch.skipped.length + plan.rows.length - recipients.length;
    await audit(env, context, "send.schedule", survey.id, `${batch.invitations.length} scheduled, ${skipped} skipped`);
    return seeOther(`/internal/manage/send?survey=${encodeURIComponent(survey.id)}&scheduled=${batch.invitations.length}&skipped=${skipped}`);
  });
}
