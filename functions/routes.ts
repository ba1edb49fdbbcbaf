import * as v from "valibot";
import { createAnnotation, deleteAnnotationRoute, listAnnotationsRoute } from "./api/annotations";
import { eraseRespondent } from "./api/erasure";
import { Health, health } from "./api/health";
import { ingestResponseRoute } from "./api/ingest";
import { createInvitations } from "./api/invitations";
import { ApiKey, ApiKeyList, CreatedApiKey, KeyParams, NewApiKey, createKey, deleteKey, listKeys } from "./api/keys";
import { getMetrics } from "./api/metrics";
import { reportExport } from "./api/reports";
import { listResponsesRoute, overrideResponse } from "./api/responses";
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
import { createWebhook, deleteWebhookRoute, listDeliveriesRoute, listWebhooksRoute } from "./api/webhooks";
import { ErrorBody } from "./http/errors";
import { route, type Route } from "./http/route";
import { internalPage, signIn, signInForm, signOut } from "./internal/gate";
import { openApiDocument } from "./openapi";
import { probe, showScale, signal, submit, tap } from "./respondent/routes";
import { NewSurveyBody, SurveyPatchBody } from "./surveys/survey-input";

/**
 * Every route of the Worker, declared once. functions/router.ts builds the router from this table and
 * functions/openapi.ts the OpenAPI document, so the two cannot disagree.
 */

