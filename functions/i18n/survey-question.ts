import type { Metric } from "../scoring/metrics";
import { format } from "./format";
import type { Locale } from "./locales";
import { DEFAULT_QUESTIONS } from "./survey-defaults";

/** The parts of a survey that word its question. */
interface QuestionSource {
  metric: Metric;
  question: Partial<Record<Locale, string>>;
  locale: Locale;
  attribute: string | null;
}

/**
 * The question to show in `locale`: the survey's own wording in that language, else in the
 * survey's language (its author wrote nothing better), else our default for the metric.
 * `{attribute}` is filled in every case so custom questions may use it too. Returns plain text;
 * callers escape it for HTML.
 */
export function surveyQuestion(survey: QuestionSource, locale: Locale): string {
  const own = survey.question[locale] ?? survey.question[survey.locale];
  if (own !== undefined) return format(own, { attribute: survey.attribute ?? "" }, locale);
  // Our defaults may open with the attribute: a sentence starts with a capital.
  const filled = format(DEFAULT_QUESTIONS[survey.metric][locale], { attribute: survey.attribute ?? "" }, locale);
  return filled.charAt(0).toLocaleUpperCase(locale) + filled.slice(1);
}
