import { AutoRouter } from "itty-router";
import { requireScope } from "./api/auth";
import { health } from "./api/health";
import { createKey, deleteKey, listKeys } from "./api/keys";
import { openApiDocument } from "./api/openapi";
import { archiveSurvey, createSurvey, getSurveyRoute, listSurveysRoute, patchSurvey } from "./api/surveys";
import { createInvitations } from "./api/invitations";
import { listResponsesRoute, overrideResponse } from "./api/responses";
import { ingestResponseRoute } from "./api/ingest";
import { limitRequest } from "./http/rate-limit";
import { getMetrics } from "./api/metrics";
import { createAnnotation, deleteAnnotationRoute, listAnnotationsRoute } from "./api/annotations";
import { eraseRespondent } from "./api/erasure";
import { createWebhook, deleteWebhookRoute, listDeliveriesRoute, listWebhooksRoute } from "./api/webhooks";
import { ApiError, errorResponse, toErrorResponse } from "./http/errors";
import { internalPage, signIn, signInForm, signOut } from "./internal/gate";
import { reportExport } from "./api/reports";
import { probe, respondentFailure, showScale, signal, submit, tap } from "./respondent/routes";

/** Every route of the Worker, in one table; the OpenAPI test holds this list and the document together. */
export const router = AutoRouter({
  // Rate limits and the body-size ceiling, before any route runs (functions/http/rate-limit.ts).
  before: [limitRequest],
  // Respondents get a page in their language, developers a JSON error.
  catch: (error: unknown, request: Request) =>
    new URL(request.url).pathname.startsWith("/r/") ? respondentFailure(error, request) : toErrorResponse(error),
  // AutoRouter calls `missing` as a response handler: (response, request, ...args).
  missing: (_response: unknown, request: Request) =>
    errorResponse(new ApiError(404, "not_found", `No route for ${request.method} ${new URL(request.url).pathname}.`)),
});

router
  .get("/healthz", health)
  .get("/api/v1/openapi.json", openApiDocument)

  .post("/api/v1/keys", requireScope("admin"), createKey)
  .get("/api/v1/keys", requireScope("admin"), listKeys)
  .delete("/api/v1/keys/:id", requireScope("admin"), deleteKey)

  .post("/api/v1/surveys", requireScope("surveys:write"), createSurvey)
  .get("/api/v1/surveys", requireScope("surveys:read"), listSurveysRoute)
  .get("/api/v1/surveys/:id", requireScope("surveys:read"), getSurveyRoute)
  .patch("/api/v1/surveys/:id", requireScope("surveys:write"), patchSurvey)
  .delete("/api/v1/surveys/:id", requireScope("surveys:write"), archiveSurvey)

  .post("/api/v1/surveys/:id/invitations", requireScope("invitations:write"), createInvitations)
  .get("/api/v1/surveys/:id/responses", requireScope("responses:read"), listResponsesRoute)
  .post("/api/v1/surveys/:id/responses", requireScope("responses:write"), ingestResponseRoute)
  .patch("/api/v1/responses/:id", requireScope("responses:write"), overrideResponse)
  .get("/api/v1/surveys/:id/metrics", requireScope("metrics:read"), getMetrics)

  .post("/api/v1/surveys/:id/annotations", requireScope("surveys:write"), createAnnotation)
  .get("/api/v1/surveys/:id/annotations", requireScope("surveys:read"), listAnnotationsRoute)
  .delete("/api/v1/surveys/:id/annotations/:annotation", requireScope("surveys:write"), deleteAnnotationRoute)

  .post("/api/v1/webhooks", requireScope("admin"), createWebhook)
  .get("/api/v1/webhooks", requireScope("admin"), listWebhooksRoute)
  .delete("/api/v1/webhooks/:id", requireScope("admin"), deleteWebhookRoute)
  .get("/api/v1/webhooks/:id/deliveries", requireScope("admin"), listDeliveriesRoute)

  .delete("/api/v1/respondents/:recipient", requireScope("admin"), eraseRespondent)

  .get("/r/:token", showScale)
  .head("/r/:token", probe)
  .post("/r/:token", submit)
  .get("/r/:token/:score", tap)
  .head("/r/:token/:score", probe)
  .post("/r/:token/signal", signal)

  .get("/api/v1/reports/export", requireScope("reports:read"), reportExport)

  .get("/internal/sign-in", signInForm)
  .post("/internal/sign-in", signIn)
  .post("/internal/sign-out", signOut)
  .get("/internal/*", internalPage);
