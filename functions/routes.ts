import * as v from "valibot";
import {
  Annotation,
  AnnotationList,
  AnnotationListQuery,
  AnnotationParams,
  NewAnnotation,
  createAnnotation,
  deleteAnnotationRoute,
  listAnnotationsRoute,
} from "./api/annotations";
import { Erased, ErasureParams, ErasureQuery, eraseRespondent } from "./api/erasure";
import { Health, health } from "./api/health";
import { IngestHeaders, ingestResponseRoute } from "./api/ingest";
import { Invitation, InvitationBatch, NewInvitations, createInvitations } from "./api/invitations";
import { ApiKey, ApiKeyList, CreatedApiKey, KeyParams, NewApiKey, createKey, deleteKey, listKeys } from "./api/keys";
import { NewPerson, PersonList, PersonListQuery, PersonParams, PersonView, deletePersonRoute, getPersonRoute, listPeopleRoute, upsertPerson } from "./api/people";
import { EnrolledMembers, MemberList, MemberListQuery, MemberParams, NewMembers, enrollMembers, listMembersRoute, removeMemberRoute } from "./api/members";
import { getMetrics } from "./api/metrics";
import { ReportExport, ReportExportQuery, reportExport } from "./api/reports";
import {
  Bounce,
  BounceList,
  NewBounce,
  NewUnsubscribe,
  SuppressionListQuery,
  Unsubscribe,
  UnsubscribeList,
  UnsubscribeParams,
  createBounce,
  createUnsubscribe,
  deleteUnsubscribe,
  listBouncesRoute,
  listUnsubscribesRoute,
} from "./api/suppressions";
import { Send, SendList, SendListQuery, SendParams, SendView, cancelSendRoute, getSendRoute, listSendsRoute } from "./api/sends";
import {
  OverrideBody,
  ResponseExport,
  ResponseList,
  ResponseListQuery,
  ResponseParams,
  ResponseView,
  getResponseRoute,
  listResponsesRoute,
  overrideResponse,
} from "./api/responses";
import {
  SurveyList,
  SurveyListQuery,
  SurveyParams,
  SurveyView,
  archiveSurvey,
  createSurvey,
  getSurveyRoute,
  listSurveysRoute,
  patchSurvey,
} from "./api/surveys";
import {
  CreatedWebhook,
  Delivery,
  DeliveryList,
  DeliveryListQuery,
  NewWebhook,
  Webhook,
  WebhookList,
  WebhookParams,
  WebhookTestResult,
  createWebhook,
  deleteWebhookRoute,
  listDeliveriesRoute,
  listWebhooksRoute,
  testWebhookRoute,
} from "./api/webhooks";
import { COMMENT_MAX_LENGTH } from "./counting/comment";
import { ErrorBody } from "./http/errors";
import { BODY_OVER_LIMIT } from "./http/rate-limit";
import { IngestBody } from "./ingest/input";
import { MetricsQueryParams } from "./metrics/query";
import { IntervalView, Metrics } from "./metrics/report";
import { route, type Route } from "./http/route";
import { SignInForm, internalPage, signIn, signInForm, signOut } from "./internal/gate";
import { RangePageParams, ReportPageParams, internalReportPage, publicReportPage } from "./internal/report-coming";
import { SendPreviewParams, sendPreview, sendsPreviewList } from "./internal/sends-preview";
import {
  ACTION_ANSWERS as MANAGE_ACTION_ANSWERS,
  FORM_BODY as MANAGE_FORM_BODY,
  PAGE_ANSWERS as MANAGE_PAGE_ANSWERS,
  addUnsubscribeAction,
  archiveSurveyAction,
  auditPage,
  createKeyAction,
  createSurveyAction,
  createWebhookAction,
  deleteWebhookAction,
  testWebhookAction,
  editSurveyAction,
  editSurveyForm,
  exportAction,
  newSurveyForm,
  overrideAction,
  removeUnsubscribeAction,
  responsesPage,
  revokeKeyAction,
  sendConfirmAction,
  sendPage,
  sendPreviewAction,
  settingsView,
  sharePage,
  oneOffLinkAction,
  surveysList,
  webhookLog,
} from "./internal/manage/index";
import { openApiDocument } from "./openapi";
import { RespondentFormBody } from "./respondent/form";
import {
  LINK_FAILURES,
  LINK_FAILURES_HEAD,
  LinkParams,
  MAX_FORM_BYTES,
  RespondentPage,
  SIGNAL_FAILURES,
  ScoreLinkParams,
  probe,
  showScale,
  signal,
  submit,
  tap,
} from "./respondent/routes";
import { UnsubscribeForm, confirmUnsubscribe, showUnsubscribe } from "./respondent/unsubscribe";
import { TemplateLinkParams, templateProbe, templateTap } from "./respondent/template";
import { honeypot } from "./respondent/honeypot";
import { SnippetQuery, TemplateSnippetView, getSnippetRoute } from "./api/snippets";
import { NewSurveyBody, SurveyPatchBody } from "./surveys/survey-input";
// delighted imports: people
import {
  DelightedCreatedPerson,
  DelightedNewPerson,
  DelightedOk,
  DelightedPendingParams,
  DelightedPeopleQuery,
  DelightedPersonIdentifier,
  DelightedPersonList,
  DelightedPersonParams,
  createDelightedPerson,
  deleteDelightedPerson,
  deletePendingSurveyRequests,
  getDelightedPerson,
  listDelightedPeople,
} from "./delighted/people";
// Named apart, so the other Delighted blocks can import these too without a clash.
import { DelightedErrorBody as PeopleErrorBody } from "./delighted/errors";
import { DelightedPerson as OnePerson } from "./webhooks/delighted-format";
// delighted imports: survey responses and metrics
import { DelightedMetrics, DelightedMetricsQuery, getDelightedMetrics } from "./delighted/metrics";
import {
  DelightedSurveyResponse,
  DelightedSurveyResponseList,
  NewSurveyResponse,
  SurveyResponseListQuery,
  SurveyResponseParams,
  SurveyResponseQuery,
  SurveyResponseUpdate,
  createSurveyResponse,
  getSurveyResponse,
  listSurveyResponses,
  putSurveyResponse,
  saveSurveyResponse,
} from "./delighted/survey-responses";
// delighted imports: unsubscribes, bounces, autopilot
import {
  DelightedBounceList,
  DelightedNewUnsubscribe,
  DelightedSuppressionQuery,
  DelightedUnsubscribeList,
  DelightedUnsubscribed,
  createDelightedUnsubscribe,
  listDelightedBounces,
  listDelightedUnsubscribes,
} from "./delighted/suppressions";
import {
  DelightedAutopilotConfiguration,
  DelightedMembership,
  DelightedMembershipList,
  DelightedMembershipQuery,
  DelightedMembershipTarget,
  DelightedNewMembership,
  DelightedRemovedMembership,
  createAutopilotMembership,
  deleteAutopilotMembership,
  getAutopilotConfiguration,
  listAutopilotMemberships,
} from "./delighted/autopilot";
import { DelightedErrorBody as AutopilotErrorBody } from "./delighted/errors";

/**
 * Every route of the Worker, declared once. functions/router.ts builds the router from this table and
 * functions/openapi.ts the OpenAPI document, so the two cannot disagree.
 */

const HTML = { "text/html": v.string() };
const noBody = (description: string) => ({ description });

// What a report address not built yet answers (functions/internal/report-coming.ts), for each range's page alike.
const PUBLIC_REPORT_COMING =
  "Reached only when no page is built at this address: a built page is served by the static assets without the Worker. " +
  "A survey that is not public, archived or unknown gets the same 404 page as any unknown address.";
