import * as v from "valibot";
import { badRequest } from "../http/errors";
import { freeText } from "../http/text";
import { LOCALES } from "../i18n/locales";
import { BUILT_IN_DIMENSIONS, PROPERTY_KEY_PATTERN, isTimeZone, type Survey } from "./survey-input";

/**
 * Segment values a caller attaches to a person (invitations, ingested responses): short strings kept
 * for breakdowns. One definition, so every way in validates them alike.
 */
const propertyValue = v.pipe(
  v.union([freeText(100), v.number(), v.boolean()], "must be a string, number or boolean"),
  v.transform((value) => String(value)),
);

/**
 * The person a row is about, in the caller's own terms (a customer id, an email address). Erasure
 * names people by it, so it must be text that reads back as it was sent (api/erasure.ts).
 */
export const recipientSchema = (description: string) =>
  v.pipe(
    freeText(200),
    v.check((text: string) => !isUnfilledPlaceholder(text), "is a template placeholder that was never filled in (such as {{ticket.id}} or *|EMAIL|*), not a recipient id"),
    v.description(description),
  );

/**
 * What a help-desk or mailing template leaves behind when its merge fails: Zendesk, Freshdesk, Intercom
 * and HubSpot `{{…}}`, Help Scout `{%…%}`, Mailchimp `*|…|*`, `%…%` and `[…]` merge tags, `${…}` and
 * `<%…%>`. A link may carry them percent-encoded once more, so up to three decodings are tried too.
 */
const PLACEHOLDER_SHAPES = [/\{\{|\}\}/, /\{%|%\}/, /\*\||\|\*/, /%%/, /^%[^%\s]+%$/, /^\[.*\]$/s, /\$\{/, /<%|%>/];

export function isUnfilledPlaceholder(value: string): boolean {
  let text = value.trim();
  for (let decodings = 0; decodings <= 3; decodings++) {
    if (PLACEHOLDER_SHAPES.some((shape) => shape.test(text))) return true;
    const decoded = percentDecoded(text);
    if (decoded === null || decoded === text) return false;
    text = decoded.trim();
  }
  return false;
}

function percentDecoded(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return null;
  }
}

/** An address as RFC 5321 allows it (254 characters at most), trimmed. */
export const EmailAddress = v.pipe(v.string("must be an email address"), v.trim(), v.maxLength(254), v.email("must be an email address"));
export const isEmailAddress = (email: string): boolean => v.is(EmailAddress, email);

export const propertiesSchema = v.record(v.pipe(v.string(), v.regex(PROPERTY_KEY_PATTERN, "keys must be snake_case")), propertyValue);

/** The property keys a survey keeps: the built-in dimensions (locale has its own field) and its segments. */
export function allowedPropertyKeys(survey: Pick<Survey, "segments">): Set<string> {
  const allowed = new Set<string>([...BUILT_IN_DIMENSIONS, ...survey.segments]);
  allowed.delete("locale");
  return allowed;
}

/** Only the built-in dimensions and the survey's own segment keys are kept, so breakdowns stay clean. */
export function checkProperties(survey: Pick<Survey, "segments">, properties: Record<string, string> | undefined, fieldPrefix: string): void {
  const allowed = allowedPropertyKeys(survey);
  for (const [key, value] of Object.entries(properties ?? {})) {
    const field = `${fieldPrefix}.${key}`;
    if (!allowed.has(key)) {
      throw badRequest("invalid_field", `${field}: not a segment of this survey (allowed: ${[...allowed].join(", ")}).`, field);
    }
    if (key === "country" && !/^[A-Z]{2}$/.test(value)) throw badRequest("invalid_field", `${field}: must be an ISO 3166 code such as NL.`, field);
  }
}

/**
 * What a caller may say of a person besides who they are: kept on the person (functions/storage/people.ts)
 * by every way in that names people — invitations, members, the people API. The email is any text
 * here: where it must be an address, the caller decides whether a bad one refuses or only skips.
 */
export const personFields = {
  email: v.optional(v.pipe(v.string("must be text"), v.trim(), v.maxLength(254, "must be at most 254 characters"), v.description("Their address; kept on the person."))),
  name: v.optional(v.pipe(freeText(200), v.description("Their name: the one merge field of a message ({{name}}); kept on the person."))),
  locale: v.optional(
    v.pipe(v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`), v.description("The language of their messages and pages; the survey's when absent.")),
  ),
  timezone: v.optional(
    v.pipe(
      v.string("must be text"),
      v.check(isTimeZone, "must be an IANA time zone such as Europe/Amsterdam"),
      v.description("Their IANA time zone: sending windows are in its hours (the survey's zone when absent)."),
    ),
  ),
  properties: v.optional(
    v.pipe(propertiesSchema, v.description("Segment values copied onto their invitations: touchpoint, channel, country (ISO 3166), variant and the survey's segments.")),
  ),
};
