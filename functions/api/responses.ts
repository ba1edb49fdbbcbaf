import * as v from "valibot";
import { decodeTimeCursor, encodeTimeCursor } from "../http/cursor";
import { badRequest, notFound } from "../http/errors";
import { queryChoice, queryInteger, queryText } from "../http/query";
import type { ValidatedRequest } from "../http/route";
import { recordChoice } from "../counting/record";
import { LOCALES } from "../i18n/locales";
import { INVITATION_SOURCES } from "../storage/invitations";
import { REASONS, STATUSES, getResponse, listResponses, type ResponseRecord } from "../storage/responses";
import { IsoTime, isoTime, readMoment } from "../http/time";
import { SurveyParams, requireSurvey } from "./surveys";
import { webhookOutbox } from "../webhooks/deliver";
import { EXPORT_FORMATS, exportStream, type ExportFormat } from "../exports/responses";
import { addDays, dayStart } from "../rollups/days";
import type { StoredSurvey } from "../storage/surveys";
import { teamFacts } from "../counting/request-signals";

type SurveyParams = v.InferOutput<typeof SurveyParams>;

/** A response as the API answers with it (and as each line of an NDJSON export and each webhook carries it). */
export const ResponseView = v.object({
  id: v.string(),
  invitation: v.string(),
  recipient: v.string(),
  email: v.pipe(v.nullable(v.string()), v.description("The address the invitation went to, else the person's (POST /api/v1/people); null when neither is known.")),
  score: v.pipe(v.number(), v.integer()),
  comment: v.nullable(v.string()),
  status: v.pipe(v.picklist(STATUSES), v.description("Only counted responses enter metrics.")),
  reason: v.pipe(v.picklist(REASONS), v.description("Why the counting rule (or an admin: override) decided this status.")),
  override: v.pipe(v.nullable(v.picklist(["counted", "excluded"])), v.description("An admin's decision, which wins over the rule; null leaves it to the rule.")),
  locale: v.nullable(v.picklist(LOCALES)),
  properties: v.pipe(v.record(v.string(), v.string()), v.description("The invitation's segment values.")),
  source: v.pipe(
    v.picklist(INVITATION_SOURCES),
    v.description("template: answered through the survey's template link (docs/template-links.md), whose recipient ids are not secret; invitation: any other way."),
  ),
  created_at: IsoTime,
  updated_at: IsoTime,
});
type ResponseView = v.InferOutput<typeof ResponseView>;

export const ResponseList = v.object({
  responses: v.array(ResponseView),
  next_cursor: v.pipe(v.nullable(v.string()), v.description("Pass as cursor for the next page; null on the last.")),
});

export const ResponseListQuery = v.object({
  status: queryChoice(STATUSES, "Only responses with this status."),
  limit: queryInteger({ min: 1, max: 500, fallback: 100 }, "Responses per page (not for exports),"),
  cursor: queryText("The next_cursor of the page before (not for exports)."),
  format: queryChoice(EXPORT_FORMATS, "Export every matching response in this format instead of a page, oldest first."),
  from: queryText("Exports: the first day (YYYY-MM-DD, in the survey's time zone) or an ISO 8601 date-time with a zone; 2000-01-01 to 2999-12-31.", 64),
  to: queryText("Exports: the last day (YYYY-MM-DD, included) or an ISO 8601 date-time with a zone (excluded); 2000-01-01 to 2999-12-31.", 64),
});
type ResponseListQuery = v.InferOutput<typeof ResponseListQuery>;

/** The CSV and NDJSON bodies of an export, for the document. */
export const ResponseExport = {
  "text/csv": v.pipe(
    v.string(),
    v.description(
      "RFC 4180 with a UTF-8 byte order mark (Excel keeps accents); columns id, invitation, recipient, score, comment, status, reason, " +
        "locale, created_at, updated_at, source (invitation or template), then property.<key> per property the survey keeps. Text starting with = + - @ gets a leading ' " +
        "so spreadsheets never run it as a formula.",
    ),
  ),
  "application/x-ndjson": v.pipe(v.string(), v.description("One Response object per line.")),
};

/** rsp_ and the invitation's id: 16 base32 characters for invitations the API made, longer for the demo data's rows. */
const RESPONSE_ID = /^rsp_[\w-]{1,124}$/;

