import { badRequest } from "../http/errors";
import { queryParam } from "../http/query";
import { buildReportExport } from "../reports/export";
import type { AuthedRequest } from "./auth";

/** GET /api/v1/reports/export — what a production site build reads (REPORT_SOURCE + REPORT_TOKEN). */
export async function reportExport(request: AuthedRequest, env: Env): Promise<Response> {
  const audience = queryParam(request, "audience") ?? "internal";
  if (audience !== "public" && audience !== "internal") {
    throw badRequest("invalid_query", 'audience: must be "public" or "internal".', "audience");
  }
  return Response.json(await buildReportExport(env.DB, audience, Date.now()), { headers: { "Cache-Control": "private, no-store" } });
}
