import * as v from "valibot";
import { badRequest } from "../http/errors";
import { FIRST_DAY, readDateTime } from "../http/time";
import { parseOrThrow } from "../http/validate";
import { LOCALES, type Locale } from "../i18n/locales";
import { COMMENT_MAX_LENGTH, cleanComment } from "../counting/comment";
import { checkProperties, propertiesSchema, recipientSchema } from "../surveys/properties";
import type { StoredSurvey } from "../storage/surveys";

/** A score collected elsewhere (an in-app widget, a kiosk, a call centre, another tool's history). */
export interface IngestInput {
  recipient: string;
  score: number;
  comment: string | null;
  locale: Locale | null;
  properties: Record<string, string>;
  /** When the person answered; now when not given. */
  respondedAt: number;
  /** Whether webhooks hear of it: false for history imports. */
  announce: boolean;
}

/** Clocks differ a little; an answer from further in the future than this is refused. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** The body as one schema; the survey's scale, the comment's length, its segments and the time are checked in code. */
export const IngestBody = v.strictObject({
  recipient: recipientSchema("Who answered, in your own terms (a customer id, an email address)."),
  score: v.pipe(v.number("must be a number"), v.integer("must be an integer"), v.description("On the survey's scale.")),
  comment: v.optional(v.nullable(v.pipe(v.string("must be a string"), v.description(`At most ${COMMENT_MAX_LENGTH} characters.`)))),
  locale: v.optional(v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`)),
  properties: v.optional(
    v.pipe(propertiesSchema, v.description("Segment values: touchpoint, channel, country (ISO 3166), variant and the survey's segments.")),
  ),
  responded_at: v.optional(
    v.pipe(
      v.string("must be an ISO 8601 date-time with a zone, e.g. 2026-03-05T14:22:10Z"),
      v.description("When the person answered, as an ISO 8601 date-time with a zone, from 2000 on; now when absent."),
    ),
  ),
  webhooks: v.optional(
    v.pipe(
      v.boolean("must be true or false"),
      v.description(
        "false records and counts the answer without announcing it to webhooks (history imports); default true, announced like a tap. " +
          "Not part of what makes two requests the same.",
      ),
    ),
  ),
});

/** Validates an ingestion body exactly as a tap is validated: the survey's scale, the comment rules, its segments. */
export function parseIngestInput(survey: Pick<StoredSurvey, "scale" | "segments" | "touchpoint">, body: unknown, now: number): IngestInput {
  const input = parseOrThrow(IngestBody, body);
  const { min, max } = survey.scale;
  if (input.score < min || input.score > max) throw badRequest("invalid_field", `score: must be on this survey's scale, ${min} to ${max}.`, "score");
  const comment = input.comment == null ? { ok: true as const, comment: null } : cleanComment(input.comment);
  if (!comment.ok) throw badRequest("invalid_field", `comment: must be at most ${COMMENT_MAX_LENGTH} characters.`, "comment");
  checkProperties(survey, input.properties, "properties");
  let respondedAt = now;
  if (input.responded_at !== undefined) {
    const parsed = readDateTime(input.responded_at, "must be an ISO 8601 date-time with a zone, e.g. 2026-03-05T14:22:10Z");
    if ("error" in parsed && !parsed.outside) throw badRequest("invalid_field", `responded_at: ${parsed.error}.`, "responded_at");
    // Before 2000 (the API's calendar: older is surely a mistake in the date, not history) or in the future.
    if ("error" in parsed || parsed.at > now + CLOCK_SKEW_MS) {
      throw badRequest("invalid_field", `responded_at: must lie between ${FIRST_DAY} and now.`, "responded_at");
    }
    respondedAt = parsed.at;
  }
  return {
    recipient: input.recipient,
    score: input.score,
    comment: comment.comment,
    locale: input.locale ?? null,
    // The survey's touchpoint is the default, as for invitations, so segments agree however answers came in.
    properties: { ...(survey.touchpoint ? { touchpoint: survey.touchpoint } : {}), ...input.properties },
    respondedAt,
    announce: input.webhooks ?? true,
  };
}

/**
 * What makes two requests "the same": everything stored, never the moment it arrived, nor whether
 * webhooks hear of it (a retry that only changes that has nothing left to announce).
 */
export function canonicalInput(input: IngestInput, defaultedTime: boolean): string {
  return JSON.stringify([input.recipient, input.score, input.comment, input.locale, Object.entries(input.properties).sort(), defaultedTime ? null : input.respondedAt]);
}
