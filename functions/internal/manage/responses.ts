import type { IRequest } from "itty-router";
import { overrideResponse, presentResponse } from "../../api/responses";
import { exportStream } from "../../exports/responses";
import { decodeTimeCursor, encodeTimeCursor } from "../../http/cursor";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { isCalendarDate, isWithinCalendar, isoTime } from "../../http/time";
import { addDays, dayStart } from "../../rollups/days";
import { STATUSES, getResponse, listResponses, type ResponseCursor, type Reason, type ResponseRecord, type Status } from "../../storage/responses";
import { getSurvey, type StoredSurvey } from "../../storage/surveys";
import { allowedPropertyKeys } from "../../surveys/properties";
import { apiRequest, audit, csrfField, htmlResponse, manageAction, managePage, notFoundPage, page, scrollTable, seeOther, type ManageContext } from "./shell";

/** The filters of the responses page, as its GET query carries them (and the export links repeat). */
export interface ResponseFilter {
  status: Status | null;
  score: number | null;
  /** Days in the survey's time zone, both included. */
  from: string | null;
  to: string | null;
  segmentKey: string | null;
  segmentValue: string | null;
  comment: "yes" | "no" | null;
}

const PAGE = 50;
/** Rows read per page at most while filtering: a rare match deep in a large survey costs bounded work per page. */
const SCAN_LIMIT = 2000;
const CURSOR_ID = /^rsp_[\w-]{1,124}$/;

/** Why the counting rule (or an admin) decided as it did, for people. */
// Every reason the rule gives: a new one cannot ship without its words here.
const REASON_TEXT: Record<Reason, string> = {
  tap: "a tap from a person's browser",
  confirmed: "confirmed on the answer page",
  override: "an admin's override",
  sweep: "decided later by the cron, no scanner seen",
  replay: "a replayed link",
  cross_site: "opened from another site",
  cloud_network: "from a cloud network (a mail scanner)",
  stale_browser: "an outdated browser from a cloud network (a sandbox)",
  honeypot: "followed the email's hidden link (a scanner)",
  headless_client: "a headless browser",
  bot_client: "a bot",
  tool_client: "a tool such as curl",
  empty_client: "no user agent",
};

/** The query read leniently: a value that is not one of the choices is no filter, and the form shows it as such. */
export function readFilter(params: URLSearchParams, survey: StoredSurvey): ResponseFilter {
  const status = params.get("status");
  const score = params.get("score")?.trim() ?? "";
  const day = (name: string) => {
    const value = params.get(name)?.trim() ?? "";
    return isCalendarDate(value) && isWithinCalendar(value) ? value : null;
  };
  const key = params.get("segment_key") ?? "";
  const comment = params.get("comment");
  const scoreNumber = /^\d{1,2}$/.test(score) ? Number(score) : null;
  return {
    status: (STATUSES as readonly string[]).includes(status ?? "") ? (status as Status) : null,
    score: scoreNumber !== null && scoreNumber >= survey.scale.min && scoreNumber <= survey.scale.max ? scoreNumber : null,
    from: day("from"),
    to: day("to"),
    segmentKey: allowedPropertyKeys(survey).has(key) ? key : null,
    segmentValue: allowedPropertyKeys(survey).has(key) ? (params.get("segment_value") ?? "").trim() || null : null,
    comment: comment === "yes" || comment === "no" ? comment : null,
  };
}

/** The filter as a query string (without cursor), for the export links and the next page. */
export function filterQuery(filter: ResponseFilter): URLSearchParams {
  const query = new URLSearchParams();
  if (filter.status) query.set("status", filter.status);
  if (filter.score !== null) query.set("score", String(filter.score));
  if (filter.from) query.set("from", filter.from);
  if (filter.to) query.set("to", filter.to);
  if (filter.segmentKey && filter.segmentValue) {
    query.set("segment_key", filter.segmentKey);
    query.set("segment_value", filter.segmentValue);
  }
  if (filter.comment) query.set("comment", filter.comment);
  return query;
}

/** The created_at range of the filter's days in the survey's zone, half-open. */
function range(filter: ResponseFilter, survey: StoredSurvey): { from: number | null; to: number | null } {
  return {
    from: filter.from ? dayStart(filter.from, survey.timezone) : null,
    to: filter.to ? dayStart(addDays(filter.to, 1), survey.timezone) : null,
  };
}

