import type { IRequest } from "itty-router";
import { createSurvey, patchSurvey, archiveSurvey } from "../../api/surveys";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { isoTime } from "../../http/time";
import { LOCALES } from "../../i18n/locales";
import { HEADLINES, METRICS, SCALES } from "../../scoring/metrics";
import { getSurvey, listSurveys, type StoredSurvey } from "../../storage/surveys";
import { PRESETS, presetByKey } from "./presets";
import {
  apiRequest,
  audit,
  buttonForm,
  csrfField,
  errorField,
  formErrors,
  htmlResponse,
  inputField,
  manageAction,
  managePage,
  notFoundPage,
  page,
  scrollTable,
  seeOther,
  selectField,
  type FieldErrors,
  type FormFields,
  type ManageContext,
} from "./shell";

/** The survey form's fields, as text: what the person typed is shown back as typed. */
const FIELDS = [
  "id",
  "name",
  "metric",
  "scale",
  "headline",
  "satisfied_min",
  "locale",
  "question",
  "touchpoint",
  "attribute",
  "timezone",
  "segments",
  "recurrence_days",
  "reminder_after_days",
  "public",
  "brand_name",
  "brand_logo_url",
  "brand_accent",
] as const;
type Field = (typeof FIELDS)[number];
type Values = Record<Field, string>;

const BLANK: Values = {
  id: "",
  name: "",
  metric: "csat",
  scale: "1-5",
  headline: "percent",
  satisfied_min: "",
  locale: "en",
  question: "",
  touchpoint: "",
  attribute: "",
  timezone: "UTC",
  segments: "",
  recurrence_days: "",
  reminder_after_days: "",
  public: "",
  brand_name: "",
  brand_logo_url: "",
  brand_accent: "",
};

/** API error fields that are not form fields, as the form field that holds them. */
const FIELD_OF: Record<string, Field> = { recurrence: "recurrence_days", target: "satisfied_min", follow_up: "question" };

const valuesOf = (fields: FormFields): Values => Object.fromEntries(FIELDS.map((name) => [name, fields.get(name) ?? ""])) as Values;

const ALL_SCALES = [...new Set(METRICS.flatMap((metric) => SCALES[metric].map((s) => `${s.min}-${s.max}`)))];

const numberOrNull = (text: string): number | null => (text.trim() === "" ? null : Number(text.trim()));

/** The editable part of the body, as the API takes it; `creating` leaves empty optional fields out instead of clearing them. */
function editableBody(values: Values, current: StoredSurvey | null): Record<string, unknown> {
  const question = values.question.trim();
  const locale = values.locale;
  const body: Record<string, unknown> = {
    name: values.name.trim(),
    headline: values.headline,
    locale,
    touchpoint: values.touchpoint.trim() || null,
    attribute: values.attribute.trim() || null,
    timezone: values.timezone.trim(),
    segments: values.segments
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean),
    public: values.public === "on",
  };
  if (question) body.question = { ...(current?.question ?? {}), [locale]: question };
  const satisfied = numberOrNull(values.satisfied_min);
  if (satisfied !== null) body.satisfied_min = satisfied;
  const every = numberOrNull(values.recurrence_days);
  body.recurrence = every === null ? null : { every_days: every, window: current?.recurrence?.window ?? null };
  body.reminder_after_days = numberOrNull(values.reminder_after_days);
  // Empty clears a brand field: the installation's BRAND_* default shows instead.
  body.brand = { name: values.brand_name.trim() || null, logo_url: values.brand_logo_url.trim() || null, accent: values.brand_accent.trim() || null };
  // Empty means "not given" when creating: the API's defaults apply.
  if (current === null) for (const key of Object.keys(body)) if (body[key] === null || body[key] === "") delete body[key];
  if (current === null && Object.values(body.brand as Record<string, unknown>).every((field) => field === null)) delete body.brand;
  return body;
}

