import type { IRequest } from "itty-router";
import * as v from "valibot";
import { CreatedApiKey, NewApiKey, createKey, deleteKey } from "../../api/keys";
import { CreatedWebhook, NewWebhook, createWebhook, deleteWebhookRoute, listDeliveriesRoute, testWebhookRoute } from "../../api/webhooks";
import { NewUnsubscribe, createUnsubscribe, deleteUnsubscribe } from "../../api/suppressions";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { isoTime } from "../../http/time";
import { SCOPES } from "../../security/scopes";
import { listApiKeys } from "../../storage/api-keys";
import { listSuppressions } from "../../storage/suppressions";
import { listSurveys } from "../../storage/surveys";
import { WEBHOOK_EVENTS, WEBHOOK_FORMATS, getWebhook, listWebhooks, type AttemptError } from "../../storage/webhooks";
import { ATTEMPT_TIMEOUT_MS } from "../../webhooks/deliver";
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
  type ManageContext,
} from "./shell";

/** The key form's typed values, kept when refused. */
interface KeyValues {
  name: string;
  kind: string;
  scopes: string[];
  survey: string;
}
interface WebhookValues {
  url: string;
  events: string[];
  format: string;
  survey: string;
}

const checkboxes = (legend: string, name: string, choices: readonly string[], checked: string[], error: string | undefined) =>
  `<fieldset${error ? ` aria-describedby="${name}-error"` : ""}><legend>${escapeHtml(legend)}</legend>${error ? `<p class="error" id="${name}-error">${escapeHtml(error)}</p>` : ""}` +
  choices.map((choice) => `<p class="inline"><input type="checkbox" id="${name}-${escapeHtml(choice)}" name="${name}" value="${escapeHtml(choice)}"${checked.includes(choice) ? " checked" : ""}><label for="${name}-${escapeHtml(choice)}">${escapeHtml(choice)}</label></p>`).join("") +
  `</fieldset>`;