export const ResponseParams = v.object({ id: v.pipe(v.string(), v.regex(RESPONSE_ID)) });
type ResponseParams = v.InferOutput<typeof ResponseParams>;

export const OverrideBody = v.strictObject({
  status: v.pipe(
    v.picklist(["counted", "excluded", "auto"], 'must be "counted", "excluded" or "auto" (back to the counting rule)'),
    v.description("counted or excluded overrides the counting rule; auto hands the response back to it."),
  ),
});

export const presentResponse = ({ survey: _survey, source, created_at, updated_at, ...response }: ResponseRecord): ResponseView => ({
  ...response,
  source: source ?? "invitation",
  created_at: isoTime(created_at),
  updated_at: isoTime(updated_at),
});

/**
 * A bound of an export range: a day (YYYY-MM-DD, the survey's own time zone; `to` includes the whole
 * day) or an exact ISO 8601 date-time with a zone (`to` excluded), within the API's calendar.
 */
function rangeBound(raw: string | undefined, name: "from" | "to", survey: StoredSurvey): number | null {
  if (raw === undefined) return null;
  const moment = readMoment(raw);
  if ("error" in moment) throw badRequest("invalid_query", `${name}: ${moment.error}.`, name);
  if ("at" in moment) return moment.at;
  return dayStart(name === "to" ? addDays(moment.day, 1) : moment.day, survey.timezone);
}

/** ?format=csv|ndjson: every matching response, streamed as a download. */
function exportResponses(query: ResponseListQuery, env: Env, survey: StoredSurvey, format: ExportFormat): Response {
  const from = rangeBound(query.from, "from", survey);
  const to = rangeBound(query.to, "to", survey);
  if (from !== null && to !== null && to <= from) throw badRequest("invalid_query", "to: must be after from.", "to");
  const csv = format === "csv";
  const body = exportStream(env.DB, survey, { status: query.status ?? null, from, to }, format, presentResponse);
  return new Response(body, {
    headers: {
      "Content-Type": csv ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8",
      "Content-Disposition": `attachment; filename="${survey.id}-responses.${format}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** GET /api/v1/surveys/{id}/responses — newest first, with status and the rule's reason; or an export. */
export async function listResponsesRoute(
  request: ValidatedRequest<SurveyParams, ResponseListQuery>,
  env: Env,
): Promise<v.InferOutput<typeof ResponseList> | Response> {
  const query = request.input.query;
  const survey = await requireSurvey(env, request.input.params.id);
  if (query.format !== undefined) return exportResponses(query, env, survey, query.format);
  const page = await listResponses(env.DB, survey.id, {
    status: query.status ?? null,
    before: decodeTimeCursor(query.cursor, RESPONSE_ID),
    limit: query.limit,
  });
  return { responses: page.responses.map(presentResponse), next_cursor: page.next ? encodeTimeCursor(page.next) : null };
}

/** PATCH /api/v1/responses/{id} — an admin overrides the rule; kept as an event, so rollups follow. */
/** GET /api/v1/responses/{id} — one response, whatever its status (the permalink of Delighted-shaped answers). */
export async function getResponseRoute(request: ValidatedRequest<ResponseParams>, env: Env): Promise<ResponseView> {
  const response = await getResponse(env.DB, request.input.params.id);
  if (!response) throw notFound("The response");
  return presentResponse(response);
}

export async function overrideResponse(
  request: ValidatedRequest<ResponseParams, Record<string, unknown>, v.InferOutput<typeof OverrideBody>>,
  env: Env,
  ctx: ExecutionContext,
): Promise<ResponseView> {
  const { status } = request.input.body;
  const current = await getResponse(env.DB, request.input.params.id);
  if (!current) throw notFound("The response");
  const now = Date.now();
  // The override is an event like any other: kept with the answer and decided with its history.
  await recordChoice(
    env.DB,
    { invitationId: current.invitation, surveyId: current.survey, kind: "override", score: null, facts: teamFacts({ override: status }), now },
    { outbox: webhookOutbox(env, ctx) },
  );
  return presentResponse((await getResponse(env.DB, current.id))!);
}
