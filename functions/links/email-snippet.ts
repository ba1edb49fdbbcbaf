/**
 * The paste-ready rating block for an email: HTML and plain text, one link per score.
 *
 * Email HTML is its own dialect. What this block relies on, and why:
 * - Nested tables with `role="presentation"`, `cellpadding`/`cellspacing`/`border` attributes and
 *   `bgcolor` next to inline `background-color`: the Word engine of Outlook for Windows ignores
 *   flexbox, most padding on links and background colours on `<a>`; it does honour table cells.
 * - Inline styles only: Gmail drops `<style>` in many contexts and a pasted fragment has no `<head>`,
 *   so no media query can adapt the block to a phone. It must fit by itself.
 * - It fits a 320 px screen for every scale. The block is `width:100%` up to a `max-width`, and no
 *   cell has a width in pixels: cells share the row in percent (`table-layout:fixed`, so a number
 *   never pushes its column wider). Outlook for Windows ignores max-width, so a table only it reads
 *   (a conditional comment) holds the block at that width there. Mobile clients no longer have to
 *   shrink the whole message, which made an 11-button row of 44 px tiny and hard to hit.
 * - Scales named only at their ends (NPS 0–10, 1–10) stay one row, since wrapping them onto two
 *   rows hides the order. Cells are 2 px apart there, so at 320 px, less our margins and a mail
 *   app's, each button keeps about 24 px of width (WCAG 2.5.8's minimum target) and 44 px of height;
 *   wider screens grow them to 44 px. The end words sit under the ends, left and right: the two ends
 *   differ by words, not only by position.
 * - Fully worded scales (5 and 7 points) are a column of full-width buttons, number and words in
 *   each, lowest first: "Somewhat dissatisfied" or "Bardzo niezadowolony" cannot sit under a 40 px
 *   button at 320 px, and respondents read the words more than the numbers on these scales.
 * - Dark mode cannot be targeted from a fragment (no `color-scheme` meta; `prefers-color-scheme`
 *   is ignored by Gmail and Outlook), and clients invert colours as they please. So the question and
 *   labels set no colour and inherit the client's text colour, which it already adapts to the mode,
 *   and buttons are a mid-tone solid blue (#1a56db) with white bold text (6.2:1), whose shape
 *   stands out on white (6.2:1) and on near-black (3:1 on #121212) backgrounds alike.
 * - A brand's accent (functions/surveys/brand.ts) takes the blue's place, adjusted as needed so that
 *   its shape keeps 3:1 on white and on #121212 and the text on it (white or near-black) 4.5:1. The
 *   brand's name opens the block in words ("Acme would like your feedback"), inheriting the text colour.
 * - One colour for every score, never red-to-green: coloured anchors nudge answers.
 * - Every link carries a `title` with "score out of max: label", so a hover says what a tap means. A
 *   number alone is also named so (`aria-label`) for screen readers, and the visible end labels are
 *   then `aria-hidden`; a worded button's visible number and words are its name (WCAG 2.5.3).
 */
import { formatNumber } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { format, messages } from "../i18n/respondent-messages";
import { endLabels, isWordedScale, scaleLabels, type ScorePoint } from "../i18n/scale-labels";
import { surveyQuestion } from "../i18n/survey-question";
import type { Survey } from "../surveys/survey-input";
import { EMAIL_BACKGROUNDS, adaptAccent, type AccentColours, type Brand } from "../surveys/brand";
import { escapeHtml } from "../http/html";

export interface EmailSnippetInput {
  survey: Pick<Survey, "metric" | "scale" | "question" | "locale" | "attribute">;
  locale: Locale;
  /** The full link for every score of the survey's scale. */
  links: Readonly<Record<number, string>>;
  /** Who asks: the survey's brand over the installation's; null or absent: Tapscore's blue, no name. */
  brand?: Brand | null;
}

export interface EmailSnippet {
  html: string;
  text: string;
}

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const BUTTON_BACKGROUND = "#1a56db";
const BUTTON_TEXT = "#ffffff";
const BUTTON_HEIGHT = 44;
/** A row button's width on a wide screen; the row never asks for more. */
const ROW_BUTTON_MAX = 44;
/** Between row buttons: 2 px keeps an 11-button row at about 24 px per button on a 320 px screen. */
const ROW_GAP = 2;
/** Between stacked buttons, and their widest: a column of words needs no more on a desktop. */
const STACK_GAP = 4;
const STACK_MAX = 360;

