import * as v from "valibot";
import { badRequest } from "../http/errors";
import { calendarDay } from "../http/time";
import { freeText } from "../http/text";
import { parseOrThrow } from "../http/validate";
import { DEFAULT_LOCALE, LOCALES, type Locale } from "../i18n/locales";
import { BRAND_NAME_MAX, HEX_COLOUR, LOGO_URL_MAX, NO_BRAND, isLogoUrl, type Brand } from "./brand";
import type { Sentiment } from "./follow-up";
import {
  DEFAULT_HEADLINE,
  HEADLINES,
  METRICS,
  SCALES,
  defaultSatisfiedMin,
  isAllowedScale,
  type Headline,
  type Metric,
  type Scale,
} from "../scoring/metrics";

/** A survey as the API shows it and as storage keeps it. */
export interface Survey {
  id: string;
  name: string;
  metric: Metric;
  scale: Scale;
  satisfied_min: number;
  headline: Headline;
  question: Partial<Record<Locale, string>>;
  locale: Locale;
  touchpoint: string | null;
  attribute: string | null;
  timezone: string;
  segments: string[];
  public: boolean;
  min_public_n: number;
  target: { value: number; by: string } | null;
  benchmark: { value: number; label: string } | null;
  follow_up: Partial<Record<Locale, string>>;
  /** The question after a low, middle or high score (functions/surveys/follow-up.ts), per language; absent: follow_up, else defaults by sentiment. */
  follow_ups: Partial<Record<Sentiment, Partial<Record<Locale, string>>>>;
  /** Days raw comments and events are kept; null (or absent) keeps them. Scores and rollups are always kept. */
  retain_days?: number | null;
  /** The survey's emails (functions/sending/): texts per language, localized defaults where absent. */
  email: SurveyEmail;
  /** Ask each member again every so many days, within an optional sending window; null: no recurrence. */
  recurrence: Recurrence | null;
  /** One reminder this many days after a message to people who have not answered; null: none. */
  reminder_after_days: number | null;
  /**
   * The variant A/B comparisons measure the others against (the metrics API's compare=variant);
   * null (or absent): a variant named "control", else one named "A", else the query must name it.
   */
  control_variant?: string | null;
  /** Who asks (functions/surveys/brand.ts): each field null falls back to the installation's BRAND_* vars; absent on surveys stored before brands. */
  brand?: Brand;
  archived: boolean;
}

export interface SurveyEmail {
  /** The display name messages come from; EMAIL_FROM's name (or the survey's name) when null. */
  sender_name: string | null;
  /** Where replies go; the sender's address when null. */
  reply_to: string | null;
  /** Subject and intro line per language; `{{name}}` is the only merge field. */
  subject: Partial<Record<Locale, string>>;
  intro: Partial<Record<Locale, string>>;
}

/** Weekdays are ISO (1 = Monday … 7 = Sunday); hours are local to the person (the survey's zone without one). */
export interface SendingWindow {
  weekdays: number[];
  from_hour: number;
  to_hour: number;
}

export interface Recurrence {
  every_days: number;
  window: SendingWindow | null;
}

export const DEFAULT_SURVEY_EMAIL: SurveyEmail = { sender_name: null, reply_to: null, subject: {}, intro: {} };

export const SURVEY_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
/** Property keys (custom segments) are short snake_case names. */
export const PROPERTY_KEY_PATTERN = /^[a-z][a-z0-9_]{0,39}$/;
export const TOUCHPOINT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const BUILT_IN_DIMENSIONS = ["touchpoint", "locale", "country", "channel", "variant"] as const;

const perLocale = (max: number) =>
  v.pipe(
    v.record(v.picklist(LOCALES, `keys must be one of ${LOCALES.join(", ")}`), freeText(max)),
    v.check((r) => Object.keys(r).length > 0, "must name at least one language"),
  );
const nullable = <S extends v.GenericSchema>(schema: S) => v.optional(v.nullable(schema));

// The one calendar of every day the API takes (functions/http/time.ts), so target.by fits the day arithmetic of metrics.
const isoDay = calendarDay();

