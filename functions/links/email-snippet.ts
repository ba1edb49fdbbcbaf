/**
 * The paste-ready rating block for an email: HTML and plain text, one link per score.
 *
 * Email HTML is its own dialect. What this block relies on, and why:
 * - Nested tables with `role="presentation"`, `cellpadding`/`cellspacing`/`border` attributes and
 *   `bgcolor` next to inline `background-color`: the Word engine of Outlook for Windows ignores
 *   flexbox, most padding on links and background colours on `<a>`; it does honour table cells.
 * - Inline styles only: Gmail drops `<style>` in many contexts and a pasted fragment has no `<head>`.
 * - Dark mode cannot be targeted from a fragment (no `color-scheme` meta; `prefers-color-scheme`
 *   is ignored by Gmail and Outlook), and clients invert colours as they please. So the question and
 *   labels set no colour and inherit the client's text colour, which it already adapts to the mode,
 *   and buttons are a mid-tone solid blue (#1a56db) with white bold text (6.2:1), whose shape
 *   stands out on white (6.2:1) and on near-black (3:1 on #121212) backgrounds alike.
 * - One colour for every score, never red-to-green: coloured anchors nudge answers.
 * - Buttons are at least 44×44 px (WCAG 2.5.5 / Apple HIG tap size). An NPS row is then ~530 px,
 *   wider than a phone; mobile clients shrink the message to fit, which is better than wrapping
 *   the scale onto two rows where the order stops being obvious.
 * - Every link carries `aria-label` and `title` with "score out of max: label", so a screen reader
 *   or a hover says what a tap means; the visible label under a number is then `aria-hidden`.
 */
import { formatNumber } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { format, messages } from "../i18n/respondent-messages";
import { endLabels, isWordedScale, scaleLabels, type ScorePoint } from "../i18n/scale-labels";
import { surveyQuestion } from "../i18n/survey-question";
import type { Survey } from "../surveys/survey-input";
import { escapeHtml } from "../http/html";

export interface EmailSnippetInput {
  survey: Pick<Survey, "metric" | "scale" | "question" | "locale" | "attribute">;
  locale: Locale;
  /** The full link for every score of the survey's scale. */
  links: Readonly<Record<number, string>>;
}

export interface EmailSnippet {
  html: string;
  text: string;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const BUTTON_BACKGROUND = "#1a56db";
const BUTTON_TEXT = "#ffffff";
const GAP = 4;
const NUMBER_WIDTH = 44;
/** Wide enough for a two-line label such as "Somewhat dissatisfied" at 12 px. */
const WORDED_WIDTH = 72;
const BUTTON_HEIGHT = 44;

interface Choice {
  score: number;
  number: string;
  label: string | null;
  accessibleName: string;
  url: string;
}

export function emailSnippet({ survey, locale, links }: EmailSnippetInput): EmailSnippet {
  const question = surveyQuestion(survey, locale);
  const text = messages(locale);
  const max = formatNumber(survey.scale.max, locale);
  const choices = scaleLabels(survey.metric, survey.scale, locale).map(({ score, label }: ScorePoint): Choice => {
    const number = formatNumber(score, locale);
    const accessibleName = label
      ? format(text.scoreOutOfWithLabel, { score: number, max, label })
      : format(text.scoreOutOf, { score: number, max });
    return { score, number, label, accessibleName, url: linkFor(links, score) };
  });
  const worded = isWordedScale(survey.metric, survey.scale);
  const labelRow = worded ? wordedLabelRow(choices) : endLabelRow(choices.length, endLabels(survey.metric, survey.scale, locale));
  return {
    html: renderHtml(question, locale, choices, worded ? WORDED_WIDTH : NUMBER_WIDTH, labelRow),
    text: renderText(question, choices),
  };
}

function linkFor(links: Readonly<Record<number, string>>, score: number): string {
  const url = links[score];
  if (typeof url !== "string" || !/^https?:\/\/\S+$/i.test(url)) {
    throw new TypeError(`The email snippet needs an absolute http(s) link for score ${score}.`);
  }
  return url;
}

function renderHtml(question: string, locale: Locale, choices: Choice[], cellWidth: number, labelRow: string): string {
  return (
    `<table role="presentation" lang="${locale}" dir="ltr" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">` +
    `<tr><td style="padding:0 ${GAP}px 12px ${GAP}px;font-family:${FONT};font-size:18px;line-height:24px;font-weight:bold;">${escapeHtml(question)}</td></tr>` +
    `<tr><td>` +
    `<table role="presentation" cellpadding="0" cellspacing="${GAP}" border="0" style="border-collapse:separate;">` +
    `<tr>${choices.map((choice) => button(choice, cellWidth)).join("")}</tr>` +
    labelRow +
    `</table>` +
    `</td></tr>` +
    `</table>`
  );
}

function button(choice: Choice, width: number): string {
  const name = escapeHtml(choice.accessibleName);
  const size = `width:${width}px;height:${BUTTON_HEIGHT}px;`;
  return (
    `<td align="center" valign="middle" bgcolor="${BUTTON_BACKGROUND}" width="${width}" height="${BUTTON_HEIGHT}" style="${size}background-color:${BUTTON_BACKGROUND};border-radius:6px;">` +
    `<a href="${escapeHtml(choice.url)}" aria-label="${name}" title="${name}" style="display:block;${size}line-height:${BUTTON_HEIGHT}px;mso-line-height-rule:exactly;font-family:${FONT};font-size:18px;font-weight:bold;color:${BUTTON_TEXT};text-decoration:none;text-align:center;">` +
    `${escapeHtml(choice.number)}</a></td>`
  );
}

const LABEL_STYLE = `font-family:${FONT};font-size:12px;line-height:15px;`;

function wordedLabelRow(choices: Choice[]): string {
  const cells = choices.map(
    ({ label }) =>
      `<td align="center" valign="top" width="${WORDED_WIDTH}" aria-hidden="true" style="width:${WORDED_WIDTH}px;${LABEL_STYLE}">${escapeHtml(label ?? "")}</td>`,
  );
  return `<tr>${cells.join("")}</tr>`;
}

function endLabelRow(columns: number, { low, high }: { low: string; high: string }): string {
  return (
    `<tr><td colspan="${columns}" aria-hidden="true">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;"><tr>` +
    `<td align="left" valign="top" style="${LABEL_STYLE}">${escapeHtml(low)}</td>` +
    `<td align="right" valign="top" style="${LABEL_STYLE}">${escapeHtml(high)}</td>` +
    `</tr></table></td></tr>`
  );
}

/** "question", blank line, then "5 – Very satisfied: url" per score (end labels only at the ends). */
function renderText(question: string, choices: Choice[]): string {
  const lines = choices.map(({ number, label, url }) => `${number}${label ? ` – ${label}` : ""}: ${url}`);
  return `${question}\n\n${lines.join("\n")}\n`;
}
