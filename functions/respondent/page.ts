/**
 * The respondent's page, as one small self-contained HTML document: no cookies, no third-party
 * requests, no script needed (a tiny optional beacon reports a real person's input). Pure.
 */
import { escapeHtml } from "../http/html";
import type { Locale } from "../i18n/locales";
import { COMMENT_MAX_LENGTH } from "../counting/comment";
import { format, messages, scaleLabels, type ErrorKind } from "../i18n/respondent-messages";
import { surveyQuestion } from "../i18n/survey-question";
import { PAGE_BACKGROUNDS, adaptAccent, type Brand } from "../surveys/brand";
import { followUpQuestion } from "../surveys/follow-up";
import type { Survey } from "../surveys/survey-input";

export type PageSurvey = Pick<Survey, "metric" | "scale" | "satisfied_min" | "question" | "locale" | "attribute" | "follow_up" | "follow_ups">;

export interface ChoicePage {
  survey: PageSurvey;
  locale: Locale;
  /** The link token; forms post back to /r/{token}. */
  token: string;
  /** The score the person chose, or null for the bare scale. */
  chosen: number | null;
  comment: string | null;
  /** A one-time id for the forms on this page, so a replayed POST can be told apart. */
  nonce: string;
  /** commentCut: a form too large to take, the comment shown back as far as it could be read; tooLarge: not even that; commentUnreadable: escapes not UTF-8, the comment shown back as read. */
  notice?: "answerUpdated" | "commentSaved" | "commentTooLong" | "commentCut" | "tooLarge" | "commentUnreadable";
  /** Who asks: the survey's brand over the installation's (functions/surveys/brand.ts); null or absent: none. */
  brand?: Brand | null;
}

/** Exported for the contrast test: every colour pair it sets meets WCAG AA, light and dark. */
export const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;--accent:#1a56db;--on-accent:#fff;--line:#d0d7de}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9aa4ae;--accent:#6ea8fe;--on-accent:#0d1117;--line:#30363d}}
body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem}h1{font-size:1.5rem;margin:.5rem 0}
.status{font-weight:600}.muted{color:var(--muted)}fieldset{border:0;padding:0;margin:1.5rem 0}legend{font-weight:600;margin-bottom:.5rem}
.scale{display:grid;grid-template-columns:repeat(var(--n),minmax(0,1fr));gap:.3rem}.n5{--n:5}.n7{--n:7}.n10{--n:10}.n11{--n:11}
@media (max-width:24rem){.n10{--n:5}.n11{--n:6}}
.scale button{min-height:2.9rem;padding:.35rem 0;border:2px solid var(--accent);border-radius:.5rem;background:transparent;color:var(--fg);font:inherit;cursor:pointer}
.scale button[aria-pressed=true]{background:var(--accent);color:var(--on-accent);font-weight:700}
.ends{display:flex;justify-content:space-between;gap:1rem;margin-top:.3rem;font-size:.85rem;color:var(--muted)}.ends span:last-child{text-align:right}
details{margin:1rem 0}summary{cursor:pointer;font-weight:600;text-decoration:underline}
label{display:block;font-weight:600;margin:1rem 0 .3rem}textarea{box-sizing:border-box;width:100%;min-height:7rem;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
.send{margin-top:.6rem;padding:.6rem 1.1rem;border:0;border-radius:.4rem;background:var(--accent);color:var(--on-accent);font:inherit;font-weight:600;cursor:pointer}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.brand{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem .75rem;margin:0 0 .75rem}.brand img{display:block;width:auto;height:auto;max-height:2.5rem;max-width:min(12rem,100%)}.brand p{margin:0;font-weight:600;color:var(--muted);overflow-wrap:anywhere}`;

/**
 * A brand's accent for both palettes, after STYLE so it wins: adjusted until the text on it reaches
 * 4.5:1 and its shape 3:1 against the page (functions/surveys/brand.ts), in light and dark mode alike.
 */
export function brandStyle(accent: string): string {
  const light = adaptAccent(accent, [PAGE_BACKGROUNDS.light]);
  const dark = adaptAccent(accent, [PAGE_BACKGROUNDS.dark]);
  return `:root{--accent:${light.accent};--on-accent:${light.text}}@media (prefers-color-scheme:dark){:root{--accent:${dark.accent};--on-accent:${dark.text}}}`;
}

/** The line naming who asks, with the logo; the logo's text is the name, since it stands for it. */
function brandHeader(brand: Brand | null | undefined, locale: Locale): string {
  if (!brand || (!brand.name && !brand.logo_url)) return "";
  const logo = brand.logo_url
    ? `<img src="${escapeHtml(brand.logo_url)}" alt="${escapeHtml(brand.name ?? "")}" height="40" referrerpolicy="no-referrer">`
    : "";
  const line = brand.name ? `<p>${escapeHtml(format(messages(locale).brandAsks, { name: brand.name }, locale))}</p>` : "";
  return `<header class="brand">${logo}${line}</header>`;
}

/** Sends one beacon on the first trusted pointer, key or touch input: a person, not a crawler. */
export const BEACON_SCRIPT = `(()=>{let s=0;const f=e=>{if(s||!e.isTrusted)return;s=1;navigator.sendBeacon(document.body.dataset.signal)};for(const t of["pointerdown","keydown","touchstart"])addEventListener(t,f,{passive:true})})()`;

/** One respondent page around its body: the same head, style and look for every page under /r/. */
export function documentHtml(locale: Locale, title: string, body: string, extraBodyAttributes = "", brand: Brand | null = null): string {
  const style = brand?.accent ? STYLE + brandStyle(brand.accent) : STYLE;
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body${extraBodyAttributes}><main>${brandHeader(brand, locale)}${body}</main></body></html>`;
}

