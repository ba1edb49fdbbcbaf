import { isoTime } from "../http/time";
import type { Status } from "../storage/responses";
import type { ResponseSnapshot, ResponseState, SurveyFacts, WebhookEvent, WebhookFormat } from "../storage/webhooks";
import type { HeadlineUnit } from "../scoring/summary";
import type { ResponseEvent } from "./events";

/**
 * The bodies a webhook endpoint receives: the Standard Webhooks envelope `{ type, timestamp, data }`,
 * or for `format: "slack"` a Slack message `{ text }`. Pure; the exact string is stored with the
 * delivery, so every retry sends (and signs) the same bytes.
 */



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

function envelope(type: WebhookEvent, at: number, data: object): string {
  return JSON.stringify({ type, timestamp: isoTime(at), data });
}

export function responseBody(
  format: WebhookFormat,
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

export function dropBody(format: WebhookFormat, survey: SurveyFacts, drop: MetricDrop, at: number): string {
  if (format === "slack") return JSON.stringify({ text: dropSlackText(survey, drop) });
  return envelope("metric.drop", at, { survey: surveyOf(survey), ...drop });
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

function dropSlackText(survey: SurveyFacts, drop: MetricDrop): string {
  return `:chart_with_downwards_trend: *${escapeSlack(survey.name)}* dropped in the week ${drop.from} – ${drop.to}. ${escapeSlack(drop.reason)}`;
}
