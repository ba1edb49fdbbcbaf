import * as v from "valibot";
import { badRequest, notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { queryInt, queryParam } from "../http/query";
import { parseOrThrow } from "../http/validate";
import type { Status } from "../respondent/counting-rule";
import { writeDecision } from "../respondent/record";
import { base64url } from "../security/secrets";
import { appendEvent, eventHistory } from "../storage/events";
import { getResponse, listResponses, type ResponseCursor, type ResponseRecord } from "../storage/responses";
import type { AuthedRequest } from "./auth";
import { isoTime } from "./format";
import { requireSurvey } from "./surveys";

const STATUSES: readonly Status[] = ["counted", "suspected", "excluded"];

export const presentResponse = ({ survey: _survey, created_at, updated_at, ...response }: ResponseRecord) => ({
  ...response,
  created_at: isoTime(created_at),
  updated_at: isoTime(updated_at),
});

function encodeCursor(cursor: ResponseCursor): string {
  return base64url(new TextEncoder().encode(`${cursor.created_at}.${cursor.id}`));
}

function decodeCursor(raw: string | undefined): ResponseCursor | null {
  if (raw === undefined) return null;
  try {
    const text = atob(raw.replace(/-/g, "+").replace(/_/g, "/"));
    const match = /^(\d{1,15})\.(rsp_[0-9a-z]{16})$/.exec(text);
    if (match) return { created_at: Number(match[1]), id: match[2]! };
  } catch {
    // falls through to the 400 below
  }
  throw badRequest("invalid_query", "cursor: not a cursor this API gave out.", "cursor");
}

/** GET /api/v1/surveys/{id}/responses — newest first, with status and the rule's reason. */
export async function listResponsesRoute(request: AuthedRequest, env: Env) {
  const survey = await requireSurvey(env, request.params.id);
  const status = queryParam(request, "status") ?? null;
  if (status !== null && !STATUSES.includes(status as Status)) {
    throw badRequest("invalid_query", `status: must be one of ${STATUSES.join(", ")}.`, "status");
  }
  const page = await listResponses(env.DB, survey.id, {
    status: status as Status | null,
    before: decodeCursor(queryParam(request, "cursor")),
    limit: queryInt(request, "limit", { min: 1, max: 500, fallback: 100 }),
  });
  return { responses: page.responses.map(presentResponse), next_cursor: page.next ? encodeCursor(page.next) : null };
}

const overrideSchema = v.strictObject({
  status: v.picklist(["counted", "excluded", "auto"], 'must be "counted", "excluded" or "auto" (back to the counting rule)'),
});

/** PATCH /api/v1/responses/{id} — an admin overrides the rule; kept as an event, so rollups follow. */
export async function overrideResponse(request: AuthedRequest, env: Env) {
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
  await writeDecision(env.DB, current.invitation, current.survey, await eventHistory(env.DB, current.invitation), now);
  return presentResponse((await getResponse(env.DB, current.id))!);
}
