import { isoTime } from "../http/time";
import type { Status } from "../storage/responses";
import type { SuppressionSource } from "../storage/suppressions";
import type { DeliveryEvent, ResponseSnapshot, ResponseState, SurveyFacts, WebhookFormat } from "../storage/webhooks";
import type { HeadlineUnit } from "../scoring/summary";
import type { ResponseEvent } from "./events";

/**
 * The bodies a webhook endpoint receives: the Standard Webhooks envelope `{ type, timestamp, data }`,
 * or for `format: "slack"` a Slack message `{ text }` (Delighted's shape: ./delighted-events.ts). Pure;
 * the exact string is stored with the delivery, so every retry sends (and signs) the same bytes.
 */

/** The formats written here. */
export type EnvelopeFormat = Exclude<WebhookFormat, "delighted">;

/** What the weekly drop check reports (functions/scoring/drop.ts decides it; docs/rollups-and-metrics.md). */
export interface MetricDrop {
  /** The completed ISO week whose test raised the alert, local days of the survey, both ends included. */
  from: string;
  to: string;
  unit: HeadlineUnit;
  /** Page's CUSUM of the log-likelihood ratio for a drop of `size`. */
  method: "cusum";
  /** What was compared: the weeks since the drop most likely began, against the weeks before them. */
  latest: { from: string; to: string; value: number; n: number };
  baseline: { from: string; to: string; value: number; n: number };
  /** latest − baseline, in `unit` points, and its 95% interval. */
  delta: number;
  ci: [number, number];
  /** The sum at the tested week, the threshold it crossed, and the drop it is tuned to. */
  statistic: number;
  threshold: number;
  size: number;
  /** The alert in words. */
  reason: string;
}

/** The longest comment a Slack message quotes; the whole comment is in the standard payload. */
export const SLACK_EXCERPT_CHARS = 280;

const surveyOf = (s: SurveyFacts) => ({ id: s.id, name: s.name, metric: s.metric, scale: s.scale });

export function envelope(type: DeliveryEvent, at: number, data: object): string {
  return JSON.stringify({ type, timestamp: isoTime(at), data });
}

export function responseBody(
  format: EnvelopeFormat,
  event: ResponseEvent,
  survey: SurveyFacts,
  response: ResponseSnapshot,
  previous: ResponseState | null,
  at: number,
): string {
  if (format === "slack") return JSON.stringify({ text: responseSlackText(event, survey, response) });
  const { created_at, updated_at, ...rest } = response;
  return envelope(event, at, {
    survey: surveyOf(survey),
    response: { ...rest, survey: survey.id, created_at: isoTime(created_at), updated_at: isoTime(updated_at) },
    ...(event === "response.updated" && previous ? { previous } : {}),
  });
}

export function dropBody(format: EnvelopeFormat, survey: SurveyFacts, drop: MetricDrop, at: number): string {
  if (format === "slack") return JSON.stringify({ text: dropSlackText(survey, drop) });
  return envelope("metric.drop", at, { survey: surveyOf(survey), ...drop });
}

/** An address put on the unsubscribe list, with whoever Tapscore knows by it. */
export interface Unsubscribed {
  /** Lower-cased, as the list keeps it. */
  email: string;
  /** The person's recipient id; null when no person has the address. */
  recipient: string | null;
  /** The survey whose message or key it came through; null when none (Tapscore's API). */
  survey: SurveyFacts | null;
  /** link: the person's unsubscribe link; api: a team's call, through either API. */
  source: SuppressionSource;
}

export function unsubscribeBody(format: EnvelopeFormat, unsubscribed: Unsubscribed, at: number): string {
  if (format === "slack") return JSON.stringify({ text: unsubscribeSlackText(unsubscribed) });
  const { survey, ...rest } = unsubscribed;
  return envelope("unsubscribe.created", at, { ...rest, survey: survey ? surveyOf(survey) : null });
}

/** Slack mrkdwn treats only these three as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function excerpt(text: string, max: number): string {
  const chars = [...text.trim()];
  return chars.length <= max ? chars.join("") : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

const STATUS_WORDS: Record<Status, string> = { counted: "counted", suspected: "suspected (not counted)", excluded: "excluded" };

function responseSlackText(event: ResponseEvent, survey: SurveyFacts, response: ResponseSnapshot): string {
  const score = `*${response.score}* (${survey.scale.min}–${survey.scale.max})`;
  const where = `*${escapeSlack(survey.name)}* from ${escapeSlack(response.recipient)}`;
  const head =
    event === "response.low_score"
      ? `:warning: Low score ${score} on ${where}`
      : event === "response.created"
        ? `New response ${score} on ${where}`
        : `Response changed: ${score}, ${STATUS_WORDS[response.status]}, on ${where}`;
  if (!response.comment) return head;
  const quoted = escapeSlack(excerpt(response.comment, SLACK_EXCERPT_CHARS))
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join("\n");
  return `${head}\n${quoted}`;
}

function unsubscribeSlackText({ email, survey }: Unsubscribed): string {
  const where = survey ? ` from *${escapeSlack(survey.name)}*` : "";
  return `:no_bell: ${escapeSlack(email)} unsubscribed${where}: Tapscore sends them no more survey emails.`;
}

function dropSlackText(survey: SurveyFacts, drop: MetricDrop): string {
  return `:chart_with_downwards_trend: *${escapeSlack(survey.name)}* dropped in the week ${drop.from} – ${drop.to}. ${escapeSlack(drop.reason)}`;
}