const editable = {
  name: freeText(200),
  satisfied_min: v.pipe(v.number(), v.integer("must be an integer")),
  headline: v.picklist(HEADLINES, `must be one of ${HEADLINES.join(", ")}`),
  question: perLocale(500),
  locale: v.picklist(LOCALES, `must be one of ${LOCALES.join(", ")}`),
  touchpoint: nullable(v.pipe(v.string(), v.regex(TOUCHPOINT_PATTERN, "must be a lowercase name such as support or trial_end"))),
  attribute: nullable(freeText(200)),
  timezone: v.pipe(v.string(), v.check(isTimeZone, "must be an IANA time zone such as Europe/Amsterdam")),
  segments: v.pipe(
    v.array(v.pipe(v.string(), v.regex(PROPERTY_KEY_PATTERN, "must be snake_case property keys"))),
    v.maxLength(20, "may list at most 20 keys"),
    v.check((keys) => new Set(keys).size === keys.length, "must not repeat a key"),
  ),
  public: v.boolean("must be true or false"),
  min_public_n: v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(10_000)),
  target: nullable(v.strictObject({ value: v.pipe(v.number(), v.finite()), by: isoDay })),
  benchmark: nullable(v.strictObject({ value: v.pipe(v.number(), v.finite()), label: freeText(100) })),
  follow_up: perLocale(500),
  follow_ups: v.strictObject({ low: v.optional(perLocale(500)), middle: v.optional(perLocale(500)), high: v.optional(perLocale(500)) }),
  retain_days: nullable(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(30, "must be at least 30"), v.maxValue(3650, "must be at most 3650"))),
  email: v.strictObject({
    sender_name: nullable(freeText(100)),
    reply_to: nullable(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email("must be an email address"))),
    // Subjects are one line; `{{name}}` is the only merge field, so callers never send arbitrary text.
    subject: v.optional(v.record(v.picklist(LOCALES, `keys must be one of ${LOCALES.join(", ")}`), v.pipe(freeText(150), v.check((t) => !/[\r\n]/.test(t), "must be one line")))),
    intro: v.optional(v.record(v.picklist(LOCALES, `keys must be one of ${LOCALES.join(", ")}`), freeText(500))),
  }),
  recurrence: nullable(
    v.strictObject({
      every_days: v.pipe(v.number(), v.integer("must be an integer"), v.minValue(7, "must be at least 7"), v.maxValue(730, "must be at most 730")),
      window: nullable(
        v.pipe(
          v.strictObject({
            weekdays: v.pipe(
              v.array(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be 1 (Monday) to 7 (Sunday)"), v.maxValue(7, "must be 1 (Monday) to 7 (Sunday)"))),
              v.minLength(1, "must list at least one day"),
              v.check((days) => new Set(days).size === days.length, "must not repeat a day"),
            ),
            from_hour: v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0), v.maxValue(23)),
            to_hour: v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1), v.maxValue(24)),
          }),
          v.check((w) => w.from_hour < w.to_hour, "from_hour must be before to_hour"),
        ),
      ),
    }),
  ),
  reminder_after_days: nullable(v.pipe(v.number(), v.integer("must be an integer"), v.minValue(1, "must be at least 1"), v.maxValue(30, "must be at most 30"))),
  // A variant value as answers carry it (functions/surveys/properties.ts: text of at most 100).
  control_variant: nullable(freeText(100)),
  brand: v.strictObject({
    name: nullable(freeText(BRAND_NAME_MAX)),
    logo_url: nullable(v.pipe(v.string(), v.trim(), v.maxLength(LOGO_URL_MAX, `must be at most ${LOGO_URL_MAX} characters`), v.check(isLogoUrl, "must be an https URL"))),
    accent: nullable(v.pipe(v.string(), v.trim(), v.regex(HEX_COLOUR, "must be a colour written #rrggbb"), v.toLowerCase())),
  }),
};

/** The body of POST /api/v1/surveys; parseNewSurvey adds the checks across fields and the defaults. */
export const NewSurveyBody = v.strictObject({
  id: v.pipe(v.string(), v.regex(SURVEY_ID_PATTERN, "must be a URL slug: lowercase letters, digits and dashes, at most 64")),
  metric: v.picklist(METRICS, `must be one of ${METRICS.join(", ")}`),
  scale: v.optional(v.strictObject({ min: v.pipe(v.number(), v.integer()), max: v.pipe(v.number(), v.integer()) })),
  ...mapOptional(editable),
});

/** The body of PATCH /api/v1/surveys/{id}; applySurveyPatch refuses immutable fields first. */
export const SurveyPatchBody = v.strictObject({ ...mapOptional(editable), archived: v.optional(v.boolean("must be true or false")) });

type CreateInput = v.InferOutput<typeof NewSurveyBody>;
type PatchInput = v.InferOutput<typeof SurveyPatchBody>;

const IMMUTABLE = ["id", "metric", "scale"] as const;

