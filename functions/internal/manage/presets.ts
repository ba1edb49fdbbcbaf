import type { Metric } from "../../scoring/metrics";

/** The starting points of the create form: each fills the form's fields, and the person edits from there. */
export interface SurveyPreset {
  key: string;
  label: string;
  fields: {
    name: string;
    metric: Metric;
    scale: string;
    headline: "percent" | "mean";
    touchpoint: string;
    attribute: string;
    question: string;
    recurrence_days: string;
    /** Custom property keys, comma-separated: what the help desk's template links carry (docs/template-links.md). */
    segments: string;
  };
}

export const PRESETS: readonly SurveyPreset[] = [
  {
    key: "csat-support",
    label: "CSAT 1–5 after support",
    fields: { name: "Support satisfaction", metric: "csat", scale: "1-5", headline: "percent", touchpoint: "support", attribute: "", question: "How satisfied were you with our support?", recurrence_days: "", segments: "ticket_id, agent, team" },
  },
  {
    key: "csat-10-mean",
    label: "CSAT 1–10 (mean, Dutch style)",
    fields: { name: "Satisfaction (1–10)", metric: "csat", scale: "1-10", headline: "mean", touchpoint: "", attribute: "", question: "What grade would you give us?", recurrence_days: "", segments: "" },
  },
  {
    key: "nps-6-months",
    label: "NPS every 6 months",
    fields: { name: "Net Promoter Score", metric: "nps", scale: "0-10", headline: "percent", touchpoint: "relationship", attribute: "", question: "How likely are you to recommend us to a friend or colleague?", recurrence_days: "182", segments: "" },
  },
  {
    key: "ces-onboarding",
    label: "CES 1–7 after onboarding",
    fields: { name: "Onboarding effort", metric: "ces", scale: "1-7", headline: "mean", touchpoint: "onboarding", attribute: "", question: "How easy was it to get started?", recurrence_days: "", segments: "" },
  },
  {
    key: "rating-attribute",
    label: "Rating of one attribute",
    fields: { name: "Delivery speed rating", metric: "rating", scale: "1-5", headline: "percent", touchpoint: "", attribute: "delivery speed", question: "How would you rate our delivery speed?", recurrence_days: "", segments: "" },
  },
  {
    key: "intent-buy-again",
    label: "Intent to buy again",
    fields: { name: "Intent to buy again", metric: "intent", scale: "1-5", headline: "percent", touchpoint: "purchase", attribute: "", question: "How likely are you to buy from us again?", recurrence_days: "", segments: "" },
  },
];

export const presetByKey = (key: string | null): SurveyPreset | undefined => PRESETS.find((preset) => preset.key === key);