/** What storage cannot filter by, checked per row. */
function matches(response: ResponseRecord, filter: ResponseFilter, bounds: { from: number | null; to: number | null }): boolean {
  if (filter.score !== null && response.score !== filter.score) return false;
  if (bounds.from !== null && response.created_at < bounds.from) return false;
  if (bounds.to !== null && response.created_at >= bounds.to) return false;
  if (filter.segmentKey && filter.segmentValue && response.properties[filter.segmentKey] !== filter.segmentValue) return false;
  const hasComment = response.comment !== null && response.comment.trim() !== "";
  if (filter.comment === "yes" && !hasComment) return false;
  if (filter.comment === "no" && hasComment) return false;
  return true;
}

/** One page of matching responses, newest first, and where the next starts. */
async function filteredPage(env: Env, survey: StoredSurvey, filter: ResponseFilter, before: ResponseCursor | null) {
  const bounds = range(filter, survey);
  const found: ResponseRecord[] = [];
  let cursor = before;
  let scanned = 0;
  for (;;) {
    const chunk = await listResponses(env.DB, survey.id, { status: filter.status, before: cursor, limit: 200 });
    for (const response of chunk.responses) {
      scanned++;
      cursor = { created_at: response.created_at, id: response.id };
      // Newer than the range: skip; older than it: nothing further down can match.
      if (bounds.from !== null && response.created_at < bounds.from) return { responses: found, next: null };
      if (matches(response, filter, bounds)) found.push(response);
      if (found.length === PAGE || scanned >= SCAN_LIMIT) return { responses: found, next: cursor };
    }
    if (!chunk.next) return { responses: found, next: null };
  }
}

function filterForm(survey: StoredSurvey, filter: ResponseFilter): string {
  const option = (value: string, label: string, current: string | null) => `<option value="${escapeHtml(value)}"${value === (current ?? "") ? " selected" : ""}>${escapeHtml(label)}</option>`;
  const keys = [...allowedPropertyKeys(survey)];
  return (
    `<form method="get" action="/internal/manage/surveys/${encodeURIComponent(survey.id)}/responses" class="filters" aria-label="Filter responses">` +
    `<div><label for="q-status">Status</label><select id="q-status" name="status">${option("", "Any", filter.status)}${STATUSES.map((s) => option(s, s, filter.status)).join("")}</select></div>` +
    `<div><label for="q-score">Score</label><input id="q-score" name="score" type="number" min="${survey.scale.min}" max="${survey.scale.max}" value="${filter.score ?? ""}"></div>` +
    `<div><label for="q-from">From (day)</label><input id="q-from" name="from" type="date" value="${filter.from ?? ""}"></div>` +
    `<div><label for="q-to">To (day, included)</label><input id="q-to" name="to" type="date" value="${filter.to ?? ""}"></div>` +
    `<div><label for="q-key">Segment</label><select id="q-key" name="segment_key">${option("", "Any", filter.segmentKey)}${keys.map((k) => option(k, k, filter.segmentKey)).join("")}</select></div>` +
    `<div><label for="q-value">Segment value</label><input id="q-value" name="segment_value" type="text" value="${escapeHtml(filter.segmentValue ?? "")}"></div>` +
    `<div><label for="q-comment">Comment</label><select id="q-comment" name="comment">${option("", "Any", filter.comment)}${option("yes", "With a comment", filter.comment)}${option("no", "Without", filter.comment)}</select></div>` +
    `<div><button type="submit">Filter</button></div></form>`
  );
}

function overrideForm(context: ManageContext, response: ResponseRecord, back: string): string {
  const current = response.override ?? "auto";
  const choice = (value: string, label: string) =>
    `<option value="${value}"${value === current ? " selected" : ""}>${label}</option>`;
  const id = `o-${response.id}`;
  return (
    `<form method="post" action="/internal/manage/responses/${encodeURIComponent(response.id)}/override" class="inline">${csrfField(context)}` +
    `<input type="hidden" name="back" value="${escapeHtml(back)}">` +
    `<label for="${escapeHtml(id)}">Decision for ${escapeHtml(response.recipient)}</label><select id="${escapeHtml(id)}" name="status">${choice("auto", "Auto (the rule)")}${choice("counted", "Counted")}${choice("excluded", "Excluded")}</select>` +
    `<button type="submit">Save</button></form>`
  );
}

function row(context: ManageContext, response: ResponseRecord, back: string): string {
  const properties = Object.entries(response.properties)
    .map(([k, v]) => `${escapeHtml(k)}: ${escapeHtml(v)}`)
    .join("<br>");
  return (
    `<tr><td>${isoTime(response.created_at)}</td><td>${escapeHtml(response.recipient)}${response.email ? `<br><span class="muted">${escapeHtml(response.email)}</span>` : ""}</td>` +
    `<td>${response.score}</td><td>${response.comment === null ? `<span class="muted">none</span>` : escapeHtml(response.comment)}</td>` +
    `<td>${escapeHtml(response.status)}<br><span class="muted">${escapeHtml(response.reason)}: ${escapeHtml(REASON_TEXT[response.reason])}</span></td>` +
    `<td>${properties || `<span class="muted">none</span>`}</td><td>${overrideForm(context, response, back)}</td></tr>`
  );
}

