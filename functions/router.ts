import { AutoRouter } from "itty-router";
import { requireScope } from "./api/auth";
import { ApiError, errorResponse, toErrorResponse } from "./http/errors";
import { limitRequest } from "./http/rate-limit";
import { validateInput } from "./http/route";
import { respondentFailure } from "./respondent/routes";
import { ROUTES } from "./routes";

/** The router, made from the route table: scope first, then the declared input, then the handler. */
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

for (const spec of ROUTES) {
  router[spec.method](spec.path, ...(spec.scope ? [requireScope(spec.scope)] : []), validateInput(spec), spec.handler);
}