async function settingsPage(env: Env, context: ManageContext, forms: { key?: [KeyValues, FieldErrors]; webhook?: [WebhookValues, FieldErrors]; unsubscribe?: [string, FieldErrors] }, notice: string, status = 200): Promise<Response> {
  const [keys, webhooks, unsubscribes, surveys] = await Promise.all([
    listApiKeys(env.DB),
    listWebhooks(env.DB),
    listSuppressions(env.DB, { reasons: ["unsubscribed"], before: null, limit: 200 }),
    listSurveys(env.DB, { includeArchived: false, after: null, limit: 100 }),
  ]);
  const surveyOptions = [["", "Every survey"] as const, ...surveys.surveys.map((s) => [s.id, `${s.name} (${s.id})`] as const)];
  const none: FieldErrors = {};
  const [keyValues, keyErrors] = forms.key ?? [{ name: "", kind: "tapscore", scopes: ["reports:read"], survey: "" }, none];
  const [hookValues, hookErrors] = forms.webhook ?? [{ url: "", events: ["response.created"], format: "standard", survey: "" }, none];
  const [unsubValue, unsubErrors] = forms.unsubscribe ?? ["", none];

  const keyRows = keys.map(
    (key) =>
      `<tr><td>${escapeHtml(key.name)}<br><span class="muted">${escapeHtml(key.id)}</span></td><td>${key.delighted_survey ? `Delighted-style, survey ${escapeHtml(key.delighted_survey)}` : escapeHtml(key.scopes.join(", "))}</td>` +
      `<td>${isoTime(key.created_at)}</td><td>${key.last_used_at === null ? "never" : isoTime(key.last_used_at)}</td>` +
      `<td>${key.revoked_at === null ? buttonForm(context, `/internal/manage/keys/${encodeURIComponent(key.id)}/revoke`, `Revoke ${key.name}`) : `revoked ${isoTime(key.revoked_at)}`}</td></tr>`,
  );
  const hookRows = webhooks.map(
    (hook) =>
      `<tr><td>${escapeHtml(hook.url)}</td><td>${escapeHtml(hook.events.join(", "))}</td><td>${escapeHtml(hook.format)}</td><td>${escapeHtml(hook.survey ?? "every survey")}</td>` +
      `<td><a href="/internal/manage/webhooks/${encodeURIComponent(hook.id)}">Delivery log<span class="muted"> ${escapeHtml(hook.id)}</span></a> ` +
      `${buttonForm(context, `/internal/manage/webhooks/${encodeURIComponent(hook.id)}/test`, `Send a test event to ${hook.id}`)} ${buttonForm(context, `/internal/manage/webhooks/${encodeURIComponent(hook.id)}/delete`, `Delete ${hook.id}`)}</td></tr>`,
  );
  const unsubRows = unsubscribes.map(
    (u) => `<tr><td>${escapeHtml(u.email)}</td><td>${escapeHtml(u.source)}</td><td>${isoTime(u.created_at)}</td><td>${buttonForm(context, "/internal/manage/unsubscribes/remove", `Remove ${u.email}`, { email: u.email })}</td></tr>`,
  );
  const body =
    (notice ? `<p class="notice" role="status">${escapeHtml(notice)}</p>` : "") +
    `<h2 id="keys">API keys</h2>` +
    (keys.length ? scrollTable("API keys", ["Key", "Grants", "Created (UTC)", "Last used", "Revoke"], keyRows) : `<p>No keys yet.</p>`) +
    `<h3>New key</h3>${formErrors(keyErrors)}<form method="post" action="/internal/manage/keys" novalidate>${csrfField(context)}` +
    inputField({ name: "name", label: "Name", value: keyValues.name, required: true, hint: "Who or what uses it, e.g. Zendesk integration." }, keyErrors) +
    selectField({ name: "kind", label: "Kind", value: keyValues.kind }, [["tapscore", "Tapscore key (tsk_…) with scopes"], ["delighted", "Delighted-style key (tsd_…) for one survey"]], keyErrors) +
    checkboxes("Scopes (Tapscore key)", "scopes", SCOPES, keyValues.scopes, keyErrors.scopes) +
    selectField({ name: "delighted_survey", label: "Survey (Delighted-style key)", value: keyValues.survey }, surveyOptions.slice(1), keyErrors) +
    `<p><button type="submit">Create key</button></p></form>` +
    `<h2 id="webhooks">Webhooks</h2>` +
    (webhooks.length ? scrollTable("Webhooks", ["URL", "Events", "Format", "Survey", "Log, test and delete"], hookRows) : `<p>No webhooks yet.</p>`) +
    `<h3>New webhook</h3>${formErrors(hookErrors)}<form method="post" action="/internal/manage/webhooks" novalidate>${csrfField(context)}` +
    inputField({ name: "url", label: "URL", value: hookValues.url, type: "url", required: true, hint: "https to a public host." }, hookErrors) +
    checkboxes("Events", "events", WEBHOOK_EVENTS, hookValues.events, hookErrors.events) +
    selectField({ name: "format", label: "Format", value: hookValues.format }, WEBHOOK_FORMATS.map((f) => [f, f] as const), hookErrors) +
    selectField({ name: "survey", label: "Survey", value: hookValues.survey }, surveyOptions, hookErrors) +
    `<p><button type="submit">Create webhook</button></p></form>` +
    `<h2 id="unsubscribes">Unsubscribes</h2><p class="muted">Addresses Tapscore never emails again.</p>` +
    (unsubscribes.length ? scrollTable("Unsubscribes", ["Address", "Source", "Since (UTC)", "Remove"], unsubRows) : `<p>Nobody has unsubscribed.</p>`) +
    `${formErrors(unsubErrors)}<form method="post" action="/internal/manage/unsubscribes" novalidate>${csrfField(context)}` +
    inputField({ name: "email", label: "Add an address", value: unsubValue, type: "email", required: true }, unsubErrors) +
    `<p><button type="submit">Unsubscribe this address</button></p></form>`;
  return htmlResponse(page("Settings", body), status);
}

/** GET /internal/manage/settings */
export function settingsView(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, (context) => {
    const done = new URL(request.url).searchParams.get("done");
    const notices: Record<string, string> = { revoked: "Key revoked.", deleted: "Webhook deleted.", unsubscribed: "Address unsubscribed.", removed: "Address may be emailed again." };
    return settingsPage(env, context, {}, notices[done ?? ""] ?? "");
  });
}

const errorsOf = (error: ApiError): FieldErrors => ({ [errorField(error)]: error.message });

/** The valibot issue of a form the API's own schema refused, as the API words it. */
function schemaErrors(issues: [v.BaseIssue<unknown>, ...v.BaseIssue<unknown>[]]): FieldErrors {
  const issue = issues[0];
  const field = v.getDotPath(issue)?.split(".")[0] ?? "";
  return { [field]: `${field ? `${field}: ` : ""}${issue.message}` };
}

/** A page that shows a secret once, and says so. */
function secretPage(title: string, what: string, secret: string): Response {
  return htmlResponse(
    page(
      title,
      `<p class="notice" role="status"><strong>This is the only time the ${escapeHtml(what)} is shown.</strong> Copy it now: Tapscore keeps only its hash and cannot show it again.</p>` +
        `<label for="secret">${escapeHtml(what)}</label><textarea id="secret" readonly rows="2">${escapeHtml(secret)}</textarea><p><a href="/internal/manage/settings">Back to settings</a></p>`,
    ),
  );
}