function surveyForm(context: ManageContext, values: Values, errors: FieldErrors, current: StoredSurvey | null): string {
  const action = current ? `/internal/manage/surveys/${encodeURIComponent(current.id)}/edit` : "/internal/manage/surveys/new";
  const fixed = current
    ? `<p>Id <code>${escapeHtml(current.id)}</code>, ${escapeHtml(current.metric.toUpperCase())} on ${current.scale.min}–${current.scale.max}: these do not change once a survey exists.</p>`
    : inputField({ name: "id", label: "Id", value: values.id, required: true, hint: "The URL slug: lowercase letters, digits and dashes, e.g. support-csat." }, errors) +
      selectField({ name: "metric", label: "Metric", value: values.metric }, METRICS.map((m) => [m, m.toUpperCase()] as const), errors) +
      selectField({ name: "scale", label: "Scale", value: values.scale, hint: "CSAT and rating: 1–5, 1–7 or 1–10; NPS 0–10; CES 1–7 or 1–5; intent 1–5." }, ALL_SCALES.map((s) => [s, s.replace("-", "–")] as const), errors);
  return (
    formErrors(errors) +
    `<form method="post" action="${action}" novalidate>${csrfField(context)}` +
    fixed +
    inputField({ name: "name", label: "Name", value: values.name, required: true }, errors) +
    selectField({ name: "headline", label: "Headline number", value: values.headline }, HEADLINES.map((h) => [h, h === "percent" ? "Percent satisfied" : "Mean score"] as const), errors) +
    inputField({ name: "satisfied_min", label: "Lowest satisfied score", value: values.satisfied_min, type: "number", hint: "Empty: the metric's default (top-2-box; NPS 9)." }, errors) +
    selectField({ name: "locale", label: "Language", value: values.locale }, LOCALES.map((l) => [l, l] as const), errors) +
    inputField({ name: "question", label: "Question (in that language)", value: values.question, hint: "Empty: the default question of the metric." }, errors) +
    inputField({ name: "touchpoint", label: "Touchpoint", value: values.touchpoint, hint: "Optional, e.g. support or onboarding." }, errors) +
    inputField({ name: "attribute", label: "Attribute rated", value: values.attribute, hint: "Rating surveys name what they rate, e.g. delivery speed." }, errors) +
    inputField({ name: "timezone", label: "Time zone", value: values.timezone, hint: "IANA, e.g. Europe/Amsterdam." }, errors) +
    inputField({ name: "segments", label: "Segment keys", value: values.segments, hint: "Custom property keys, comma-separated, e.g. plan, team." }, errors) +
    inputField({ name: "recurrence_days", label: "Ask members again every … days", value: values.recurrence_days, type: "number", hint: "Empty: no recurrence. 7 to 730." }, errors) +
    inputField({ name: "reminder_after_days", label: "Remind after … days", value: values.reminder_after_days, type: "number", hint: "Empty: no reminder. 1 to 30." }, errors) +
    `<fieldset><legend>Brand</legend><p class="muted">Who asks, on the respondent page and in the emails. Empty: the installation's default (BRAND_NAME, BRAND_LOGO_URL, BRAND_ACCENT).</p>` +
    inputField({ name: "brand_name", label: "Organization name", value: values.brand_name, hint: "At most 100 characters, e.g. Acme." }, errors) +
    inputField({ name: "brand_logo_url", label: "Logo URL", value: values.brand_logo_url, type: "url", hint: "An https URL of an image, at most 500 characters." }, errors) +
    inputField({ name: "brand_accent", label: "Accent colour", value: values.brand_accent, hint: "#rrggbb, e.g. #c2410c. Adjusted where needed to keep the buttons readable (WCAG AA)." }, errors) +
    `</fieldset>` +
    (errors.public ? `<p class="error" id="public-error">${escapeHtml(errors.public)}</p>` : "") +
    `<p class="inline"><input id="f-public" name="public" type="checkbox"${values.public === "on" ? " checked" : ""}><label for="f-public">Public report page</label></p>` +
    `<p><button type="submit">${current ? "Save changes" : "Create survey"}</button></p></form>`
  );
}

/** GET /internal/manage/surveys — active surveys, or all with ?archived=1. */
export function surveysList(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async () => {
    const archived = new URL(request.url).searchParams.get("archived") === "1";
    const { surveys } = await listSurveys(env.DB, { includeArchived: archived, after: null, limit: 100 });
    const rows = surveys.map((s) => {
      const id = encodeURIComponent(s.id);
      return (
        `<tr><td><a href="/internal/manage/surveys/${id}/responses">${escapeHtml(s.name)}</a><br><span class="muted">${escapeHtml(s.id)}</span></td>` +
        `<td>${escapeHtml(s.metric.toUpperCase())} ${s.scale.min}–${s.scale.max}</td><td>${s.archived ? "archived" : "active"}</td><td>${isoTime(s.created_at)}</td>` +
        `<td><a href="/internal/manage/surveys/${id}/edit">Edit<span class="muted"> ${escapeHtml(s.id)}</span></a></td></tr>`
      );
    });
    const toggle = archived
      ? `<a href="/internal/manage/surveys">Hide archived surveys</a>`
      : `<a href="/internal/manage/surveys?archived=1">Show archived surveys too</a>`;
    const table = surveys.length ? scrollTable("Surveys", ["Survey", "Metric", "State", "Created (UTC)", "Change"], rows) : `<p>No surveys yet.</p>`;
    return htmlResponse(page("Surveys", `<p><a class="button" href="/internal/manage/surveys/new">New survey</a> ${toggle}</p>${table}`));
  });
}

function newSurveyPage(context: ManageContext, values: Values, errors: FieldErrors, status: number): Response {
  const presets = PRESETS.map((p) => `<li><a href="/internal/manage/surveys/new?preset=${p.key}">${escapeHtml(p.label)}</a></li>`).join("");
  return htmlResponse(page("New survey", `<h2>Start from a preset</h2><ul>${presets}</ul><h2>Survey</h2>${surveyForm(context, values, errors, null)}`), status);
}

