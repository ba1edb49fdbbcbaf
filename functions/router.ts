import { AutoRouter } from "itty-router";
import { requireScope } from "./api/auth";
import { requireDelightedKey } from "./delighted/auth";
import { delightedErrorResponse } from "./delighted/errors";
import { DELIGHTED_INPUT } from "./delighted/input";
import { ApiError, errorResponse, toErrorResponse } from "./http/errors";
import { limitRequest } from "./http/rate-limit";
import { validateInput } from "./http/route";
import { isInternalPath, withInternalHeaders } from "./internal/gate";
import { siteNotFound } from "./internal/site-assets";
import { respondentFailure } from "./respondent/routes";
import { ROUTES } from "./routes";

/** The router, made from the route table: scope first, then the declared input, then the handler. */
export const router = AutoRouter({
  // Rate limits and the body-size ceiling, before any route runs (functions/http/rate-limit.ts).
  before: [limitRequest],
  // Respondents get a page in their language, developers a JSON error.
  // Delighted's clients read Delighted's error shape.
  catch: (error: unknown, request: Request) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith("/r/")) return respondentFailure(error, request);
    return isDelightedPath(path) ? delightedErrorResponse(error) : toErrorResponse(error);
  },
  // AutoRouter calls `missing` as a response handler: (response, request, ...args).
  missing: (_response: unknown, request: Request, env: Env) => {
    const path = new URL(request.url).pathname;
    // A site address with no built file (wrangler.toml: not_found_handling = "none"): the site's 404 page, as before.
    if ((request.method === "GET" || request.method === "HEAD") && isSitePath(path)) return siteNotFound(request, env);
    const missing = new ApiError(404, "not_found", `No route for ${request.method} ${path}.`);
    return isDelightedPath(path) ? delightedErrorResponse(missing) : errorResponse(missing);
  },
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

/** Paths the static site owns: everything but the Worker's own prefixes (wrangler.toml's run_worker_first). */
function isSitePath(path: string): boolean {
  return !/^\/(?:api|v1|r|t|internal)(?:\/|$)|^\/healthz$/.test(path);
}

function isDelightedPath(path: string): boolean {
  return path === "/v1" || path.startsWith("/v1/");
}

for (const spec of ROUTES) {
  if (spec.delighted) {
    // Delighted's documentation and its old Link headers put `.json` after the path: both are served.
    // The `.json` form first, so that an id never swallows the suffix.
    for (const path of [`${spec.path}.json`, spec.path]) router[spec.method](path, requireDelightedKey, validateInput(spec, DELIGHTED_INPUT), spec.handler);
  } else {
    router[spec.method](spec.path, ...(spec.scope ? [requireScope(spec.scope)] : []), validateInput(spec), spec.handler);
  }
}