const HTML = { "text/html": v.string() };
const noBody = (description: string) => ({ description });

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
    tag: "Invitations",
    scope: "invitations:write",
    responses: {},
    handler: createInvitations,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/responses",
    operationId: "listResponses",
    summary: "List responses, newest first; or export them all as CSV or NDJSON",
    tag: "Responses",
    scope: "responses:read",
    responses: {},
    handler: listResponsesRoute,
  }),
  route({
    method: "post",
    path: "/api/v1/surveys/:id/responses",
    operationId: "ingestResponse",
    summary: "Record a score collected elsewhere (widget, kiosk, call centre, import), once per Idempotency-Key",
    tag: "Responses",
    scope: "responses:write",
    responses: {},
    handler: ingestResponseRoute,
  }),
  route({
    method: "patch",
    path: "/api/v1/responses/:id",
    operationId: "overrideResponse",
    summary: "Override the counting rule for one response",
    tag: "Responses",
    scope: "responses:write",
    responses: {},
    handler: overrideResponse,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/metrics",
    operationId: "getMetrics",
    summary: "Headline, distribution, series, groups, comparison, target and response rate, from rollups",
    tag: "Metrics",
    scope: "metrics:read",
    responses: {},
    handler: getMetrics,
  }),

  route({
    method: "post",
    path: "/api/v1/surveys/:id/annotations",
    operationId: "createAnnotation",
    summary: "Add a note to the survey's timeline (shown on every trend)",
    tag: "Annotations",
    scope: "surveys:write",
    responses: {},
    handler: createAnnotation,
  }),
  route({
    method: "get",
    path: "/api/v1/surveys/:id/annotations",
    operationId: "listAnnotations",
    summary: "The survey's annotations in time order (at most 1,000)",
    tag: "Annotations",
    scope: "surveys:read",
    responses: {},
    handler: listAnnotationsRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/surveys/:id/annotations/:annotation",
    operationId: "deleteAnnotation",
    summary: "Remove an annotation",
    tag: "Annotations",
    scope: "surveys:write",
    responses: {},
    handler: deleteAnnotationRoute,
  }),

  route({
    method: "post",
    path: "/api/v1/webhooks",
    operationId: "createWebhook",
    summary: "Subscribe an endpoint to events; the signing secret is returned once",
    tag: "Webhooks",
    scope: "admin",
    responses: {},
    handler: createWebhook,
  }),
  route({
    method: "get",
    path: "/api/v1/webhooks",
    operationId: "listWebhooks",
    summary: "List webhooks (never their secrets)",
    tag: "Webhooks",
    scope: "admin",
    responses: {},
    handler: listWebhooksRoute,
  }),
  route({
    method: "delete",
    path: "/api/v1/webhooks/:id",
    operationId: "deleteWebhook",
    summary: "Delete a webhook with its delivery log; nothing more is sent to it",
    tag: "Webhooks",
    scope: "admin",
    responses: {},
    handler: deleteWebhookRoute,
  }),
  route({
    method: "get",
    path: "/api/v1/webhooks/:id/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "The delivery log of one webhook, newest first (kept 30 days)",
    tag: "Webhooks",
    scope: "admin",
    responses: {},
    handler: listDeliveriesRoute,
  }),

  route({
    method: "delete",
    path: "/api/v1/respondents/:recipient",
    operationId: "eraseRespondent",
    summary: "Erase one person: invitations, responses, comments, raw events and webhook bodies",
    tag: "Erasure",
    scope: "admin",
    responses: {},
    handler: eraseRespondent,
  }),

  route({
    method: "get",
    path: "/api/v1/reports/export",
    operationId: "reportExport",
    summary: "Everything the report site is built from: surveys, daily rollups per segment, annotations, latest comments",
    tag: "Reports",
    scope: "reports:read",
    responses: {},
    handler: reportExport,
  }),

  route({
    method: "get",
    path: "/r/:token",
    operationId: "respondentScale",
    summary: "Respondent page with the whole scale (HTML)",
    tag: "Respondent",
    responses: {},
    handler: showScale,
  }),
  route({
    method: "head",
    path: "/r/:token",
    operationId: "respondentProbe",
    summary: "Link check; recorded, never counted",
    tag: "Respondent",
    responses: {},
    handler: probe,
  }),
  route({
    method: "post",
    path: "/r/:token",
    operationId: "respondentSubmit",
    summary: "The page's forms: choose another score, or leave a comment",
    tag: "Respondent",
    responses: {},
    handler: submit,
  }),
  route({
    method: "get",
    path: "/r/:token/:score",
    operationId: "respondentTap",
    summary: "The one-tap link from the email (HTML)",
    tag: "Respondent",
    responses: {},
    handler: tap,
  }),
  route({
    method: "head",
    path: "/r/:token/:score",
    operationId: "respondentProbeScore",
    summary: "Link check; recorded, never counted",
    tag: "Respondent",
    responses: {},
    handler: probe,
  }),
  route({
    method: "post",
    path: "/r/:token/signal",
    operationId: "respondentSignal",
    summary: "Beacon sent by the page on a person's first input",
    tag: "Respondent",
    responses: {},
    handler: signal,
  }),

  route({
    method: "get",
    path: "/internal/sign-in",
    operationId: "internalSignInForm",
    summary: "Sign-in page for internal reports (when Cloudflare Access is not configured)",
    tag: "Internal reports",
    responses: { 200: { description: "The sign-in form", content: HTML } },
    handler: signInForm,
  }),
  route({
    method: "post",
    path: "/internal/sign-in",
    operationId: "internalSignIn",
    summary: "Trade the admin token or a reports:read key for a signed, HttpOnly, SameSite=Strict session cookie",
    tag: "Internal reports",
    responses: {},
    handler: signIn,
  }),
  route({
    method: "post",
    path: "/internal/sign-out",
    operationId: "internalSignOut",
    summary: "End the session",
    tag: "Internal reports",
    responses: { 303: { description: "Signed out; on to the sign-in page", headers: { Location: "The sign-in page.", "Set-Cookie": "Clears the session." } } },
    handler: signOut,
  }),
  route({
    method: "get",
    path: "/internal/*",
    operationId: "internalPage",
    summary: "A built internal report page, after the Access JWT or the session cookie is verified",
    tag: "Internal reports",
    responses: {},
    handler: internalPage,
  }),
];

/** Named schemas: components of the document, referenced wherever they appear. */
const COMPONENTS = { ApiKey, Survey: SurveyView };

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
