import * as v from "valibot";
import type { Metric } from "../scoring/metrics";
import type { PersonView } from "../storage/people";
import type { ResponseSnapshot } from "../storage/webhooks";

/**
 * Delighted's shapes of a person and a survey response, shared by the Delighted-compatible API
 * (functions/delighted/) and the `delighted` webhook format. Pure.
 *
 * A person as Delighted's API shows one. Delighted's ids were numbers as strings; Tapscore's is the
 * person's recipient id (the caller's own id for them, shared with Tapscore's API): for people first
 * seen through this API, their address in lower case. Times are Unix seconds.
 */

/** Epoch milliseconds as Delighted's Unix seconds. */
export const unixTime = (epochMs: number): number => Math.floor(epochMs / 1000);
const unixTimeOrNull = (epochMs: number | null): number | null => (epochMs === null ? null : unixTime(epochMs));

const UnixTime = v.pipe(v.number(), v.integer(), v.description("Unix seconds."));

export const DelightedPerson = v.object({
  id: v.pipe(v.string(), v.description("The recipient id: the address in lower case for people first seen through this API.")),
  email: v.nullable(v.string()),
  name: v.nullable(v.string()),
  phone_number: v.pipe(v.null(), v.description("Tapscore sends email only.")),
  created_at: UnixTime,
  last_sent_at: v.nullable(UnixTime),
  last_responded_at: v.nullable(UnixTime),
  next_survey_scheduled_at: v.nullable(UnixTime),
});
export type DelightedPerson = v.InferOutput<typeof DelightedPerson>;

export function presentPerson(person: PersonView): DelightedPerson {
  return {
    id: person.recipient,
    email: person.email,
    name: person.name,
    phone_number: null,
    created_at: unixTime(person.created_at),
    last_sent_at: unixTimeOrNull(person.last_sent_at),
    last_responded_at: unixTimeOrNull(person.last_responded_at),
    next_survey_scheduled_at: unixTimeOrNull(person.next_send_at),
  };
}

/** Delighted's survey types for Tapscore's metrics and scales (docs/coming-from-delighted.md). */
export function delightedSurveyType(metric: Metric, scale: { min: number; max: number }): string {
  if (metric === "ces") return scale.max === 7 ? "ces7" : "ces";
  if (metric === "rating") return scale.max === 5 ? "5star" : "rating";
  return metric;
}

/**
 * Where a response is read: GET /api/v1/responses/{id} (Delighted linked to its dashboard). Absolute on
 * the public origin where it is known; a webhook body is written wherever a response changes, where the
 * origin is not known, so there it is the path alone.
 */
export const responsePermalink = (origin: string | null, id: string): string => `${origin ?? ""}/api/v1/responses/${encodeURIComponent(id)}`;

export const DelightedSurveyResponse = v.object({
  id: v.string(),
  person: v.pipe(v.union([v.string(), DelightedPerson]), v.description("The person's id, or the person with expand[]=person.")),
  survey_type: v.pipe(v.string(), v.description("nps, csat, ces (1–5), ces7 (1–7), 5star (a 1–5 rating), rating, intent.")),
  score: v.pipe(v.number(), v.integer()),
  comment: v.nullable(v.string()),
  permalink: v.string(),
  created_at: UnixTime,
  updated_at: UnixTime,
  person_properties: v.record(v.string(), v.string()),
  notes: v.array(v.unknown()),
  tags: v.array(v.string()),
  additional_answers: v.array(v.unknown()),
});
export type DelightedSurveyResponse = v.InferOutput<typeof DelightedSurveyResponse>;

export function presentSurveyResponse(input: {
  response: ResponseSnapshot;
  survey: { metric: Metric; scale: { min: number; max: number } };
  /** The person when expanded; null shows their id. */
  person: DelightedPerson | null;
  permalink: string;
}): DelightedSurveyResponse {
  const { response } = input;
  return {
    id: response.id,
    person: input.person ?? response.recipient,
    survey_type: delightedSurveyType(input.survey.metric, input.survey.scale),
    score: response.score,
    comment: response.comment,
    permalink: input.permalink,
    created_at: unixTime(response.created_at),
    updated_at: unixTime(response.updated_at),
    person_properties: response.properties,
    notes: [],
    tags: [],
    additional_answers: [],
  };
}
