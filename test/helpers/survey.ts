import { SCALES, defaultSatisfiedMin, type Metric } from "../../functions/scoring/metrics";
import type { Survey } from "../../functions/surveys/survey-input";

/** A survey as the API stores it, with the defaults a new one gets, for tests of the pure renderers. */
export function surveyOf(metric: Metric, overrides: Partial<Survey> = {}): Survey {
  const scale = overrides.scale ?? SCALES[metric][0]!;
  return {
    id: "support",
    name: "Support desk",
    metric,
    scale,
    satisfied_min: defaultSatisfiedMin(metric, scale),
    headline: "percent",
    question: {},
    locale: "en",
    touchpoint: null,
    attribute: null,
    timezone: "UTC",
    segments: [],
    public: false,
    min_public_n: 10,
    target: null,
    benchmark: null,
    follow_up: {},
    follow_ups: {},
    email: { sender_name: null, reply_to: null, subject: {}, intro: {} },
    recurrence: null,
    reminder_after_days: null,
    archived: false,
    ...overrides,
  };
}