interface Choice {
  score: number;
  number: string;
  label: string | null;
  accessibleName: string;
  url: string;
}

export function emailSnippet({ survey, locale, links, brand }: EmailSnippetInput): EmailSnippet {
  const question = surveyQuestion(survey, locale);
  const text = messages(locale);
  const colours: AccentColours = brand?.accent ? adaptAccent(brand.accent, EMAIL_BACKGROUNDS) : { accent: BUTTON_BACKGROUND, text: BUTTON_TEXT };
  const asks = brand?.name ? format(text.brandAsks, { name: brand.name }, locale) : null;
  const max = formatNumber(survey.scale.max, locale);
  const choices = scaleLabels(survey.metric, survey.scale, locale).map(({ score, label }: ScorePoint): Choice => {
    const number = formatNumber(score, locale);
    const accessibleName = label
      ? format(text.scoreOutOfWithLabel, { score: number, max, label })
      : format(text.scoreOutOf, { score: number, max });
    return { score, number, label, accessibleName, url: linkFor(links, score) };
  });
  const html = isWordedScale(survey.metric, survey.scale)
    ? renderHtml(asks, question, locale, STACK_MAX, STACK_GAP, stack(choices, colours))
    : renderHtml(asks, question, locale, choices.length * ROW_BUTTON_MAX + (choices.length + 1) * ROW_GAP, ROW_GAP, row(choices, endLabels(survey.metric, survey.scale, locale), colours));
  return { html: html + honeypotLink(choices[0]?.url ?? ""), text: renderText(asks, question, choices) };
}

/**
 * After the block, one link no person can see, focus or hear; scanners follow every href, so its
 * fetch marks them (functions/respondent/honeypot.ts; the path is its HONEYPOT_SUFFIX). Only on an
 * invitation's own links (/r/{token}/{score}): a template link has no invitation to mark yet.
 * - No text and no size: where a client drops `display:none` (some webmail and Android apps strip
 *   unknown styles), a zero-size, zero-font empty anchor still shows nothing and offers nothing to tap.
 * - Gmail keeps inline `display:none`; the Word engine of Outlook for Windows ignores it on inline
 *   elements but honours `mso-hide:all`.
 * - `aria-hidden` and `tabindex="-1"`: out of the accessibility tree and the tab order even where a
 *   client keeps it displayed (display:none alone already makes it unfocusable and silent).
 * Not in the plain-text part, where every URL is visible.
 */
function honeypotLink(scoreUrl: string): string {
  const invitation = /^(https?:\/\/[^/?#\s]+\/r\/[A-Za-z0-9_-]+)\/\d{1,2}$/.exec(scoreUrl);
  if (!invitation) return "";
  const style = "display:none;mso-hide:all;width:0;height:0;max-width:0;max-height:0;overflow:hidden;font-size:0;line-height:0;opacity:0;color:transparent;text-decoration:none;";
  return `<a href="${escapeHtml(`${invitation[1]}/more/info`)}" aria-hidden="true" tabindex="-1" style="${style}"></a>`;
}

function linkFor(links: Readonly<Record<number, string>>, score: number): string {
  const url = links[score];
  if (typeof url !== "string" || !/^https?:\/\/\S+$/i.test(url)) {
    throw new TypeError(`The email snippet needs an absolute http(s) link for score ${score}.`);
  }
  return url;
}

const table = (cellspacing: number, style: string) =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="${cellspacing}" border="0" style="${style}">`;

/** Who asks and the question over the choices, 100% wide up to maxWidth (Outlook for Windows: exactly maxWidth), its edge on the buttons'. */
function renderHtml(asks: string | null, question: string, locale: Locale, maxWidth: number, gap: number, choices: string): string {
  return (
    `<!--[if mso]><table role="presentation" width="${maxWidth}" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->` +
    `<table role="presentation" lang="${locale}" dir="ltr" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;max-width:${maxWidth}px;">` +
    (asks ? `<tr><td style="padding:0 ${gap}px 4px ${gap}px;font-family:${FONT};font-size:14px;line-height:20px;">${escapeHtml(asks)}</td></tr>` : "") +
    `<tr><td style="padding:0 ${gap}px 12px ${gap}px;font-family:${FONT};font-size:18px;line-height:24px;font-weight:bold;">${escapeHtml(question)}</td></tr>` +
    `<tr><td>${choices}</td></tr>` +
    `</table>` +
    `<!--[if mso]></td></tr></table><![endif]-->`
  );
}

