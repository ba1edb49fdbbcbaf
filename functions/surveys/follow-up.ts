import type { Locale } from "../i18n/locales";
import { DEFAULT_FOLLOW_UPS } from "../i18n/survey-defaults";
import type { Metric, Scale } from "../scoring/metrics";

/**
 * How a score feels to the person who chose it, for the question that follows it: a 5 of 5 is not
 * asked "what could we do better?". high: good (at or above satisfied_min; NPS promoters); middle: the
 * band just below good (NPS passives, 7–8; on other scales as many points as NPS's passives are of
 * its scale, at least one: a 3 of 1–5, 7–8 of 1–10); low: the rest. Pure.
 */
export const SENTIMENTS = ["low", "middle", "high"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export function sentimentOf(survey: { metric: Metric; scale: Scale; satisfied_min: number }, score: number): Sentiment {
  if (score >= survey.satisfied_min) return "high";
  const points = survey.scale.max - survey.scale.min + 1;
  const middle = survey.metric === "nps" ? 2 : Math.max(1, Math.round((2 * points) / 11));
  return score >= survey.satisfied_min - middle ? "middle" : "low";
}

type PerLocale = Partial<Record<Locale, string>>;

/** The parts of a survey that word the question after a score. */
export interface FollowUpSource {
  metric: Metric;
  scale: Scale;
  satisfied_min: number;
  locale: Locale;
  /** One follow-up for every score, as surveys had before these by sentiment. */
  follow_up: PerLocale;
  follow_ups?: Partial<Record<Sentiment, PerLocale>>;
}

/**
 * The question after `score`, in `locale`: the survey's own for the score's sentiment, else its one
 * follow-up for every score, each in that language or else the survey's; else our default for the
 * sentiment. Plain text; callers escape it.
 */
export function followUpQuestion(survey: FollowUpSource, score: number, locale: Locale): string {
  const sentiment = sentimentOf(survey, score);
  const own = survey.follow_ups?.[sentiment];
  return own?.[locale] ?? own?.[survey.locale] ?? survey.follow_up[locale] ?? survey.follow_up[survey.locale] ?? DEFAULT_FOLLOW_UPS[sentiment][locale];
}
