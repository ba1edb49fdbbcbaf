import { AutoRouter } from "itty-router";
import { requireScope } from "./api/auth";
import { ApiError, errorResponse, toErrorResponse } from "./http/errors";
import { limitRequest } from "./http/rate-limit";
import { validateInput } from "./http/route";
import { isInternalPath, withInternalHeaders } from "./internal/gate";
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
  // Last, so that every /internal/* answer gets the gate's security headers, the router's own errors too.
  finally: [(response: Response, request: Request) => (isInternalPath(new URL(request.url).pathname) ? withInternalHeaders(response) : response), withNosniff],
});

/**
 * Every answer of the Worker says nosniff (JSON, CSV exports, errors, pages): a browser reads it as the
 * type it declares, never as a script or a page it guessed. Copied only when it lacks the header.
 */
function withNosniff(response: Response): Response {
  if (response.headers.get("X-Content-Type-Options") === "nosniff") return response;
  const headers = new Headers(response.headers);
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

for (const spec of ROUTES) {
  router[spec.method](spec.path, ...(spec.scope ? [requireScope(spec.scope)] : []), validateInput(spec), spec.handler);
}
