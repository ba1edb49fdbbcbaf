/**
 * One survey email, from the survey's texts to the message handed to Email Service. Pure: no I/O.
 *
 * What a caller can put in a message is only what the survey defines (subject, intro, sender name,
 * reply-to, question) and the person's name: no API takes HTML or a subject, so a leaked key cannot
 * turn Tapscore into a relay. Everything is escaped, and every header value is one line.
 *
 * `{{name}}` is the only merge field. Without a name it disappears with the space before it, and the
 * sentence closes up ("Hi {{name}}, thanks" → "Hi, thanks"; "{{name}}, thanks" → "Thanks"; "thanks,
 * {{name}}!" → "thanks!"); the default intro has its own wording without a name.
 */
import { escapeHtml } from "../http/html";
import { emailMessages } from "../i18n/email-messages";
import { format } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { emailSnippet } from "../links/email-snippet";
import type { SendContent } from "../storage/sends";
import type { Brand } from "../surveys/brand";
import type { Survey } from "../surveys/survey-input";

/** The texts of one message, resolved; a sent message keeps exactly these (storage/sends.ts). */
export type MessageTexts = SendContent;

export interface RenderedMessage {
  from: { email: string; name: string };
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** The message body's widest point; narrower screens get the full width (functions/links/email-snippet.ts). */
const MAX_WIDTH = 560;
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/** Control characters and line or paragraph separators: never inside a header, nor a one-line text. */
const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]+/gu;

/** One line of text: what a header may hold (no CR/LF, so no header injection), spaces collapsed. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKING, " ").replace(/ {2,}/g, " ").trim();
}

/** `Name <address>`, `"Name" <address>` or a bare address, as EMAIL_FROM is written; null if it is neither. */
export function parseMailbox(value: string): { email: string; name: string | null } | null {
  const text = oneLine(value);
  const angled = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(text);
  if (angled) {
    const name = angled[1]!.replace(/^"(.*)"$/, "$1").trim();
    return { email: angled[2]!, name: name === "" ? null : name };
  }
  return /^[^<>\s"]+@[^<>\s"]+$/.test(text) ? { email: text, name: null } : null;
}

const NAME_FIELD = /\{\{\s*name\s*\}\}/g;
/** The field closing a clause, with its comma: "thanks, {{name}}!" → "thanks!". */
const NAME_AT_CLAUSE_END = /,?\s*\{\{\s*name\s*\}\}(?=\s*(?:[!?.;:]|$))/g;
/** The field elsewhere, with the space before it and any space before the punctuation after it. */
const NAME_INSIDE = /\s*\{\{\s*name\s*\}\}(?:\s+(?=[,;:!?.]))?/g;

/** Fills `{{name}}`; without a name, takes the field out without leaving "Hi ," or a stray comma ("" when nothing is left). */
export function mergeName(template: string, name: string | null, locale: Locale): string {
  if (name !== null) return oneLine(template.replace(NAME_FIELD, () => name));
  const removed = template.replace(NAME_AT_CLAUSE_END, "").replace(NAME_INSIDE, "");
  const merged = oneLine(removed.replace(/^[\s,;:]+/, ""));
  // Punctuation alone ("{{name}}!") is no text: the caller's default takes its place.
  if (!/[\p{L}\p{N}]/u.test(merged)) return "";
  if (merged === oneLine(removed)) return merged;
  // The text began with the name ("{{name}}, thanks…"): its next word now starts the sentence.
  return merged.charAt(0).toLocaleUpperCase(locale) + merged.slice(1);
}

/** The texts of one message, resolved from the survey, the person and EMAIL_FROM (defaults per language; {{name}} filled). */
export function messageTexts(input: { survey: Survey; locale: Locale; name: string | null; emailFrom: string }): MessageTexts {
  const { survey, locale } = input;
  const mailbox = parseMailbox(input.emailFrom);
  if (!mailbox) throw new TypeError(`EMAIL_FROM must be "Name <address>" or an address.`);
  const senderName = oneLine(survey.email.sender_name ?? mailbox.name ?? survey.name);
  const cleanName = input.name === null ? "" : oneLine(input.name);
  const name = cleanName === "" ? null : cleanName;
  const words = emailMessages(locale);
  // The survey's own wording wins, in the person's language or else the survey's, as its question does.
  const customSubject = survey.email.subject[locale] ?? survey.email.subject[survey.locale];
  const customIntro = survey.email.intro[locale] ?? survey.email.intro[survey.locale];
  // A text that was only the name ("{{name}}") says nothing without one: the default takes its place.
  const ownSubject = customSubject === undefined ? "" : mergeName(customSubject, name, locale);
  const ownIntro = customIntro === undefined ? "" : mergeName(customIntro, name, locale);
  const subject = ownSubject || format(words.subject, { sender: senderName }, locale);
  const intro = ownIntro || (name === null ? words.intro : format(words.introWithName, { name }, locale));
  return { from: { email: mailbox.email, name: senderName }, reply_to: survey.email.reply_to, subject: oneLine(subject), intro: oneLine(intro), locale, name };
}