/** POST /internal/manage/keys — the API's POST /api/v1/keys; the secret on the answer page only. */
export function createKeyAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields, form) => {
    const values: KeyValues = {
      name: fields.get("name") ?? "",
      kind: fields.get("kind") === "delighted" ? "delighted" : "tapscore",
      scopes: form.getAll("scopes").filter((s): s is string => typeof s === "string"),
      survey: fields.get("delighted_survey") ?? "",
    };
    const input = values.kind === "delighted" ? { name: values.name, delighted_survey: values.survey } : { name: values.name, scopes: values.scopes };
    const parsed = v.safeParse(NewApiKey, input);
    if (!parsed.success) return settingsPage(env, context, { key: [values, schemaErrors(parsed.issues)] }, "", 400);
    let created: v.InferOutput<typeof CreatedApiKey>;
    try {
      const answer = await createKey(apiRequest(request.url, "POST", undefined, { params: {}, query: {}, body: parsed.output }), env);
      created = v.parse(CreatedApiKey, await answer.json());
    } catch (error) {
      if (error instanceof ApiError) return settingsPage(env, context, { key: [values, errorsOf(error)] }, "", 400);
      throw error;
    }
    await audit(env, context, "key.create", created.id, created.delighted_survey ? `Delighted-style for ${created.delighted_survey}` : `scopes ${created.scopes.join(", ")}`);
    return secretPage("Key created", "API key", created.key);
  });
}

/** POST /internal/manage/keys/:id/revoke */
export function revokeKeyAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context) => {
    const id = request.params.id ?? "";
    try {
      await deleteKey(apiRequest(request.url, "DELETE", undefined, { params: { id }, query: {}, body: undefined }), env);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return notFoundPage("An active key with this id");
      throw error;
    }
    await audit(env, context, "key.revoke", id, "revoked");
    return seeOther("/internal/manage/settings?done=revoked#keys");
  });
}

/** POST /internal/manage/webhooks — the API's POST /api/v1/webhooks; the signing secret shown once. */
export function createWebhookAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields, form) => {
    const values: WebhookValues = {
      url: fields.get("url") ?? "",
      events: form.getAll("events").filter((s): s is string => typeof s === "string"),
      format: fields.get("format") ?? "standard",
      survey: fields.get("survey") ?? "",
    };
    const parsed = v.safeParse(NewWebhook, { url: values.url.trim(), events: values.events, format: values.format, survey: values.survey || null });
    if (!parsed.success) return settingsPage(env, context, { webhook: [values, schemaErrors(parsed.issues)] }, "", 400);
    let created: v.InferOutput<typeof CreatedWebhook>;
    try {
      const answer = await createWebhook(apiRequest(request.url, "POST", undefined, { params: {}, query: {}, body: parsed.output }), env);
      created = v.parse(CreatedWebhook, await answer.json());
    } catch (error) {
      if (error instanceof ApiError) return settingsPage(env, context, { webhook: [values, errorsOf(error)] }, "", error.status);
      throw error;
    }
    await audit(env, context, "webhook.create", created.id, `${created.format} ${created.url} (${created.events.join(", ")})`);
    return secretPage("Webhook created", "signing secret", created.secret);
  });
}

/** POST /internal/manage/webhooks/:id/delete */
export function deleteWebhookAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context) => {
    const id = request.params.id ?? "";
    const webhook = /^wh_[0-9a-f]{16}$/.test(id) ? await getWebhook(env.DB, id) : null;
    if (!webhook) return notFoundPage("The webhook");
    await deleteWebhookRoute(apiRequest(request.url, "DELETE", undefined, { params: { id }, query: {}, body: undefined }), env);
    await audit(env, context, "webhook.delete", id, webhook.url);
    return seeOther("/internal/manage/settings?done=deleted#webhooks");
  });
}

/** One attempt's outcome in words. */
function attemptWords(attempt: { status: number | null; error: AttemptError | null; duration_ms: number }): string {
  if (attempt.status !== null) {
    const answered = `the endpoint answered ${attempt.status} in ${attempt.duration_ms} ms`;
    return attempt.status >= 200 && attempt.status < 300 ? `Test event delivered: ${answered}.` : `Test event not delivered: ${answered}; only a 2xx counts as delivered.`;
  }
  if (attempt.error === "refused") return "Test event not sent: this URL is not one webhooks may reach (a public https endpoint).";
  if (attempt.error === "timeout") return `Test event not delivered: the endpoint did not answer within ${ATTEMPT_TIMEOUT_MS / 1000} s.`;
  return "Test event not delivered: the endpoint could not be reached.";
}