/** GET /internal/manage/surveys/:id/responses */
export function responsesPage(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async (context) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const url = new URL(request.url);
    const filter = readFilter(url.searchParams, survey);
    let before: ResponseCursor | null = null;
    try {
      before = decodeTimeCursor(url.searchParams.get("cursor") ?? undefined, CURSOR_ID);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    const result = await filteredPage(env, survey, filter, before);
    const query = filterQuery(filter);
    const base = `/internal/manage/surveys/${encodeURIComponent(survey.id)}`;
    const back = `${base}/responses${url.search}`;
    const rows = result.responses.map((response) => row(context, response, back));
    const table = rows.length
      ? scrollTable("Responses", ["When (UTC)", "Who", "Score", "Comment", "Status and reason", "Properties", "Override"], rows)
      : `<p>No responses match.</p>`;
    const exportQuery = (format: string) => {
      const q = new URLSearchParams(query);
      q.set("format", format);
      return `${base}/export?${q.toString()}`;
    };
    const next = result.next ? `<p><a href="${escapeHtml(`${base}/responses?${new URLSearchParams([...query, ["cursor", encodeTimeCursor(result.next)]]).toString()}`)}">Older responses</a></p>` : "";
    const created = url.searchParams.get("created") === "1" ? `<p class="notice" role="status">Survey created.</p>` : "";
    const overridden = url.searchParams.get("saved") === "1" ? `<p class="notice" role="status">Decision saved.</p>` : "";
    return htmlResponse(
      page(
        `Responses: ${survey.name}`,
        `${created}${overridden}<p><a href="${base}/edit">Edit survey</a> · <a href="${base}/share">Share</a> · Export what is filtered: <a href="${escapeHtml(exportQuery("csv"))}">CSV</a>, <a href="${escapeHtml(exportQuery("ndjson"))}">NDJSON</a></p>` +
          filterForm(survey, filter) +
          `<p class="muted">Newest first. Only counted responses enter the metrics.</p>${table}${next}`,
      ),
    );
  });
}

/** POST /internal/manage/responses/:id/override — the API's PATCH /api/v1/responses/{id}. */
export function overrideAction(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const response = await getResponse(env.DB, request.params.id ?? "");
    if (!response) return notFoundPage("The response");
    const status = fields.get("status");
    if (status !== "counted" && status !== "excluded" && status !== "auto") {
      return htmlResponse(page("Not a decision", `<p class="error" role="alert">Choose counted, excluded or auto.</p>`), 400);
    }
    await overrideResponse(apiRequest(request.url, "PATCH", undefined, { params: { id: response.id }, query: {}, body: { status } }), env, ctx);
    await audit(env, context, "response.override", response.id, `${response.status} → ${status}`);
    return seeOther(backTo(fields.get("back") ?? "", response.survey));
  });
}

/**
 * Where an override returns: the survey's responses page with the filters it was posted from, and
 * only that (a `back` naming anything else, another site included, is not followed), saying it is saved.
 */
export function backTo(back: string, surveyId: string): string {
  const list = `/internal/manage/surveys/${encodeURIComponent(surveyId)}/responses`;
  const url = URL.canParse(back, "https://manage.invalid") ? new URL(back, "https://manage.invalid") : null;
  const query = url && url.origin === "https://manage.invalid" && url.pathname === list ? url.searchParams : new URLSearchParams();
  query.delete("created");
  query.delete("saved");
  query.set("saved", "1");
  return `${list}?${query.toString()}`;
}

/** GET /internal/manage/surveys/:id/export?format=csv|ndjson&… — what the page's filter shows, as the API's export writes it. */
export function exportAction(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async () => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const params = new URL(request.url).searchParams;
    const format = params.get("format") === "ndjson" ? "ndjson" : "csv";
    const filter = readFilter(params, survey);
    // The API export's rows and columns, oldest first, with the filters storage cannot apply checked per row.
    const bounds = range(filter, survey);
    const rows = exportStream(env.DB, survey, { status: filter.status, ...bounds }, format, presentResponse, (response) => matches(response, filter, bounds));
    return new Response(rows, {
      headers: {
        "Content-Type": format === "csv" ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8",
        "Content-Disposition": `attachment; filename="${survey.id}-responses.${format}"`,
      },
    });
  });
}