const buttonCell = ({ accent }: AccentColours) => `bgcolor="${accent}" height="${BUTTON_HEIGHT}" style="height:${BUTTON_HEIGHT}px;background-color:${accent};border-radius:6px;"`;
const linkText = ({ text }: AccentColours) => `font-family:${FONT};color:${text};text-decoration:none;`;

/**
 * A number alone is named "7 out of 10" (aria-label); a worded button's visible number and words are
 * its name already, and an aria-label not starting with them would fail WCAG 2.5.3 (label in name).
 */
function link(choice: Choice, style: string, content: string, named: "aria-label" | "content"): string {
  const name = escapeHtml(choice.accessibleName);
  return `<a href="${escapeHtml(choice.url)}"${named === "aria-label" ? ` aria-label="${name}"` : ""} title="${name}" style="${style}">${content}</a>`;
}

/** One row of equal buttons sharing the width, the end words under the ends. */
function row(choices: Choice[], ends: { low: string; high: string }, colours: AccentColours): string {
  const share = `${Math.floor(100 / choices.length)}%`;
  const buttons = choices.map(
    (choice) =>
      `<td align="center" valign="middle" width="${share}" ${buttonCell(colours)}>` +
      link(choice, `display:block;height:${BUTTON_HEIGHT}px;line-height:${BUTTON_HEIGHT}px;mso-line-height-rule:exactly;${linkText(colours)}font-size:16px;font-weight:bold;text-align:center;`, escapeHtml(choice.number), "aria-label") +
      `</td>`,
  );
  return (
    table(ROW_GAP, "border-collapse:separate;width:100%;table-layout:fixed;") +
    `<tr>${buttons.join("")}</tr>` +
    endLabelRow(choices.length, ends) +
    `</table>`
  );
}

const LABEL_STYLE = `font-family:${FONT};font-size:12px;line-height:15px;`;

function endLabelRow(columns: number, { low, high }: { low: string; high: string }): string {
  return (
    `<tr><td colspan="${columns}" aria-hidden="true">` +
    table(0, "border-collapse:collapse;width:100%;") +
    `<tr>` +
    `<td align="left" valign="top" width="50%" style="padding:2px 0 0 0;${LABEL_STYLE}">${escapeHtml(low)}</td>` +
    `<td align="right" valign="top" width="50%" style="padding:2px 0 0 0;${LABEL_STYLE}">${escapeHtml(high)}</td>` +
    `</tr></table></td></tr>`
  );
}

/** A column of full-width buttons, lowest first, each with its number and its words. */
function stack(choices: Choice[], colours: AccentColours): string {
  const buttons = choices.map(
    (choice) =>
      `<tr><td align="left" valign="middle" ${buttonCell(colours)}>` +
      link(
        choice,
        `display:block;padding:12px 14px;line-height:20px;mso-line-height-rule:exactly;${linkText(colours)}font-size:16px;text-align:left;`,
        `<span style="font-weight:bold;">${escapeHtml(choice.number)}</span>&nbsp;&nbsp;${escapeHtml(choice.label ?? "")}`,
        "content",
      ) +
      `</td></tr>`,
  );
  return table(STACK_GAP, "border-collapse:separate;width:100%;") + buttons.join("") + `</table>`;
}

/** Who asks, "question", blank line, then "5 – Very satisfied: url" per score (end labels only at the ends). */
function renderText(asks: string | null, question: string, choices: Choice[]): string {
  const lines = choices.map(({ number, label, url }) => `${number}${label ? ` – ${label}` : ""}: ${url}`);
  return `${asks ? `${asks}\n` : ""}${question}\n\n${lines.join("\n")}\n`;
}