const PUBLIC_REPORT_ANSWERS = {
  200: { description: "The built page (when the Worker runs first)", content: HTML },
  304: { description: "The built page is unchanged since the copy the browser has", headers: { ETag: "The page's version." } },
  307: { description: "The built page's canonical path", headers: { Location: "The canonical path." } },
  404: { description: "No page yet: the \"report coming\" page in the survey's language (noindex, no-store), or the site's 404 page", content: HTML },
};
const INTERNAL_REPORT_ANSWERS = {
  200: { description: "The built page", content: HTML },
  302: { description: "Not signed in (without Cloudflare Access): on to the sign-in page", headers: { Location: "/internal/sign-in?next=<this path>." } },
  304: { description: "Signed in, and the page is unchanged since the copy the browser has", headers: { ETag: "The page's version." } },
  307: { description: "Signed in; the page's canonical path", headers: { Location: "The canonical path." } },
  403: { description: "Cloudflare Access is configured and the request carries no valid Access JWT", content: { "text/plain": v.string() } },
  404: { description: "Signed in, and no page yet: the \"report coming\" page in the survey's language, or the site's 404 page for an unknown or archived survey", content: HTML },
};

export const ROUTES: readonly Route[] = [
  route({
    method: "get",
    path: "/healthz",
    operationId: "health",
    summary: "Liveness and database reachability",
    tag: "Health",
    responses: { 200: { description: "Up, and the database answers", json: Health }, 503: { description: "The database is unreachable", json: Health } },
    handler: health,
  }),
  route({
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tag: "Health",
    responses: { 200: { description: "OpenAPI 3.1", json: v.record(v.string(), v.unknown()) } },
    handler: () => document(),
  }),

  route({
    method: "post",
    path: "/api/v1/keys",
    operationId: "createKey",
    summary: "Create an API key; the secret is returned once",
    tag: "Keys",
    scope: "admin",
    body: NewApiKey,
    responses: { 201: { description: "Created; `key` is the secret and is never shown again", json: CreatedApiKey } },
    handler: createKey,
  }),
  route({
    method: "get",
    path: "/api/v1/keys",
    operationId: "listKeys",
    summary: "List API keys (never their secrets)",
    tag: "Keys",
    scope: "admin",
    responses: { 200: { description: "Every key, revoked ones included", json: ApiKeyList } },
    handler: listKeys,
  }),
  route({
    method: "delete",
    path: "/api/v1/keys/:id",
    operationId: "revokeKey",
    summary: "Revoke an API key at once",
    tag: "Keys",
    scope: "admin",
    params: KeyParams,
    responses: { 204: noBody("Revoked"), 404: { description: "No active key has this id", json: ErrorBody } },
    handler: deleteKey,
  }),

  route({
    method: "post",
    path: "/api/v1/surveys",
    operationId: "createSurvey",
    summary: "Create a survey",
    description:
      "`scale` is `{\"min\":1,\"max\":10}`-shaped: csat and rating take 1–5, 1–7 or 1–10; nps 0–10; ces 1–7 or 1–5; intent 1–5 " +
      "(the first is the default). Locales are en, nl, de, sv and pl.",
    tag: "Surveys",
    scope: "surveys:write",
    handlerBody: { "application/json": NewSurveyBody },
    responses: {
      201: { description: "Created, with every default filled in", json: SurveyView, headers: { Location: "The survey's URL." } },
      409: { description: "A survey with this id exists", json: ErrorBody },
    },
    handler: createSurvey,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys",
    operationId: "listSurveys",
    summary: "List surveys by id",
    tag: "Surveys",
    scope: "surveys:read",
    query: SurveyListQuery,
    responses: { 200: { description: "One page of surveys", json: SurveyList } },
    handler: listSurveysRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id",
    operationId: "getSurvey",
    summary: "Read a survey",
    tag: "Surveys",
    scope: "surveys:read",
    params: SurveyParams,
    responses: { 200: { description: "The survey", json: SurveyView } },
    handler: getSurveyRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/snippets",
    operationId: "getSurveySnippet",
    summary: "The survey's template link as a ready snippet for a help desk or mailing tool",
    description:
      "One signed link for every recipient, `/t/{token}/{score}?r=…&email=…&<property>=…`, with the platform's placeholders in the query " +
      "(docs/template-links.md). The first tap per recipient id makes that person's invitation; answers carry source `template`.",
    tag: "Surveys",
    scope: "surveys:read",
    params: SurveyParams,
    query: SnippetQuery,
    responses: {
      200: { description: "The snippet for this platform", json: TemplateSnippetView },
      409: { description: "The survey is archived, or PUBLIC_URL is missing or invalid", json: ErrorBody },
    },
    handler: getSnippetRoute,
  }),
  route({
    method: "patch",
    path: "/api/v1/surveys/:id",
    operationId: "updateSurvey",
    summary: "Change editable fields (or archived)",
    description: "id, metric and scale never change once created (`immutable_field`).",
    tag: "Surveys",
    scope: "surveys:write",
    params: SurveyParams,
    handlerBody: { "application/json": SurveyPatchBody },
    responses: { 200: { description: "The survey as changed", json: SurveyView } },
    handler: patchSurvey,
  }),
  route({
    method: "delete",
    path: "/api/v1/surveys/:id",
    operationId: "archiveSurvey",
    summary: "Archive a survey (its data stays)",
    tag: "Surveys",
    scope: "surveys:write",
    params: SurveyParams,
    responses: { 200: { description: "The archived survey", json: SurveyView } },
    handler: archiveSurvey,
  }),

  route({
    method: "post",
    path: "/api/v1/surveys/:id/invitations",
    operationId: "createInvitations",
    summary: "Create invitations: one-tap links and email snippets per recipient",
    description:
      "Recipients named twice in one call, or invited to this survey within throttle_days, are skipped and listed in `skipped`. " +
      "Properties must be built-in dimensions or the survey's segments. With `send: true` Tapscore emails each invitation " +
      "(now, after `delay_seconds`, or at `send_at`) and answers its message as `send`; recipients without a usable address, " +
      "unsubscribed or bounced ones, and anyone emailed by any survey within the throttle (THROTTLE_DAYS, or throttle_days) are skipped with why. " +
      "Recipients with an email are kept as people (name, locale, time zone, properties) either way.",
    tag: "Invitations",
    scope: "invitations:write",
    params: SurveyParams,
    body: NewInvitations,
    responses: {
      201: { description: "Created: the links and snippets, and who was skipped", json: InvitationBatch },
      409: {
        description:
          "The survey is archived (survey_archived); or the Worker cannot mint links: PUBLIC_URL is not set in production " +
          "(public_url_missing) or is not an https origin (public_url_invalid); or `send` is asked and EMAIL_FROM is not set in " +
          "production (email_from_missing) or is not a mailbox (email_from_invalid). Nothing is created.",
        json: ErrorBody,
      },
    },
    handler: createInvitations,
  }),
  route({
    method: "post",
    path: "/api/v1/surveys/:id/members",
    operationId: "enrollMembers",
    summary: "Enroll people in a recurring survey: each is asked again every recurrence interval",
    description:
      "Upserts the people (email, name, locale, time zone, properties). Newly enrolled members are first asked inside the " +
      "survey's sending window, spread evenly over the first interval unless `spread` is false; someone already a member keeps " +
      "their next_send_at. People without a usable address are listed in `skipped`; one bad row never refuses the batch.",
    tag: "Members",
    scope: "invitations:write",
    params: SurveyParams,
    body: NewMembers,
    responses: {
      201: { description: "Enrolled: every member named with their next message, and who was skipped", json: EnrolledMembers },
      404: { description: "No survey has this id", json: ErrorBody },
      409: { description: "The survey is archived (survey_archived) or has no recurrence (survey_not_recurring). Nothing is written.", json: ErrorBody },
    },
    handler: enrollMembers,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/members",
    operationId: "listMembers",
    summary: "List a recurring survey's members by recipient, with their next message",
    tag: "Members",
    scope: "responses:read",
    params: SurveyParams,
    query: MemberListQuery,
    responses: {
      200: { description: "One page of members", json: MemberList },
      400: { description: "The cursor is not one this API gave out (`invalid_query`)", json: ErrorBody },
      404: { description: "No survey has this id", json: ErrorBody },
    },
    handler: listMembersRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/surveys/:id/members/:recipient",
    operationId: "removeMember",
    summary: "Remove one member: they are asked no more (a message already scheduled stays; cancel it with DELETE /api/v1/sends/{id})",
    tag: "Members",
    scope: "invitations:write",
    params: MemberParams,
    responses: {
      204: noBody("Removed"),
      400: { description: "The recipient is not valid (`invalid_path`)", json: ErrorBody },
      404: { description: "No survey has this id, or this recipient is not its member", json: ErrorBody },
    },
    handler: removeMemberRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/responses",
    operationId: "listResponses",
    summary: "List responses, newest first; or export them all as CSV or NDJSON",
    description:
      "Without format: a JSON page, newest first. With format: every matching response, oldest first, streamed as a download " +
      "(from and to bound the export; limit and cursor do not apply).",
    tag: "Responses",
    scope: "responses:read",
    params: SurveyParams,
    query: ResponseListQuery,
    responses: {
      200: {
        description: "A page of responses, or with format the export",
        json: ResponseList,
        content: ResponseExport,
        headers: { "Content-Disposition": 'Exports: attachment; filename="<survey>-responses.<format>".' },
      },
    },
    handler: listResponsesRoute,
  }),
  route({
    method: "post",
    path: "/api/v1/surveys/:id/responses",
    operationId: "ingestResponse",
    summary: "Record a score collected elsewhere (widget, kiosk, call centre, import), once per Idempotency-Key",
    description:
      "Validated like a tap: the score on the survey's scale, a comment of at most 2,000 characters, properties among the survey's " +
      "segments. Creates an invitation and a counted response, announced to webhooks at once like a confirmed answer " +
      "(response.created, response.low_score) unless `webhooks` is false (history imports). Without a valid Idempotency-Key: 400 " +
      "(missing_idempotency_key, invalid_header). The body may be at most 64 KiB.",
    tag: "Responses",
    scope: "responses:write",
    params: SurveyParams,
    requestHeaders: IngestHeaders,
    handlerBody: { "application/json": IngestBody },
    responses: {
      201: { description: "Recorded", json: ResponseView },
      200: { description: "Already recorded under this Idempotency-Key: the original response", json: ResponseView, headers: { "Idempotent-Replayed": "true: nothing was written this time." } },
      409: { description: "The Idempotency-Key was used with another body (idempotency_key_reused), or the survey is archived", json: ErrorBody },
    },
    handler: ingestResponseRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/responses/:id",
    operationId: "getResponse",
    summary: "One response, whatever its status",
    tag: "Responses",
    scope: "responses:read",
    params: ResponseParams,
    responses: {
      200: { description: "The response", json: ResponseView },
      404: { description: "No response has this id", json: ErrorBody },
    },
    handler: getResponseRoute,
  }),
  route({
    method: "patch",
    path: "/api/v1/responses/:id",
    operationId: "overrideResponse",
    summary: "Override the counting rule for one response",
    description: "Kept as an event, so the rollups follow. auto hands the response back to the counting rule.",
    tag: "Responses",
    scope: "responses:write",
    params: ResponseParams,
    body: OverrideBody,
    responses: {
      200: { description: "The response with its new status", json: ResponseView },
      404: { description: "No response has this id", json: ErrorBody },
    },
    handler: overrideResponse,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/metrics",
    operationId: "getMetrics",
    summary: "Headline, distribution, series, groups, comparison, target and response rate, from rollups; response rate per send cohort",
    description:
      "Scores from the rollups only (refreshed by the cron every minute); suspected and excluded responses never count. Days are local days " +
      "of the survey's time zone. Percentages and NPS are in points, unrounded; every value carries n and a 95% interval, and " +
      "low_confidence below 30 answers. `sends` is the response rate of the survey emails sent within the range, read from the messages. " +
      "compare=variant measures a variant against a baseline chosen explicitly (`baseline`, else the survey's control_variant, else a " +
      'variant named "control", else "A"), never by name order; the answer names both. Methods and their simulated coverage: ' +
      "docs/rollups-and-metrics.md.",
    tag: "Metrics",
    scope: "metrics:read",
    params: SurveyParams,
    query: MetricsQueryParams,
    responses: { 200: { description: "Metrics for the range", json: Metrics } },
    handler: getMetrics,
  }),

  route({
    method: "post",
    path: "/api/v1/surveys/:id/annotations",
    operationId: "createAnnotation",
    summary: "Add a note to the survey's timeline (shown on every trend)",
    description: "The id is derived from survey, moment and label: posting the same note again answers 200 with it and adds nothing.",
    tag: "Annotations",
    scope: "surveys:write",
    params: SurveyParams,
    body: NewAnnotation,
    responses: {
      201: { description: "Created", json: Annotation, headers: { Location: "The annotation's URL." } },
      200: { description: "The same note existed; nothing was added", json: Annotation, headers: { Location: "The annotation's URL." } },
      404: { description: "No survey has this id", json: ErrorBody },
    },
    handler: createAnnotation,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/annotations",
    operationId: "listAnnotations",
    summary: "The survey's annotations in time order (at most 1,000)",
    tag: "Annotations",
    scope: "surveys:read",
    params: SurveyParams,
    query: AnnotationListQuery,
    responses: {
      200: { description: "The annotations from `from` to `to`, in time order", json: AnnotationList },
      404: { description: "No survey has this id", json: ErrorBody },
    },
    handler: listAnnotationsRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/surveys/:id/annotations/:annotation",
    operationId: "deleteAnnotation",
    summary: "Remove an annotation",
    tag: "Annotations",
    scope: "surveys:write",
    params: AnnotationParams,
    responses: { 204: noBody("Removed"), 404: { description: "No survey has this id, or it has no annotation with this id", json: ErrorBody } },
    handler: deleteAnnotationRoute,
  }),

  route({
    method: "post",
    path: "/api/v1/webhooks",
    operationId: "createWebhook",
    summary: "Subscribe an endpoint to events; the signing secret is returned once",
    description:
      "Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 " +
      "of \"{id}.{timestamp}.{body}\"> with the whsec_ secret). The first attempt is made right after the response is stored, " +
      "except for a lone tap: the cron sends its events once a scanner's sweep would have shown, and cancels them if one did. " +
      "Failures are retried after 30 s, 2 min, 10 min, 1 h and 6 h, then the delivery is marked failed. Only counted " +
      "responses are announced; low_score means an NPS detractor (0–6) or a score below the survey's satisfied_min. " +
      "`survey` must name an existing survey, and `url` a public https endpoint (400 otherwise); the URL is checked again " +
      "before every attempt, and a delivery to one no longer allowed fails at once as `refused`, unsent. Redirects are not followed.",
    tag: "Webhooks",
    scope: "admin",
    body: NewWebhook,
    responses: {
      201: { description: "Created; `secret` is shown only now", json: CreatedWebhook, headers: { Location: "The webhook's URL." } },
      409: { description: "The limit of 50 webhooks is reached (`limit_reached`)", json: ErrorBody },
    },
    handler: createWebhook,
  }),
  route({
    method: "get",
    path: "/api/v1/webhooks",
    operationId: "listWebhooks",
    summary: "List webhooks (never their secrets)",
    tag: "Webhooks",
    scope: "admin",
    responses: { 200: { description: "Every webhook, oldest first", json: WebhookList } },
    handler: listWebhooksRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/webhooks/:id",
    operationId: "deleteWebhook",
    summary: "Delete a webhook with its delivery log; nothing more is sent to it",
    tag: "Webhooks",
    scope: "admin",
    params: WebhookParams,
    responses: { 204: noBody("Deleted"), 404: { description: "No webhook has this id", json: ErrorBody } },
    handler: deleteWebhookRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/webhooks/:id/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "The delivery log of one webhook, newest first (kept 30 days)",
    tag: "Webhooks",
    scope: "admin",
    params: WebhookParams,
    query: DeliveryListQuery,
    responses: {
      200: { description: "One page of deliveries", json: DeliveryList },
      404: { description: "No webhook has this id", json: ErrorBody },
    },
    handler: listDeliveriesRoute,
  }),
  route({
    method: "post",
    path: "/api/v1/webhooks/:id/test",
    operationId: "testWebhook",
    summary: "Send one signed test event to a webhook now, and log it",
    description:
      "The event `webhook.test`, signed like every delivery, in the webhook's format: standard `{ type: \"webhook.test\", timestamp, data: { webhook, message } }`; " +
      "slack `{ text }`; delighted `{ event_type: \"webhook.test\", event_id, event_data: { webhook, message } }` (a type Delighted never sent, so a receiver " +
      "acting on survey_response.* ignores it). It names no survey, response or person. Sent at once and attempted once: the answer says how the endpoint " +
      "answered, and the delivery log shows it as delivered (2xx) or failed, never retried. The URL is checked as before every delivery.",
    tag: "Webhooks",
    scope: "admin",
    params: WebhookParams,
    responses: {
      200: { description: "Sent (or refused by the URL check); how the endpoint answered", json: WebhookTestResult },
      404: { description: "No webhook has this id", json: ErrorBody },
    },
    handler: testWebhookRoute,
  }),

  route({
    method: "get",
    path: "/api/v1/sends",
    operationId: "listSends",
    summary: "Survey emails, newest first, with their status, attempts, error and times",
    description:
      "Every message Tapscore scheduled: by the invitations API with send, for recurring members, as reminders. A suppressed " +
      "one records that an unsubscribed or bounced address was not emailed.",
    tag: "Sending",
    scope: "responses:read",
    query: SendListQuery,
    responses: { 200: { description: "One page of messages", json: SendList } },
    handler: listSendsRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/sends/:id",
    operationId: "getSend",
    summary: "One survey email as it was (or will be) sent: recipient, subject, headers, HTML and text",
    tag: "Sending",
    scope: "responses:read",
    params: SendParams,
    responses: {
      200: { description: "The message and where it stands", json: SendView },
      404: { description: "No message has this id", json: ErrorBody },
    },
    handler: getSendRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/sends/:id",
    operationId: "cancelSend",
    summary: "Cancel a survey email that is still scheduled",
    tag: "Sending",
    scope: "invitations:write",
    params: SendParams,
    responses: {
      200: { description: "Cancelled: the message, now cancelled", json: Send },
      404: { description: "No message has this id", json: ErrorBody },
      409: { description: "The message is no longer scheduled: it is being sent, was sent or has ended (not_cancellable)", json: ErrorBody },
    },
    handler: cancelSendRoute,
  }),

  route({
    method: "delete",
    path: "/api/v1/respondents/:recipient",
    operationId: "eraseRespondent",
    summary: "Erase one person: invitations, responses, comments, raw events, webhook bodies, messages and memberships",
    description:
      "Everything in one transaction, with an audit entry that names no one; the next rollup tick corrects every metric. " +
      "Without `survey`, their person record goes too. Their address stays on the unsubscribe and bounce lists: a suppression must " +
      "outlive the data, or erasing someone would let Tapscore email them again. Idempotent: an unknown recipient answers zeros.",
    tag: "Erasure",
    scope: "admin",
    params: ErasureParams,
    query: ErasureQuery,
    responses: {
      200: { description: "Rows removed", json: Erased },
      400: { description: "The recipient (`invalid_path`) or the survey parameter (`invalid_query`) is not valid; `field` names it", json: ErrorBody },
      404: { description: "No survey has the id given as `survey`", json: ErrorBody },
    },
    handler: eraseRespondent,
  }),

  route({
    method: "post",
    path: "/api/v1/people",
    operationId: "upsertPerson",
    summary: "Create or update a person by recipient",
    description:
      "A field left out keeps what is stored; null clears it; properties are merged into the stored ones. Invitations with an email " +
      "create or update the person too.",
    tag: "People",
    scope: "invitations:write",
    body: NewPerson,
    responses: { 200: { description: "The person as stored, with their messages and answers", json: PersonView } },
    handler: upsertPerson,
  }),
  route({
    method: "get",
    path: "/api/v1/people",
    operationId: "listPeople",
    summary: "List people by recipient",
    tag: "People",
    scope: "responses:read",
    query: PersonListQuery,
    responses: { 200: { description: "One page of people", json: PersonList } },
    handler: listPeopleRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/people/:recipient",
    operationId: "getPerson",
    summary: "One person, with when they were last sent to, last answered and will next be asked, and whether their address is suppressed",
    tag: "People",
    scope: "responses:read",
    params: PersonParams,
    responses: {
      200: { description: "The person", json: PersonView },
      400: { description: "The recipient is not valid (`invalid_path`)", json: ErrorBody },
      404: { description: "No person has this recipient", json: ErrorBody },
    },
    handler: getPersonRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/people/:recipient",
    operationId: "erasePerson",
    summary: "Erase a person everywhere: the erasure of DELETE /api/v1/respondents/{recipient}",
    description: "Their address stays on the unsubscribe and bounce lists. Idempotent: an unknown recipient answers zeros.",
    tag: "People",
    scope: "admin",
    params: PersonParams,
    responses: {
      200: { description: "Rows removed", json: Erased },
      400: { description: "The recipient is not valid (`invalid_path`)", json: ErrorBody },
    },
    handler: deletePersonRoute,
  }),

  route({
    method: "get",
    path: "/api/v1/unsubscribes",
    operationId: "listUnsubscribes",
    summary: "Unsubscribed addresses, newest first: never emailed again by any survey",
    tag: "Unsubscribes and bounces",
    scope: "responses:read",
    query: SuppressionListQuery,
    responses: { 200: { description: "One page of unsubscribes", json: UnsubscribeList } },
    handler: listUnsubscribesRoute,
  }),
  route({
    method: "post",
    path: "/api/v1/unsubscribes",
    operationId: "createUnsubscribe",
    summary: "Unsubscribe an address from every survey's emails",
    description: "Addresses are compared without case. Later messages to it are recorded as `suppressed`, not sent.",
    tag: "Unsubscribes and bounces",
    scope: "invitations:write",
    body: NewUnsubscribe,
    responses: {
      201: { description: "Unsubscribed", json: Unsubscribe },
      200: { description: "The address was already unsubscribed: the first record, unchanged", json: Unsubscribe },
    },
    handler: createUnsubscribe,
  }),
  route({
    method: "delete",
    path: "/api/v1/unsubscribes/:email",
    operationId: "deleteUnsubscribe",
    summary: "Lift an unsubscribe: the address may be emailed again",
    description: "Only for a person who asked to be emailed again; a bounce or complaint on the address stays.",
    tag: "Unsubscribes and bounces",
    scope: "admin",
    params: UnsubscribeParams,
    responses: {
      204: noBody("Lifted"),
      400: { description: "Not an email address (`invalid_path`)", json: ErrorBody },
      404: { description: "The address is not unsubscribed", json: ErrorBody },
    },
    handler: deleteUnsubscribe,
  }),
  route({
    method: "get",
    path: "/api/v1/bounces",
    operationId: "listBounces",
    summary: "Bounced and complained-of addresses, newest first: never emailed again by any survey",
    tag: "Unsubscribes and bounces",
    scope: "responses:read",
    query: SuppressionListQuery,
    responses: { 200: { description: "One page of bounces and complaints", json: BounceList } },
    handler: listBouncesRoute,
  }),
  route({
    method: "post",
    path: "/api/v1/bounces",
    operationId: "createBounce",
    summary: "Report a bounce or complaint learned of elsewhere",
    description: "Bounces Email Service reports are recorded by themselves; this is for the ones a team learns of another way.",
    tag: "Unsubscribes and bounces",
    scope: "invitations:write",
    body: NewBounce,
    responses: {
      201: { description: "Recorded", json: Bounce },
      200: { description: "Already recorded for this address and kind: the first record, unchanged", json: Bounce },
    },
    handler: createBounce,
  }),

  route({
    method: "get",
    path: "/api/v1/reports/export",
    operationId: "reportExport",
    summary: "Everything the report site is built from: surveys, daily rollups per segment, annotations, latest comments",
    tag: "Reports",
    scope: "reports:read",
    query: ReportExportQuery,
    responses: { 200: { description: "The export", json: ReportExport } },
    handler: reportExport,
  }),

  route({
    method: "get",
    path: "/r/:token",
    operationId: "respondentScale",
    summary: "Respondent page with the whole scale (HTML)",
    tag: "Respondent",
    params: LinkParams,
    responses: { 200: { description: "The scale, nothing chosen yet; a view is recorded", content: RespondentPage }, ...LINK_FAILURES },
    handler: showScale,
  }),
  route({
    method: "head",
    path: "/r/:token",
    operationId: "respondentProbe",
    summary: "Link check; recorded, never counted",
    tag: "Respondent",
    params: LinkParams,
    responses: { 200: noBody("The link works; the probe is recorded"), ...LINK_FAILURES_HEAD },
    handler: probe,
  }),
  route({
    method: "post",
    path: "/r/:token",
    operationId: "respondentSubmit",
    summary: "The page's forms: choose another score, or leave a comment",
    tag: "Respondent",
    params: LinkParams,
    handlerBody: { "application/x-www-form-urlencoded": RespondentFormBody },
    responses: {
      200: { description: "The page with the choice marked and what was saved", content: RespondentPage },
      400: { description: "Not one of the page's forms, a score off the scale, a comment too long, or percent-escapes that are not UTF-8: the page again, the comment kept", content: RespondentPage },
      403: {
        description:
          "Posted from another site's page (Sec-Fetch-Site cross-site or same-site, or an Origin that is not ours): nothing changes; " +
          "one of the page's forms is kept as a raw event the counting rule never counts",
        content: RespondentPage,
      },
      413: {
        description: `The body is over ${MAX_FORM_BYTES} bytes, more than the longest comment needs: nothing is saved; the page again, with the comment's first ${COMMENT_MAX_LENGTH} characters where the body's start holds them`,
        content: RespondentPage,
      },
      ...LINK_FAILURES,
    },
    handler: submit,
  }),
  // Before /r/:token/:score, which would take "unsubscribe" for a score.
  route({
    method: "get",
    path: "/r/:token/unsubscribe",
    operationId: "respondentUnsubscribePage",
    summary: "The unsubscribe link from the email: a page with one button (HTML); never unsubscribes by itself",
    description: "Mail security scanners fetch every link in a message, so only the button's POST unsubscribes.",
    tag: "Respondent",
    params: LinkParams,
    responses: {
      200: { description: "One button that unsubscribes; or, when the address is unsubscribed already, a page saying so", content: RespondentPage },
      ...LINK_FAILURES,
      404: { description: "The link is unknown, forged or malformed; or its invitation has no email address, so there is nothing to unsubscribe", content: RespondentPage },
    },
    handler: showUnsubscribe,
  }),
  route({
    method: "post",
    path: "/r/:token/unsubscribe",
    operationId: "respondentUnsubscribe",
    summary: "Unsubscribe the invitation's address from every survey's emails: the page's button, or RFC 8058 one-click",
    description:
      "A mail provider's one-click POST (`List-Unsubscribe=One-Click`, urlencoded or multipart, without cookies) or the page's form. " +
      "Idempotent. A closed survey's link still unsubscribes; an expired or unknown one answers like the other respondent pages.",
    tag: "Respondent",
    params: LinkParams,
    handlerBody: { "application/x-www-form-urlencoded": UnsubscribeForm, "multipart/form-data": UnsubscribeForm },
    responses: {
      200: { description: "Unsubscribed (now or before): a page saying so", content: RespondentPage },
      400: { description: "Neither a one-click nor the page's form: the page with its button again, nothing changed", content: RespondentPage },
      ...LINK_FAILURES,
      404: { description: "The link is unknown, forged or malformed; or its invitation has no email address, so there is nothing to unsubscribe", content: RespondentPage },
      413: BODY_OVER_LIMIT,
    },
    handler: confirmUnsubscribe,
  }),
  route({
    method: "get",
    path: "/r/:token/:score",
    operationId: "respondentTap",
    summary: "The one-tap link from the email (HTML)",
    tag: "Respondent",
    params: ScoreLinkParams,
    responses: {
      200: { description: "Thank-you page with the choice marked; the tap is recorded", content: RespondentPage },
      400: { description: "The score is not on the scale: the scale, nothing recorded", content: RespondentPage },
      ...LINK_FAILURES,
    },
    handler: tap,
  }),
  route({
    method: "head",
    path: "/r/:token/:score",
    operationId: "respondentProbeScore",
    summary: "Link check; recorded, never counted",
    tag: "Respondent",
    params: ScoreLinkParams,
    responses: { 200: noBody("The link works (whatever the score); the probe is recorded"), ...LINK_FAILURES_HEAD },
    handler: probe,
  }),
  route({
    method: "post",
    path: "/r/:token/signal",
    operationId: "respondentSignal",
    summary: "Beacon sent by the page on a person's first input",
    description: "The body, if any, is ignored.",
    tag: "Respondent",
    params: LinkParams,
    responses: { 204: noBody("Recorded"), ...SIGNAL_FAILURES, 413: BODY_OVER_LIMIT },
    handler: signal,
  }),
  // Two segments after the token (respondent/honeypot.ts HONEYPOT_SUFFIX): /r/:token/:score cannot take it.
  route({
    method: "get",
    path: "/r/:token/more/info",
    operationId: "respondentHoneypot",
    summary: "The email block's invisible link: whatever fetches it is a scanner; never a score",
    description: "No person can see, focus or hear this link. Its fetch is recorded, and the counting rule takes that client's requests around it for a scanner's.",
    tag: "Respondent",
    params: LinkParams,
    responses: { 204: noBody("Recorded; nothing to show"), ...SIGNAL_FAILURES },
    handler: honeypot,
  }),
  route({
    method: "get",
    path: "/t/:token/:score",
    operationId: "respondentTemplateTap",
    summary: "The one-tap link of a help-desk or mailing template (HTML)",
    description:
      "Query: `r` the recipient id (one answer per id; without it the link itself is one answer), `email`, `locale`, and any property the survey keeps. " +
      "Unknown parameters are ignored. The first tap per recipient id makes the invitation (source `template`); the tap is recorded as on /r/.",
    tag: "Respondent",
    params: TemplateLinkParams,
    responses: {
      200: { description: "Thank-you page with the choice marked; the tap is recorded", content: RespondentPage },
      400: { description: "The recipient id is a placeholder the template never filled in (such as {{ticket.id}}), or not a usable id, or the score is off the scale: nothing recorded", content: RespondentPage },
      ...LINK_FAILURES,
    },
    handler: templateTap,
  }),
  route({
    method: "head",
    path: "/t/:token/:score",
    operationId: "respondentTemplateProbe",
    summary: "Template link check; nothing is written",
    tag: "Respondent",
    params: TemplateLinkParams,
    responses: { 200: noBody("The link works"), 400: noBody("The recipient id is an unfilled placeholder, or the score is off the scale"), ...LINK_FAILURES_HEAD },
    handler: templateProbe,
  }),

  route({
    method: "get",
    path: "/internal/sign-in",
    operationId: "internalSignInForm",
    summary: "Sign-in page for internal reports (when Cloudflare Access is not configured)",
    description: "`?next=` is an /internal/ path to return to after signing in; anything else returns to /internal/.",
    tag: "Internal reports",
    responses: { 200: { description: "The sign-in form", content: HTML } },
    handler: signInForm,
  }),
  route({
    method: "post",
    path: "/internal/sign-in",
    operationId: "internalSignIn",
    summary: "Trade the admin token or a reports:read key for a signed, HttpOnly, SameSite=Strict session cookie",
    description:
      "For browsers only: the request must say it comes from this site's own page (`Sec-Fetch-Site: same-origin`, or without that header an `Origin` equal to this origin). " +
      "Attempts are limited per client address. The session ends when the ADMIN_TOKEN it came from changes or the key it came from is revoked.",
    tag: "Internal reports",
    handlerBody: { "application/x-www-form-urlencoded": SignInForm },
    responses: {
      303: { description: "Signed in for 12 hours; on to `next`", headers: { Location: "`next`, or /internal/.", "Set-Cookie": "The session cookie." } },
      401: { description: "The token is not valid or lacks reports:read (a form over 4 KiB has none): the form again", content: HTML },
      403: { description: "Not from this site's own page (cross-site, or neither Sec-Fetch-Site nor Origin): the form again, saying so", content: HTML },
      413: BODY_OVER_LIMIT,
      429: { description: "Too many attempts from this address: the form again, saying so", content: HTML, headers: { "Retry-After": "Seconds to wait." } },
    },
    handler: signIn,
  }),
  route({
    method: "post",
    path: "/internal/sign-out",
    operationId: "internalSignOut",
    summary: "End the session",
    description: "Like sign-in, only from this site's own page.",
    tag: "Internal reports",
    responses: {
      303: { description: "Signed out; on to the sign-in page", headers: { Location: "The sign-in page.", "Set-Cookie": "Clears the session." } },
      403: { description: "Not from this site's own page: a page with this site's own sign-out button", content: HTML },
      413: BODY_OVER_LIMIT,
    },
    handler: signOut,
  }),
  route({
    method: "get",
    path: "/internal/sends",
    operationId: "internalSendsPreview",
    summary: "The latest survey emails: recipient, subject, status, send time, each linked to its preview",
    tag: "Internal reports",
    responses: {
      200: { description: "The list", content: HTML },
      302: { description: "Not signed in (without Cloudflare Access): on to the sign-in page", headers: { Location: "/internal/sign-in?next=<this path>." } },
      403: { description: "Cloudflare Access is configured and the request carries no valid Access JWT", content: { "text/plain": v.string() } },
    },
    handler: sendsPreviewList,
  }),
  route({
    method: "get",
    path: "/internal/sends/:id",
    operationId: "internalSendPreview",
    summary: "One survey email as it was (or will be) sent: headers, the HTML in a sandboxed frame whose links a tap opens, the text part",
    tag: "Internal reports",
    params: SendPreviewParams,
    responses: {
      200: { description: "The message", content: HTML },
      302: { description: "Not signed in (without Cloudflare Access): on to the sign-in page", headers: { Location: "/internal/sign-in?next=<this path>." } },
      403: { description: "Cloudflare Access is configured and the request carries no valid Access JWT", content: { "text/plain": v.string() } },
      404: { description: "Signed in, and no message has this id", content: HTML },
    },
    handler: sendPreview,
  }),
  // The manage pages (functions/internal/manage/): forms without script behind the internal gate, CSRF-checked, each change audited.
  route({
    method: "get",
    path: "/internal/manage/surveys",
    operationId: "manageSurveys",
    summary: "Manage: the surveys, active ones or all with ?archived=1",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: surveysList,
  }),
  route({
    method: "get",
    path: "/internal/manage/surveys/new",
    operationId: "manageNewSurvey",
    summary: "Manage: the create-survey form, filled from a preset with ?preset=…",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: newSurveyForm,
  }),
  route({
    method: "post",
    path: "/internal/manage/surveys/new",
    operationId: "manageCreateSurvey",
    summary: "Manage: create a survey (the API's validation, errors beside the fields)",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: createSurveyAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/surveys/:id/edit",
    operationId: "manageEditSurvey",
    summary: "Manage: the edit form of a survey, and its archive button",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: editSurveyForm,
  }),
  route({
    method: "post",
    path: "/internal/manage/surveys/:id/edit",
    operationId: "manageUpdateSurvey",
    summary: "Manage: save a survey's changes (the API's PATCH)",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: editSurveyAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/surveys/:id/archive",
    operationId: "manageArchiveSurvey",
    summary: "Manage: archive a survey (the API's DELETE)",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: archiveSurveyAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/surveys/:id/responses",
    operationId: "manageResponses",
    summary: "Manage: a survey's responses, newest first, filtered by the query (status, score, from, to, segment_key, segment_value, comment), with an override form per row",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: responsesPage,
  }),
  route({
    method: "get",
    path: "/internal/manage/surveys/:id/export",
    operationId: "manageExport",
    summary: "Manage: export what the responses page filters, as the API's CSV or NDJSON (format=csv|ndjson)",
    tag: "Internal reports",
    responses: { ...MANAGE_PAGE_ANSWERS, 200: { description: "The filtered responses as a download", content: ResponseExport } },
    handler: exportAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/surveys/:id/share",
    operationId: "manageShare",
    summary: "Manage: the survey's one-tap block for each help-desk and mailing platform, ready to copy",
    tag: "Internal reports",
    responses: { ...MANAGE_PAGE_ANSWERS, 409: { description: "The survey is archived: its template links answer that it is closed", content: HTML } },
    handler: sharePage,
  }),
  route({
    method: "post",
    path: "/internal/manage/surveys/:id/link",
    operationId: "manageOneOffLink",
    summary: "Manage: one person's signed links and email block (the invitations API, nothing sent)",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: oneOffLinkAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/responses/:id/override",
    operationId: "manageOverride",
    summary: "Manage: override a response: counted, excluded or auto (the API's PATCH /api/v1/responses/{id})",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: overrideAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/settings",
    operationId: "manageSettings",
    summary: "Manage: API keys, webhooks and unsubscribes",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: settingsView,
  }),
  route({
    method: "post",
    path: "/internal/manage/keys",
    operationId: "manageCreateKey",
    summary: "Manage: create an API key; its secret is on the answer page only",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: createKeyAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/keys/:id/revoke",
    operationId: "manageRevokeKey",
    summary: "Manage: revoke an API key",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: revokeKeyAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/webhooks",
    operationId: "manageCreateWebhook",
    summary: "Manage: create a webhook; its signing secret is on the answer page only",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: createWebhookAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/webhooks/:id",
    operationId: "manageWebhookLog",
    summary: "Manage: a webhook's delivery log",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: webhookLog,
  }),
  route({
    method: "post",
    path: "/internal/manage/webhooks/:id/test",
    operationId: "manageTestWebhook",
    summary: "Manage: send a test event to a webhook (the API's POST /api/v1/webhooks/{id}/test), then its delivery log with the outcome",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: testWebhookAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/webhooks/:id/delete",
    operationId: "manageDeleteWebhook",
    summary: "Manage: delete a webhook",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: deleteWebhookAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/unsubscribes",
    operationId: "manageAddUnsubscribe",
    summary: "Manage: unsubscribe an address",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: addUnsubscribeAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/unsubscribes/remove",
    operationId: "manageRemoveUnsubscribe",
    summary: "Manage: let an address be emailed again",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: removeUnsubscribeAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/send",
    operationId: "manageSend",
    summary: "Manage: send a survey to a pasted or uploaded CSV of recipients",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: sendPage,
  }),
  route({
    method: "post",
    path: "/internal/manage/send/preview",
    operationId: "manageSendPreview",
    summary: "Manage: who a CSV's survey emails would reach and who is skipped and why; writes nothing",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: sendPreviewAction,
  }),
  route({
    method: "post",
    path: "/internal/manage/send/confirm",
    operationId: "manageSendConfirm",
    summary: "Manage: schedule the previewed survey emails (the invitations API with send: true)",
    tag: "Internal reports",
    handlerBody: MANAGE_FORM_BODY,
    responses: MANAGE_ACTION_ANSWERS,
    handler: sendConfirmAction,
  }),
  route({
    method: "get",
    path: "/internal/manage/audit",
    operationId: "manageAudit",
    summary: "Manage: the audit log, every change made on the manage pages, newest first",
    tag: "Internal reports",
    responses: MANAGE_PAGE_ANSWERS,
    handler: auditPage,
  }),
  // Report pages the site has not built yet (functions/internal/report-coming.ts): the Worker sees
  // /s/{id}/ only when no page is built there (wrangler.toml: not_found_handling = "none").
  route({
    method: "get",
    path: "/s/:id",
    operationId: "publicReportComing",
    summary: "A public report page the site has not built yet: \"report coming\" for an active public survey, else the site's 404 page",
    description: PUBLIC_REPORT_COMING,
    tag: "Internal reports",
    params: ReportPageParams,
    responses: PUBLIC_REPORT_ANSWERS,
    handler: publicReportPage,
  }),
  route({
    method: "get",
    path: "/internal/s/:id",
    operationId: "internalReportComing",
    summary: "An internal report page, or \"report coming\" for an active survey the site has not built a page for yet",
    tag: "Internal reports",
    params: ReportPageParams,
    responses: INTERNAL_REPORT_ANSWERS,
    handler: internalReportPage,
  }),
  // The same for each range's own page (/s/{id}/30/ …).
  route({
    method: "get",
    path: "/s/:id/:range",
    operationId: "publicRangeReportComing",
    summary: "A range's public report page (30, 365 or all days) the site has not built yet: \"report coming\" for an active public survey, else the site's 404 page",
    description: PUBLIC_REPORT_COMING,
    tag: "Internal reports",
    params: RangePageParams,
    responses: PUBLIC_REPORT_ANSWERS,
    handler: publicReportPage,
  }),
  route({
    method: "get",
    path: "/internal/s/:id/:range",
    operationId: "internalRangeReportComing",
    summary: "A range's internal report page, or \"report coming\" for an active survey the site has not built a page for yet",
    tag: "Internal reports",
    params: RangePageParams,
    responses: INTERNAL_REPORT_ANSWERS,
    handler: internalReportPage,
  }),
  route({
    method: "get",
    path: "/internal/*",
    operationId: "internalPage",
    summary: "A built internal report page, after the Access JWT or the session cookie is verified",
    description:
      "Signed in, the site's static assets answer as they would (conditional requests, canonical-path redirects, the 404 page). " +
      "Every /internal/* answer carries a Content-Security-Policy (no framing; no script but the one that adds the manage pages' Copy buttons, allowed by its hash), X-Frame-Options: DENY, X-Content-Type-Options: nosniff, " +
      "Referrer-Policy: same-origin and Cache-Control: private, no-store.",
    tag: "Internal reports",
    responses: {
      200: { description: "The page", content: HTML },
      302: { description: "Not signed in (without Cloudflare Access): on to the sign-in page", headers: { Location: "/internal/sign-in?next=<this path>." } },
      304: { description: "Signed in, and the page is unchanged since the copy the browser has", headers: { ETag: "The page's version." } },
      307: { description: "Signed in; the page's canonical path (e.g. /internal/index.html to /internal/)", headers: { Location: "The canonical path." } },
      403: { description: "Cloudflare Access is configured and the request carries no valid Access JWT", content: { "text/plain": v.string() } },
      404: { description: "Signed in, and no page has this path: the site's 404 page", content: HTML },
    },
    handler: internalPage,
  }),

  // The Delighted-compatible API (functions/delighted/, docs/coming-from-delighted.md): Delighted's paths,
  // shapes and errors, for its official clients; each route is also served with `.json` after its path.
  // delighted routes: people
  route({
    method: "post",
    path: "/v1/people",
    operationId: "delightedCreatePerson",
    summary: "Create or update a person and schedule this survey's email to them (Delighted's people.create)",
    description:
      "The person is found by address (their recipient id when someone has it, else the address in lower case) and updated. Unless send is false, " +
      "one survey email of the key's survey is scheduled after delay seconds, with 30 days to answer; nobody unsubscribed, bounced, or surveyed " +
      "within THROTTLE_DAYS (by any survey, or last_sent_at) is emailed, and survey_scheduled_at is then null. Unknown fields are ignored; " +
      "form bodies (PHP) send every value as text.",
    tag: "Delighted-compatible",
    delighted: true,
    body: DelightedNewPerson,
    responses: {
      200: { description: "The person as stored, and when their survey email leaves", json: DelightedCreatedPerson },
      409: {
        description: "Deployed without EMAIL_FROM or PUBLIC_URL (or with one that is not valid): no survey email could leave; nothing was written",
        json: PeopleErrorBody,
      },
    },
    handler: createDelightedPerson,
  }),
  route({
    method: "get",
    path: "/v1/people",
    operationId: "delightedListPeople",
    summary: "People, oldest first, a page at a time (Delighted's people.list)",
    description:
      "Every person Tapscore knows, whichever survey they came through: Tapscore's people are shared by all surveys. " +
      "While there is a next page, its absolute URL is in `Link: <…>; rel=\"next\"`.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedPeopleQuery,
    responses: {
      200: { description: "One page of people", json: DelightedPersonList, headers: { Link: '<next page URL>; rel="next", absent on the last page.' } },
    },
    handler: listDelightedPeople,
  }),
  route({
    method: "get",
    path: "/v1/people/:id",
    operationId: "delightedGetPerson",
    summary: "One person",
    tag: "Delighted-compatible",
    delighted: true,
    params: DelightedPersonParams,
    responses: { 200: { description: "The person", json: OnePerson } },
    handler: getDelightedPerson,
  }),
  route({
    method: "delete",
    path: "/v1/people/:id",
    operationId: "delightedDeletePerson",
    summary: "Erase a person everywhere (Delighted's people.delete)",
    description:
      "By id, `email:<address>` (everyone with that address) or `phone_number:<number>` (nobody: Tapscore keeps no numbers). Their invitations, " +
      "answers, events, messages and memberships in every survey go, as with DELETE /api/v1/people/{recipient}; their address stays suppressed " +
      "if it was. Idempotent: someone unknown answers the same.",
    tag: "Delighted-compatible",
    delighted: true,
    params: DelightedPersonIdentifier,
    responses: { 202: { description: "Erased", json: DelightedOk } },
    handler: deleteDelightedPerson,
  }),
  route({
    method: "delete",
    path: "/v1/people/:email/survey_requests/pending",
    operationId: "delightedDeletePendingSurveyRequests",
    summary: "Call off the survey emails to an address that have not left (Delighted's surveyRequest.deletePending)",
    description: "Only this key's survey's emails still scheduled; ones already sent stay as they are.",
    tag: "Delighted-compatible",
    delighted: true,
    params: DelightedPendingParams,
    responses: { 200: { description: "Called off (or there was nothing pending)", json: DelightedOk } },
    handler: deletePendingSurveyRequests,
  }),
  // delighted routes: survey responses and metrics
  route({
    method: "get",
    path: "/v1/survey_responses",
    operationId: "delightedListSurveyResponses",
    summary: "The survey's counted responses, a page at a time (Delighted's surveyResponse.all)",
    description:
      "Only counted responses: a person's answers, never a link scanner's suspected taps nor excluded ones. page (from 1) and per_page " +
      "(at most 100); since/until bound created_at and updated_since/updated_until updated_at (Unix seconds, both ends included); order " +
      "asc (default), desc, asc:updated_at or desc:updated_at; expand=person or expand[]=person shows the people. Unknown parameters are ignored.",
    tag: "Delighted-compatible",
    delighted: true,
    query: SurveyResponseListQuery,
    responses: { 200: { description: "One page of responses; an empty list after the last", json: DelightedSurveyResponseList } },
    handler: listSurveyResponses,
  }),
  route({
    method: "get",
    path: "/v1/survey_responses/:id",
    operationId: "delightedGetSurveyResponse",
    summary: "One counted response of the survey (Delighted's surveyResponse.retrieve)",
    description: "A response of another survey, or one that is not counted, is not found.",
    tag: "Delighted-compatible",
    delighted: true,
    params: SurveyResponseParams,
    query: SurveyResponseQuery,
    responses: { 200: { description: "The response", json: DelightedSurveyResponse } },
    handler: getSurveyResponse,
  }),
  route({
    method: "post",
    path: "/v1/survey_responses",
    operationId: "delightedCreateSurveyResponse",
    summary: "Record a score collected elsewhere for a known person (Delighted's surveyResponse.create)",
    description:
      "Tapscore's server-side ingestion (as POST /api/v1/surveys/{id}/responses): a counted answer, announced to webhooks at once. person is the " +
      "id of a person Tapscore knows (unknown: 422 person is invalid); the score must be on the survey's scale; person_properties keeps the " +
      "survey's segment keys and ignores the others; created_at (Unix seconds) dates an answer from the past.",
    tag: "Delighted-compatible",
    delighted: true,
    body: NewSurveyResponse,
    responses: { 201: { description: "Recorded", json: DelightedSurveyResponse } },
    handler: createSurveyResponse,
  }),
  route({
    method: "put",
    path: "/v1/survey_responses/:id",
    operationId: "delightedUpdateSurveyResponse",
    summary: "Change a counted response's score, comment or segment values (Delighted's survey response update)",
    description:
      "A new score or comment is recorded as an answer sent by the API and counted instead of the old one; the rollups and webhooks follow. " +
      "person_properties are merged into the answer's segment values (the survey's keys only). notes and tags are accepted and ignored.",
    tag: "Delighted-compatible",
    delighted: true,
    params: SurveyResponseParams,
    body: SurveyResponseUpdate,
    responses: { 200: { description: "The response as it now is", json: DelightedSurveyResponse } },
    handler: putSurveyResponse,
  }),
  route({
    method: "put",
    path: "/v1/survey_responses",
    operationId: "delightedSaveSurveyResponse",
    summary: "The same change with the response's id in the body (what the Node client's save() sends)",
    tag: "Delighted-compatible",
    delighted: true,
    body: SurveyResponseUpdate,
    responses: { 200: { description: "The response as it now is", json: DelightedSurveyResponse } },
    handler: saveSurveyResponse,
  }),
  route({
    method: "get",
    path: "/v1/metrics",
    operationId: "delightedGetMetrics",
    summary: "The survey's score over whole local days (Delighted's metrics.retrieve)",
    description:
      "since and until (Unix seconds) pick the local days of the survey's time zone they fall on, both whole days included; default the " +
      "last 30 days. Made from the rollups by the same code as GET /api/v1/surveys/{id}/metrics, so the numbers are equal to it for those " +
      "days: counted answers only, percentages and NPS unrounded.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedMetricsQuery,
    responses: { 200: { description: "The metrics", json: DelightedMetrics } },
    handler: getDelightedMetrics,
  }),
  // delighted routes: unsubscribes, bounces, autopilot
  route({
    method: "post",
    path: "/v1/unsubscribes",
    operationId: "delightedCreateUnsubscribe",
    summary: "Unsubscribe an address from every survey's emails (Delighted's unsubscribe.create)",
    description:
      "As POST /api/v1/unsubscribes: the address (compared without case) is never emailed again by any survey, and messages already " +
      "scheduled to it are recorded as suppressed when they fall due. Unsubscribing an address twice answers the same.",
    tag: "Delighted-compatible",
    delighted: true,
    body: DelightedNewUnsubscribe,
    responses: { 200: { description: "Unsubscribed", json: DelightedUnsubscribed } },
    handler: createDelightedUnsubscribe,
  }),
  route({
    method: "get",
    path: "/v1/unsubscribes",
    operationId: "delightedListUnsubscribes",
    summary: "Unsubscribed addresses, oldest first (Delighted's unsubscribe.all)",
    description:
      "Every unsubscribed address, not only this survey's: Tapscore's unsubscribe list is per address across all surveys. " +
      "person_id is the oldest person on file with the address. since and until (Unix seconds, both inclusive) bound unsubscribed_at.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedSuppressionQuery,
    responses: { 200: { description: "One page of unsubscribes", json: DelightedUnsubscribeList } },
    handler: listDelightedUnsubscribes,
  }),
  route({
    method: "get",
    path: "/v1/bounces",
    operationId: "delightedListBounces",
    summary: "Bounced addresses, oldest first (Delighted's bounce.all)",
    description:
      "Every address that bounced or whose owner complained (marked a message as spam), once each at its first time, across all surveys. " +
      "since and until (Unix seconds, both inclusive) bound bounced_at.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedSuppressionQuery,
    responses: { 200: { description: "One page of bounces", json: DelightedBounceList } },
    handler: listDelightedBounces,
  }),
  route({
    method: "get",
    path: "/v1/autopilot/email",
    operationId: "delightedAutopilotConfiguration",
    summary: "Autopilot for email: this survey's recurrence (Delighted's autopilotConfiguration.retrieve('email'))",
    description: "Active while the survey has a recurrence and is not archived; frequency is its every_days in seconds. /v1/autopilot/sms is 404: Tapscore sends email only.",
    tag: "Delighted-compatible",
    delighted: true,
    responses: { 200: { description: "The configuration", json: DelightedAutopilotConfiguration } },
    handler: getAutopilotConfiguration,
  }),
  route({
    method: "get",
    path: "/v1/autopilot/email/memberships",
    operationId: "delightedListAutopilotMemberships",
    summary: "The survey's recurring members, by id, a page at a time (Delighted's autopilotMembership.forEmail().list)",
    description: "Optionally only the person with person_id or person_email. While there is a next page, its absolute URL is in `Link: <…>; rel=\"next\"`.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedMembershipQuery,
    responses: {
      200: { description: "One page of memberships", json: DelightedMembershipList, headers: { Link: '<next page URL>; rel="next", absent on the last page.' } },
    },
    handler: listAutopilotMemberships,
  }),
  route({
    method: "post",
    path: "/v1/autopilot/email/memberships",
    operationId: "delightedCreateAutopilotMembership",
    summary: "Enroll a person in the survey's recurrence (Delighted's autopilotMembership.forEmail().create)",
    description:
      "As POST /api/v1/surveys/{id}/members: the person is kept on file (found by person_id, else by address as POST /v1/people finds them) and " +
      "first asked at once, inside the sending window, then every every_days; someone already a member keeps their next message. " +
      "422 when the survey has no recurrence or is archived.",
    tag: "Delighted-compatible",
    delighted: true,
    body: DelightedNewMembership,
    responses: { 200: { description: "The membership", json: DelightedMembership } },
    handler: createAutopilotMembership,
  }),
  route({
    method: "delete",
    path: "/v1/autopilot/email/memberships",
    operationId: "delightedDeleteAutopilotMembership",
    summary: "Take a person out of the survey's recurrence (Delighted's autopilotMembership.forEmail().delete)",
    description:
      "The person by person_id or person_email, in the query (Node) or the body (Python, PHP). A message already scheduled to them stays, " +
      "as with DELETE /api/v1/surveys/{id}/members/{recipient}.",
    tag: "Delighted-compatible",
    delighted: true,
    query: DelightedMembershipTarget,
    body: DelightedMembershipTarget,
    responses: {
      200: { description: "Removed: the person", json: DelightedRemovedMembership },
      404: { description: "The person is not a member of this survey", json: AutopilotErrorBody },
    },
    handler: deleteAutopilotMembership,
  }),
];

/** Named schemas: components of the document, referenced wherever they appear. */
const COMPONENTS = { Person: PersonView, Unsubscribe, Bounce, ApiKey, Survey: SurveyView, Response: ResponseView, Invitation, Metrics, Interval: IntervalView, ReportExport, Annotation, Webhook, WebhookDelivery: Delivery };

let cached: ReturnType<typeof openApiDocument> | null = null;

/** The OpenAPI document of ROUTES, made once per isolate. */
export function document(): ReturnType<typeof openApiDocument> {
  cached ??= openApiDocument(ROUTES, COMPONENTS, {
    title: "Tapscore API",
    version: "1.0.0",
    description:
      "One-tap CSAT, NPS and CES on your own Cloudflare account. Authenticate with `Authorization: Bearer <key>`; " +
      "errors are `{ error: { code, message, field? } }` with a 4xx status.",
  });
  return cached;
}