/** POST /internal/manage/webhooks/:id/test — the API's POST /api/v1/webhooks/{id}/test; the outcome on the delivery log. */
export function testWebhookAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context) => {
    const id = request.params.id ?? "";
    if (!/^wh_[0-9a-f]{16}$/.test(id)) return notFoundPage("The webhook");
    let sent: Awaited<ReturnType<typeof testWebhookRoute>>;
    try {
      sent = await testWebhookRoute(apiRequest(request.url, "POST", undefined, { params: { id }, query: {}, body: undefined }), env);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return notFoundPage("The webhook");
      throw error;
    }
    await audit(env, context, "webhook.test", id, `${sent.id}: ${attemptWords(sent)}`);
    return seeOther(`/internal/manage/webhooks/${encodeURIComponent(id)}?tested=${encodeURIComponent(sent.id)}`);
  });
}

/** GET /internal/manage/webhooks/:id — the delivery log, newest first; after a test, its outcome. */
export function webhookLog(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async (context) => {
    const id = request.params.id ?? "";
    const webhook = /^wh_[0-9a-f]{16}$/.test(id) ? await getWebhook(env.DB, id) : null;
    if (!webhook) return notFoundPage("The webhook");
    const { deliveries } = await listDeliveriesRoute(apiRequest(request.url, "GET", undefined, { params: { id }, query: { limit: 100, cursor: undefined }, body: undefined }), env);
    const tested = new URL(request.url).searchParams.get("tested");
    const test = deliveries.find((d) => d.id === tested && d.event === "webhook.test")?.log[0];
    const rows = deliveries.map(
      (d) =>
        `<tr><td>${escapeHtml(d.created_at)}</td><td>${escapeHtml(d.event)}</td><td>${escapeHtml(d.status)}</td><td>${d.attempts}</td>` +
        `<td>${d.log.map((a) => `${escapeHtml(a.at)}: ${a.status === null ? escapeHtml(a.error ?? "no answer") : a.status} (${a.duration_ms} ms)`).join("<br>") || `<span class="muted">none yet</span>`}</td></tr>`,
    );
    return htmlResponse(
      page(
        "Webhook deliveries",
        (test ? `<p class="notice" role="status">${escapeHtml(attemptWords(test))}</p>` : "") +
          `<p><a href="/internal/manage/settings#webhooks">Back to settings</a></p><p>${escapeHtml(webhook.url)} <span class="muted">${escapeHtml(webhook.id)}, ${escapeHtml(webhook.format)}</span></p>` +
          `<p class="muted">A test event (webhook.test) names no survey, response or person; it is sent at once, signed like every delivery, and not retried.</p>` +
          buttonForm(context, `/internal/manage/webhooks/${encodeURIComponent(webhook.id)}/test`, "Send a test event") +
          (rows.length ? scrollTable("Deliveries", ["Created (UTC)", "Event", "Status", "Attempts", "Attempt log"], rows) : `<p>No deliveries yet.</p>`),
      ),
    );
  });
}

/** POST /internal/manage/unsubscribes — the API's POST /api/v1/unsubscribes. */
export function addUnsubscribeAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const typed = fields.get("email") ?? "";
    const parsed = v.safeParse(NewUnsubscribe, { email: typed });
    if (!parsed.success) return settingsPage(env, context, { unsubscribe: [typed, schemaErrors(parsed.issues)] }, "", 400);
    await createUnsubscribe(apiRequest(request.url, "POST", undefined, { params: {}, query: {}, body: parsed.output }), env);
    await audit(env, context, "unsubscribe.add", parsed.output.email.toLowerCase(), "added by hand");
    return seeOther("/internal/manage/settings?done=unsubscribed#unsubscribes");
  });
}

/** POST /internal/manage/unsubscribes/remove — the API's DELETE /api/v1/unsubscribes/{email}. */
export function removeUnsubscribeAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const email = fields.get("email") ?? "";
    try {
      await deleteUnsubscribe(apiRequest(request.url, "DELETE", undefined, { params: { email: encodeURIComponent(email) }, query: {}, body: undefined }), env);
    } catch (error) {
      if (error instanceof ApiError) return notFoundPage("The unsubscribe");
      throw error;
    }
    await audit(env, context, "unsubscribe.remove", email.toLowerCase(), "removed by hand");
    return seeOther("/internal/manage/settings?done=removed#unsubscribes");
  });
}