/** Validates a create request and fills every default; throws a 400 naming the first bad field. */
export function parseNewSurvey(body: unknown): Survey {
  const input: CreateInput = parseOrThrow(NewSurveyBody, body);
  const metric = input.metric;
  const scale = input.scale ?? SCALES[metric][0]!;
  if (!isAllowedScale(metric, scale)) {
    const allowed = SCALES[metric].map((s) => `${s.min}–${s.max}`).join(", ");
    throw badRequest("invalid_field", `scale: ${metric} surveys use ${allowed}.`, "scale");
  }
  const survey: Survey = {
    id: input.id,
    name: input.name ?? missing("name"),
    metric,
    scale,
    satisfied_min: input.satisfied_min ?? defaultSatisfiedMin(metric, scale),
    headline: input.headline ?? DEFAULT_HEADLINE[metric],
    question: input.question ?? {},
    locale: input.locale ?? DEFAULT_LOCALE,
    touchpoint: input.touchpoint ?? null,
    attribute: input.attribute ?? null,
    timezone: input.timezone ?? "UTC",
    segments: input.segments ?? [],
    public: input.public ?? false,
    min_public_n: input.min_public_n ?? 10,
    target: input.target ?? null,
    benchmark: input.benchmark ?? null,
    follow_up: input.follow_up ?? {},
    follow_ups: input.follow_ups ?? {},
    retain_days: input.retain_days ?? null,
    email: { ...DEFAULT_SURVEY_EMAIL, ...input.email },
    recurrence: input.recurrence ? { every_days: input.recurrence.every_days, window: input.recurrence.window ?? null } : null,
    reminder_after_days: input.reminder_after_days ?? null,
    control_variant: input.control_variant ?? null,
    brand: mergeBrand(NO_BRAND, input.brand),
    archived: false,
  };
  checkConsistency(survey);
  return survey;
}

/** Applies a partial update to a stored survey; id, metric and scale never change once created. */
export function applySurveyPatch(current: Survey, body: unknown): Survey {
  if (typeof body === "object" && body !== null) {
    const immutable = IMMUTABLE.find((key) => key in body);
    if (immutable) throw badRequest("immutable_field", `${immutable} cannot be changed after a survey is created.`, immutable);
  }
  const patch: PatchInput = parseOrThrow(SurveyPatchBody, body);
  const next: Survey = { ...current };
  for (const [key, value] of Object.entries(patch) as [keyof PatchInput, unknown][]) {
    if (value !== undefined) Object.assign(next, { [key]: value });
  }
  // The email texts are merged field by field, so changing the subject keeps the sender.
  if (patch.email) next.email = { ...current.email, ...patch.email };
  // The brand too: a new accent keeps the name; null clears a field.
  if (patch.brand) next.brand = mergeBrand(current.brand ?? NO_BRAND, patch.brand);
  if (patch.recurrence) next.recurrence = { every_days: patch.recurrence.every_days, window: patch.recurrence.window ?? null };
  checkConsistency(next);
  return next;
}

function mergeBrand(current: Brand, given: { [K in keyof Brand]?: Brand[K] | undefined } | undefined): Brand {
  return {
    name: given?.name === undefined ? current.name : given.name,
    logo_url: given?.logo_url === undefined ? current.logo_url : given.logo_url,
    accent: given?.accent === undefined ? current.accent : given.accent,
  };
}

function checkConsistency(survey: Survey): void {
  const { metric, scale } = survey;
  if (survey.satisfied_min < scale.min || survey.satisfied_min > scale.max) {
    throw badRequest("invalid_field", `satisfied_min: must lie within the scale ${scale.min}–${scale.max}.`, "satisfied_min");
  }
  if (metric === "nps" && survey.satisfied_min !== 9) {
    throw badRequest("invalid_field", "satisfied_min: NPS promoters are always 9–10.", "satisfied_min");
  }
  if (metric === "rating" && !survey.attribute) {
    throw badRequest("invalid_field", "attribute: a rating survey names what it rates, e.g. \"delivery speed\".", "attribute");
  }
  if (survey.target) {
    const [lo, hi] = headlineRange(survey);
    if (survey.target.value < lo || survey.target.value > hi) {
      throw badRequest("invalid_field", `target.value: must lie within ${lo}–${hi} for this headline.`, "target.value");
    }
  }
  if (survey.benchmark) {
    const [lo, hi] = headlineRange(survey);
    if (survey.benchmark.value < lo || survey.benchmark.value > hi) {
      throw badRequest("invalid_field", `benchmark.value: must lie within ${lo}–${hi} for this headline.`, "benchmark.value");
    }
  }
  const collision = survey.segments.find((key) => (BUILT_IN_DIMENSIONS as readonly string[]).includes(key));
  if (collision) {
    throw badRequest("invalid_field", `segments: "${collision}" is always kept; list only custom property keys.`, "segments");
  }
}

/** The range a target or benchmark lives in: NPS −100..100, a percentage 0..100, or the scale for means. */
export function headlineRange(survey: Pick<Survey, "metric" | "headline" | "scale">): [number, number] {
  if (survey.metric === "nps") return [-100, 100];
  if (survey.headline === "percent") return [0, 100];
  return [survey.scale.min, survey.scale.max];
}

export function isTimeZone(value: string): boolean {
  if (value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function missing(field: string): never {
  throw badRequest("invalid_field", `${field}: is required.`, field);
}

function mapOptional<T extends Record<string, v.GenericSchema>>(shape: T): { [K in keyof T]: v.OptionalSchema<T[K], undefined> } {
  return Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, v.optional(s)])) as { [K in keyof T]: v.OptionalSchema<T[K], undefined> };
}
