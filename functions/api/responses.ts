import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { badRequest, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryInt, queryParam } from "../http/query";
import { parseOrThrow } from "../http/validate";
import { writeDecision } from "../counting/record";
import { appendEvent, eventHistory } from "../storage/events";
import { STATUSES, getResponse, listResponses, type ResponseRecord, type Status } from "../storage/responses";
import type { AuthedRequest } from "./auth";
import { isoTime, parseIsoDateTime } from "../http/time";
import { requireSurvey } from "./surveys";
import { webhookOutbox } from "../webhooks/deliver";
import { EXPORT_FORMATS, exportStream, type ExportFormat } from "../exports/responses";
import { addDays, dayStart, isDayKey } from "../rollups/days";
import type { StoredSurvey } from "../storage/surveys";

export const presentResponse = ({ survey: _survey, created_at, updated_at, ...response }: ResponseRecord) => ({
  ...response,
  created_at: isoTime(created_at),
  updated_at: isoTime(updated_at),
});

/**
 * A bound of an export range: a day (YYYY-MM-DD, the survey's own time zone; `to` includes the whole
 * day) or an exact ISO 8601 date-time with a zone (`to` excluded).
 */
function rangeBound(request: AuthedRequest, name: "from" | "to", survey: StoredSurvey): number | null {
  const raw = queryParam(request, name);
  if (raw === undefined) return null;
  if (isDayKey(raw)) return dayStart(name === "to" ? addDays(raw, 1) : raw, survey.timezone);
  const instant = parseIsoDateTime(raw);
  if (instant === null) throw badRequest("invalid_query", `${name}: must be a date (YYYY-MM-DD) or an ISO 8601 date-time with a zone.`, name);
  return instant;
}

/** ?format=csv|ndjson: every matching response, streamed as a download. */
function exportResponses(request: AuthedRequest, env: Env, survey: StoredSurvey, format: string, status: Status | null): Response {
  if (!EXPORT_FORMATS.includes(format as ExportFormat)) {
    throw badRequest("invalid_query", `format: must be one of ${EXPORT_FORMATS.join(", ")}.`, "format");
  }
  const from = rangeBound(request, "from", survey);
  const to = rangeBound(request, "to", survey);
  if (from !== null && to !== null && to <= from) throw badRequest("invalid_query", "to: must be after from.", "to");
  const csv = format === "csv";
  const body = exportStream(env.DB, survey, { status, from, to }, format as ExportFormat, presentResponse);
  return new Response(body, {
    headers: {
      "Content-Type": csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${survey.id}-responses.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** GET /api/v1/surveys/{id}/responses — newest first, with status and the rule's reason; or an export. */
export async function listResponsesRoute(request: AuthedRequest, env: Env) {
  const survey = await requireSurvey(env, request.params.id);
  const status = queryParam(request, "status") ?? null;
  if (status !== null && !STATUSES.includes(status as Status)) {
    throw badRequest("invalid_query", `status: must be one of ${STATUSES.join(", ")}.`, "status");
  }
  const format = queryParam(request, "format");
  if (format !== undefined) return exportResponses(request, env, survey, format, status as Status | null);
  const page = await listResponses(env.DB, survey.id, {
    status: status as Status | null,
    before: decodeTimeCursor(queryParam(request, "cursor"), /^rsp_[0-9a-z]{16}$/),
    limit: queryInt(request, "limit", { min: 1, max: 500, fallback: 100 }),
  });
  return { responses: page.responses.map(presentResponse), next_cursor: page.next ? encodeTimeCursor(page.next) : null };
}

const overrideSchema = v.strictObject({
  status: v.picklist(["counted", "excluded", "auto"], 'must be "counted", "excluded" or "auto" (back to the counting rule)'),
});

/** PATCH /api/v1/responses/{id} — an admin overrides the rule; kept as an event, so rollups follow. */
export async function overrideResponse(request: AuthedRequest, env: Env, ctx: ExecutionContext) {
  const { status } = parseOrThrow(overrideSchema, await readJsonObject(request));
  const current = await getResponse(env.DB, request.params.id ?? "");
  if (!current) throw notFound("The response");
  const now = Date.now();
  await appendEvent(env.DB, {
    invitation_id: current.invitation,
    kind: "override",
    score: null,
    at: now,
    client: "admin",
    asn: null,
    country: null,
    signals: { override: status },
  });
  await writeDecision(env.DB, current.invitation, current.survey, await eventHistory(env.DB, current.invitation), now, undefined, webhookOutbox(env, ctx));
  return presentResponse((await getResponse(env.DB, current.id))!);
}
