/**
 * The metric definitions: which scales each metric may use, and what counts as a "good" answer
 * (satisfied, promoter, low effort, likely) by default. Every other module reads them from here.
 */
export const METRICS = ["csat", "nps", "ces", "rating", "intent"] as const;
export type Metric = (typeof METRICS)[number];

export interface Scale {
  min: number;
  max: number;
}

/** Allowed scales per metric; the first is the default. */
export const SCALES: Record<Metric, readonly Scale[]> = {
  csat: [{ min: 1, max: 5 }, { min: 1, max: 7 }, { min: 1, max: 10 }],
  rating: [{ min: 1, max: 5 }, { min: 1, max: 7 }, { min: 1, max: 10 }],
  nps: [{ min: 0, max: 10 }],
  ces: [{ min: 1, max: 7 }, { min: 1, max: 5 }],
  intent: [{ min: 1, max: 5 }],
};

/** What a survey's headline number is: the share of satisfied answers, or the mean score. */
export const HEADLINES = ["percent", "mean"] as const;
export type Headline = (typeof HEADLINES)[number];

/** CES is read as a mean effort score; the others lead with a percentage. */
export const DEFAULT_HEADLINE: Record<Metric, Headline> = {
  csat: "percent",
  rating: "percent",
  nps: "percent",
  ces: "mean",
  intent: "percent",
};

export function isMetric(value: unknown): value is Metric {
  return typeof value === "string" && (METRICS as readonly string[]).includes(value);
}

export function isAllowedScale(metric: Metric, scale: Scale): boolean {
  return SCALES[metric].some((s) => s.min === scale.min && s.max === scale.max);
}

/**
 * The lowest score counted as a good answer: top-2-box for satisfaction and intent (4–5 on 1–5),
 * promoters 9–10 for NPS, top-3-box for effort on 1–7 (5–7) and top-2-box on 1–5.
 */
export function defaultSatisfiedMin(metric: Metric, scale: Scale): number {
  if (metric === "nps") return 9;
  if (metric === "ces" && scale.max === 7) return 5;
  return scale.max - 1;
}