export function choicePage(page: ChoicePage): string {
  const { survey, locale, token, chosen, nonce } = page;
  const text = messages(locale);
  const question = surveyQuestion(survey, locale);
  const points = scaleLabels(survey.metric, survey.scale, locale);
  const max = survey.scale.max;
  const action = `/r/${encodeURIComponent(token)}`;
  const chosenPoint = points.find((p) => p.score === chosen);

  const done = page.notice === "commentSaved";
  const heading = chosenPoint ? `<h1>${escapeHtml(text.thankYou)}</h1><p class="muted">${escapeHtml(question)}</p>` : `<h1>${escapeHtml(question)}</h1>`;
  const answer = chosenPoint
    ? `<p class="status" role="status">${escapeHtml(format(text.yourAnswer, { score: chosenPoint.label ? `${chosenPoint.score} – ${chosenPoint.label}` : chosenPoint.score }, locale))}</p>`
    : "";
  const notice = page.notice
    ? `<p class="status" role="${page.notice === "answerUpdated" || page.notice === "commentSaved" ? "status" : "alert"}">${escapeHtml(format(text[page.notice], { max: COMMENT_MAX_LENGTH }, locale))}${done ? ` ${escapeHtml(text.done)}` : ""}</p>`
    : "";
  // Every score one equal button showing its number; the words are in each button's name and under the ends.
  const buttons = points
    .map((p) => {
      const name = p.label
        ? format(text.scoreOutOfWithLabel, { score: p.score, max, label: p.label }, locale)
        : format(text.scoreOutOf, { score: p.score, max }, locale);
      // The spoken name starts with the visible number, so "click 4" works for voice control too.
      return `<button name="score" value="${p.score}" aria-pressed="${p.score === chosen}"><span aria-hidden="true">${p.score}</span><span class="sr">${escapeHtml(name)}</span></button>`;
    })
    .join("");
  const ends = `<div class="ends" aria-hidden="true"><span>${escapeHtml(points[0]!.label ?? "")}</span><span>${escapeHtml(points.at(-1)!.label ?? "")}</span></div>`;
  // The heading already asks the question on the bare scale: the legend names the group for screen readers only.
  const legend = chosenPoint ? `<legend>${escapeHtml(text.changeAnswer)}</legend>` : `<legend class="sr">${escapeHtml(question)}</legend>`;
  const scaleForm = `<form method="post" action="${action}"><input type="hidden" name="nonce" value="${nonce}"><input type="hidden" name="action" value="choose"><fieldset>${legend}<div class="scale n${points.length}">${buttons}</div>${ends}</fieldset></form>`;

  const prompt = chosenPoint ? followUpQuestion(survey, chosenPoint.score, locale) : "";
  const commentFields = chosenPoint
    ? `<form method="post" action="${action}"><input type="hidden" name="nonce" value="${nonce}"><input type="hidden" name="action" value="comment"><input type="hidden" name="score" value="${chosenPoint.score}"><label for="comment">${escapeHtml(prompt)}</label><textarea id="comment" name="comment" maxlength="${COMMENT_MAX_LENGTH}" aria-describedby="comment-hint">${escapeHtml(page.comment ?? "")}</textarea><p id="comment-hint" class="muted">${escapeHtml(format(text.commentHint, { max: COMMENT_MAX_LENGTH }, locale))}</p><button class="send" type="submit">${escapeHtml(text.sendComment)}</button></form>`
    : "";
  // Finished: the comment is saved, so its form folds away behind a summary and can still be opened.
  const commentForm = done && commentFields ? `<details><summary>${escapeHtml(text.editComment)}</summary>${commentFields}</details>` : commentFields;

  // After a choice the comment comes first; the scale stays below for a change of mind.
  const body = `${heading}${answer}${notice}${commentForm}${scaleForm}<script>${BEACON_SCRIPT}</script>`;
  return documentHtml(locale, text.pageTitle, body, ` data-signal="${action}/signal"`, page.brand ?? null);
}

export function errorPage(kind: ErrorKind, locale: Locale): string {
  const { title, body } = messages(locale).errors[kind];
  return documentHtml(locale, title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p>`);
}