/** GET /internal/manage/surveys/new[?preset=…] — the create form, filled from a preset if one is named. */
export function newSurveyForm(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async (context) => {
    const preset = presetByKey(new URL(request.url).searchParams.get("preset"));
    const values: Values = preset ? { ...BLANK, ...preset.fields, id: preset.key } : BLANK;
    return newSurveyPage(context, values, {}, 200);
  });
}

function errorsOf(error: ApiError): FieldErrors {
  // brand.accent is the form's brand_accent, and so on.
  const brandField = /^brand\.(name|logo_url|accent)$/.exec(error.field ?? "");
  if (brandField) return { [`brand_${brandField[1]}`]: error.message };
  const field = errorField(error);
  const name = (FIELDS as readonly string[]).includes(field) ? field : (FIELD_OF[field] ?? "");
  return { [name]: error.message };
}

/** POST /internal/manage/surveys/new — the API's create; refused, the form again with the error beside its field. */
export function createSurveyAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const values = valuesOf(fields);
    const [min, max] = values.scale.split("-").map(Number);
    const body = { id: values.id.trim(), metric: values.metric, scale: { min, max }, ...editableBody(values, null) };
    try {
      await createSurvey(apiRequest(request.url, "POST", body, { params: {}, query: {}, body: undefined }), env);
    } catch (error) {
      if (error instanceof ApiError) return newSurveyPage(context, values, errorsOf(error), error.status === 409 ? 409 : 400);
      throw error;
    }
    await audit(env, context, "survey.create", body.id, `${values.metric} ${values.scale} "${values.name}"`);
    return seeOther(`/internal/manage/surveys/${encodeURIComponent(body.id)}/responses?created=1`);
  });
}

const valuesOfSurvey = (s: StoredSurvey): Values => ({
  id: s.id,
  name: s.name,
  metric: s.metric,
  scale: `${s.scale.min}-${s.scale.max}`,
  headline: s.headline,
  satisfied_min: String(s.satisfied_min),
  locale: s.locale,
  question: s.question[s.locale] ?? "",
  touchpoint: s.touchpoint ?? "",
  attribute: s.attribute ?? "",
  timezone: s.timezone,
  segments: s.segments.join(", "),
  recurrence_days: s.recurrence ? String(s.recurrence.every_days) : "",
  reminder_after_days: s.reminder_after_days === null ? "" : String(s.reminder_after_days),
  public: s.public ? "on" : "",
  brand_name: s.brand?.name ?? "",
  brand_logo_url: s.brand?.logo_url ?? "",
  brand_accent: s.brand?.accent ?? "",
});

function editPage(context: ManageContext, survey: StoredSurvey, values: Values, errors: FieldErrors, status: number, notice = ""): Response {
  const id = encodeURIComponent(survey.id);
  const archive = survey.archived
    ? `<p>This survey is archived: it takes no new answers.</p>`
    : `<h2>Archive</h2><p>Responses and reports stay; the survey stops taking answers.</p>${buttonForm(context, `/internal/manage/surveys/${id}/archive`, "Archive this survey")}`;
  return htmlResponse(
    page(`Edit ${survey.name}`, `${notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : ""}<p><a href="/internal/manage/surveys/${id}/responses">Responses</a> · <a href="/internal/manage/surveys/${id}/share">Share</a></p>${surveyForm(context, values, errors, survey)}${archive}`),
    status,
  );
}

/** GET /internal/manage/surveys/:id/edit */
export function editSurveyForm(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async (context) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const saved = new URL(request.url).searchParams.get("saved") === "1";
    return editPage(context, survey, valuesOfSurvey(survey), {}, 200, saved ? "Saved." : "");
  });
}

/** POST /internal/manage/surveys/:id/edit — the API's PATCH. */
export function editSurveyAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const values = { ...valuesOf(fields), id: survey.id, metric: survey.metric, scale: `${survey.scale.min}-${survey.scale.max}` };
    const body = editableBody(values, survey);
    try {
      await patchSurvey(apiRequest(request.url, "PATCH", body, { params: { id: survey.id }, query: {}, body: undefined }), env);
    } catch (error) {
      if (error instanceof ApiError) return editPage(context, survey, values, errorsOf(error), 400);
      throw error;
    }
    await audit(env, context, "survey.update", survey.id, `fields: ${Object.keys(body).join(", ")}`);
    return seeOther(`/internal/manage/surveys/${encodeURIComponent(survey.id)}/edit?saved=1`);
  });
}

/** POST /internal/manage/surveys/:id/archive — the API's DELETE. */
export function archiveSurveyAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    await archiveSurvey(apiRequest(request.url, "DELETE", undefined, { params: { id: survey.id }, query: {}, body: undefined }), env);
    await audit(env, context, "survey.archive", survey.id, `"${survey.name}"`);
    return seeOther("/internal/manage/surveys?archived=1");
  });
}
