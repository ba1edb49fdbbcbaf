import type { Survey } from "../surveys/survey-input";
import { format } from "./format";
import type { Locale } from "./locales";
import { DEFAULT_QUESTIONS } from "./survey-defaults";

type QuestionSource = Pick<Survey, "metric" | "question" | "locale" | "attribute">;

/**
 * The question to show in `locale`: the survey's own wording in that language, else in the
 * survey's language (its author wrote nothing better), else our default for the metric.
 * `{attribute}` is filled in every case so custom questions may use it too. Returns plain text;
 * callers escape it for HTML.
 */
export function surveyQuestion(survey: QuestionSource, locale: Locale): string {
  const template = survey.question[locale] ?? survey.question[survey.locale] ?? DEFAULT_QUESTIONS[survey.metric][locale];
  return format(template, { attribute: survey.attribute ?? "" }, locale);
}