function checkedUrl(url: string, what: string): string {
  if (!/^https?:\/\/[^\s<>"]+$/i.test(url)) throw new TypeError(`The message needs an absolute http(s) ${what} link.`);
  return url;
}

/**
 * The whole message: the brand's logo, intro, who asks + question + one-tap block (in the brand's accent),
 * footer with the unsubscribe link; List-Unsubscribe headers (RFC 8058).
 */
export function renderMessage(input: { survey: Survey; texts: MessageTexts; to: string; links: Record<number, string>; unsubscribeUrl: string; brand?: Brand | null }): RenderedMessage {
  const { survey, texts } = input;
  const locale = texts.locale;
  const unsubscribeUrl = checkedUrl(input.unsubscribeUrl, "unsubscribe");
  // Stored texts are rendered again later: they pass the same one-line rule as fresh ones.
  const subject = oneLine(texts.subject);
  const intro = oneLine(texts.intro);
  const sender = oneLine(texts.from.name);
  const brand = input.brand ?? null;
  const snippet = emailSnippet({ survey, locale, links: input.links, brand });
  const words = emailMessages(locale);
  const reason = format(words.footerReason, { sender }, locale);
  return {
    from: { email: oneLine(texts.from.email), name: sender },
    to: oneLine(input.to),
    replyTo: texts.reply_to === null ? null : oneLine(texts.reply_to),
    subject,
    html: renderHtml({ locale, subject, intro, block: snippet.html, reason, prompt: words.unsubscribePrompt, unsubscribeLink: words.unsubscribeLink, unsubscribeUrl, brand }),
    text:
      `${intro}\n\n${words.textAnswerHint}\n\n${snippet.text}\n` +
      // "-- " is the signature separator mail clients know: what follows is the footer.
      `-- \n${reason}\n${words.unsubscribePrompt}\n${format(words.textUnsubscribe, { url: unsubscribeUrl }, locale)}\n`,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

interface HtmlParts {
  locale: Locale;
  subject: string;
  intro: string;
  block: string;
  reason: string;
  prompt: string;
  unsubscribeLink: string;
  unsubscribeUrl: string;
  brand: Brand | null;
}

/**
 * A whole document around the one-tap block, in the block's dialect (tables, inline styles; see
 * email-snippet.ts). The column is 100% wide up to MAX_WIDTH; Outlook for Windows ignores max-width,
 * so a table only it reads (conditional comment) holds it at MAX_WIDTH there. No colour is set on
 * text: clients adapt inherited text to dark mode, and `color-scheme` says both modes are fine.
 */
function renderHtml(parts: HtmlParts): string {
  const text = `font-family:${FONT};`;
  return (
    `<!DOCTYPE html>\n` +
    `<html lang="${parts.locale}" dir="ltr">\n` +
    `<head>\n` +
    `<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta name="color-scheme" content="light dark">\n` +
    `<meta name="supported-color-schemes" content="light dark">\n` +
    `<title>${escapeHtml(parts.subject)}</title>\n` +
    `</head>\n` +
    `<body style="margin:0;padding:0;">\n` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;">` +
    `<tr><td align="center" style="padding:16px 8px;">` +
    `<!--[if mso]><table role="presentation" width="${MAX_WIDTH}" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;max-width:${MAX_WIDTH}px;">` +
    logoRow(parts.brand) +
    `<tr><td align="left" style="padding:0 4px 20px 4px;${text}font-size:16px;line-height:24px;">${escapeHtml(parts.intro)}</td></tr>` +
    `<tr><td align="left">${parts.block}</td></tr>` +
    `<tr><td align="left" style="padding:28px 4px 0 4px;${text}font-size:12px;line-height:18px;">` +
    `${escapeHtml(parts.reason)}<br>` +
    `${escapeHtml(parts.prompt)} <a href="${escapeHtml(parts.unsubscribeUrl)}" style="text-decoration:underline;">${escapeHtml(parts.unsubscribeLink)}</a>` +
    `</td></tr>` +
    `</table>` +
    `<!--[if mso]></td></tr></table><![endif]-->` +
    `</td></tr></table>\n` +
    `</body>\n` +
    `</html>\n`
  );
}

/** The brand's logo over the intro, at most 40 px high; its text is the brand's name, which it stands for. */
function logoRow(brand: Brand | null): string {
  if (!brand?.logo_url) return "";
  const alt = escapeHtml(brand.name ?? "");
  return `<tr><td align="left" style="padding:0 4px 16px 4px;"><img src="${escapeHtml(brand.logo_url)}" alt="${alt}" height="40" style="display:block;height:40px;width:auto;max-width:200px;border:0;"></td></tr>`;
}
