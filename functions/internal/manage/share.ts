import type { IRequest } from "itty-router";
import * as v from "valibot";
import { InvitationBatch, NewInvitations, createInvitations } from "../../api/invitations";
import { getSnippetRoute } from "../../api/snippets";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { isWordedScale, scaleLabels } from "../../i18n/scale-labels";
import { surveyQuestion } from "../../i18n/survey-question";
import { emailSnippet } from "../../links/email-snippet";
import { TEMPLATE_PLATFORMS, type TemplatePlatform } from "../../links/template-snippets";
import { getSurvey } from "../../storage/surveys";
import { effectiveBrand, installationBrand, type Brand } from "../../surveys/brand";
import type { StoredSurvey } from "../../storage/surveys";
import { copyScriptTag } from "./copy-script";
import { apiRequest, audit, csrfField, htmlResponse, inputField, manageAction, managePage, notFoundPage, page, type FieldErrors, type ManageContext } from "./shell";

const PLATFORM_NAMES: Record<TemplatePlatform, string> = {
  zendesk: "Zendesk",
  freshdesk: "Freshdesk",
  intercom: "Intercom",
  helpscout: "Help Scout",
  hubspot: "HubSpot",
  mailchimp: "Mailchimp",
  generic: "Any other tool ({{name}} placeholders)",
};

/** A read-only box to select the text in; the page's copy script (copy-script.ts) adds a Copy button under it. */
const copyable = (id: string, label: string, text: string, rows: number) =>
  `<label id="${id}-label" for="${id}">${escapeHtml(label)}</label><textarea id="${id}" data-copy readonly rows="${rows}">${escapeHtml(text)}</textarea>`;

/** The width of the narrow preview: the narrowest phone screen the block is made to fit (functions/links/email-snippet.ts). */
export const NARROW_PREVIEW_PX = 320;

/** How a mail app shows a message: its background, and the colour it gives text that sets none. */
interface MailView {
  caption: string;
  background: string;
  text: string;
}

const LIGHT: MailView = { caption: "Light: white background, dark text", background: "#ffffff", text: "#1f2328" };
const DARK: MailView = { caption: "Dark: #121212 background, light text", background: "#121212", text: "#e3e3e3" };
const NARROW: MailView = { ...LIGHT, caption: `${NARROW_PREVIEW_PX} px wide: a small phone` };

/**
 * A frame cannot fit its content without script: tall enough for the block at 320 px, where the
 * question wraps most (about 24 characters a line, and a line more for a sender above it). A block
 * taller than that scrolls inside its frame.
 */
function frameHeight(survey: StoredSurvey): number {
  const questionLines = Math.ceil(surveyQuestion(survey, survey.locale).length / 24) + 1;
  const choices = scaleLabels(survey.metric, survey.scale, survey.locale).length;
  const answers = isWordedScale(survey.metric, survey.scale) ? choices * 48 + 4 : 48 + 3 * 15;
  return 12 + questionLines * 24 + 12 + answers + 12 + 16;
}

/** The message a frame shows: the block alone in a mail app's body; a tap on a link goes nowhere (see emailPreview). */
const frameDocument = (view: MailView, block: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><base target="_top"></head>` +
  `<body style="margin:0;padding:12px;background:${view.background};color:${view.text}">${block}</body></html>`;

/**
 * The survey's block as an email shows it, with its brand as the snippets API gives it, each in its
 * own frame as a mail app's message: light, dark, and exactly 320 px wide (a phone, with a mail
 * app's 12 px margins), side by side when the screen has room and stacked when not. A frame shows the block as it is, untouched by this page's
 * styles, and the narrow one is a real 320 px screen to it; it scrolls inside itself on a screen
 * narrower than that, so the page never does.
 *
 * The frames are sandboxed with nothing allowed (like /internal/sends, without its tap-through): no
 * script, and a tap on a button cannot navigate anything, so trying a button while checking the look
 * records no answer. The links are this page's address, as the block takes only absolute links: a
 * link opened by other means (a new tab) leads back here. Where a link leads does not change the look.
 */
function emailPreview(survey: StoredSurvey, brand: Brand, pageUrl: string): string {
  const links: Record<number, string> = {};
  for (const { score } of scaleLabels(survey.metric, survey.scale, survey.locale)) links[score] = `${pageUrl}#preview`;
  const { html } = emailSnippet({ survey, locale: survey.locale, links, brand });
  const height = frameHeight(survey);
  const frame = (view: MailView, width: string, attributes = "") =>
    `<iframe${attributes} title="${escapeHtml(`The email block. ${view.caption}`)}" sandbox="" referrerpolicy="same-origin" ` +
    `style="display:block;width:${width};height:${height}px;border:0;outline:1px solid #8c959f;background:${view.background}" srcdoc="${escapeHtml(frameDocument(view, html))}"></iframe>`;
  const figure = (view: MailView, content: string, style: string) =>
    `<figure style="margin:0;min-width:0;${style}"><figcaption class="muted">${escapeHtml(view.caption)}</figcaption>${content}</figure>`;
  return (
    `<h2 id="preview">How the block looks in an email</h2>` +
    `<p>The block of every platform below looks like this; only its links differ. Its buttons here are samples: a tap on one does nothing.</p>` +
    `<div style="display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start">` +
    figure(LIGHT, frame(LIGHT, "100%"), "flex:1 1 16rem") +
    figure(DARK, frame(DARK, "100%"), "flex:1 1 16rem") +
    figure(
      NARROW,
      `<div class="scroll" role="region" aria-label="The block ${NARROW_PREVIEW_PX} px wide" tabindex="0" style="padding:1px">${frame(NARROW, `${NARROW_PREVIEW_PX}px`, " data-preview-narrow")}</div>`,
      "flex:0 1 auto;max-width:100%",
    ) +
    `</div>`
  );
}

/**
 * GET /internal/manage/surveys/:id/share — the survey's one-tap block for each help-desk and mailing
 * platform, as GET /api/v1/surveys/{id}/snippets makes it, each in a read-only box with a Copy button,
 * and a preview of the block as an email shows it.
 */
export function sharePage(request: IRequest, env: Env): Promise<Response> {
  return managePage(request, env, async (context) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const base = `/internal/manage/surveys/${encodeURIComponent(survey.id)}`;
    const head = `<p><a href="${base}/responses">Responses</a> · <a href="${base}/edit">Edit survey</a></p>`;
    const sections: string[] = [];
    for (const platform of TEMPLATE_PLATFORMS) {
      try {
        const snippet = await getSnippetRoute(apiRequest(request.url, "GET", undefined, { params: { id: survey.id }, query: { platform, expires_in_days: undefined }, body: undefined }), env);
        const placeholders = snippet.placeholders.map((p) => `<li><code>${escapeHtml(p.param)}</code>: <code>${escapeHtml(p.placeholder)}</code></li>`).join("");
        sections.push(
          `<section aria-labelledby="p-${platform}"><h3 id="p-${platform}">${escapeHtml(PLATFORM_NAMES[platform])}</h3><p class="muted">The links carry:</p><ul>${placeholders}</ul>` +
            copyable(`s-${platform}-html`, `${PLATFORM_NAMES[platform]}: HTML block`, snippet.html, 6) +
            copyable(`s-${platform}-text`, `${PLATFORM_NAMES[platform]}: text`, snippet.text, 4) +
            copyable(`s-${platform}-link`, `${PLATFORM_NAMES[platform]}: one link, {score} where the score goes`, snippet.link_template, 2) +
            `</section>`,
        );
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return htmlResponse(page(`Share: ${survey.name}`, `${head}<p class="error" role="alert">${escapeHtml(error.message)}</p>`), error.status === 409 ? 409 : 400);
      }
    }
    return htmlResponse(
      page(
        `Share: ${survey.name}`,
        `${head}${oneOffForm(context, survey, "", {})}${emailPreview(survey, effectiveBrand(survey.brand, installationBrand(env)), pageUrl(request.url))}` +
          `<h2>Blocks for email templates</h2><p>Paste a block into your help desk's or mailing tool's email template: it fills in who is answering. Copy it with its button, or select the text in its box. Where to paste it in each tool: docs/template-links.md.</p>${sections.join("")}${copyScriptTag()}`,
      ),
    );
  });
}

/** This page's address without query or fragment. */
const pageUrl = (url: string): string => {
  const { origin, pathname } = new URL(url);
  return origin + pathname;
};

function oneOffForm(context: ManageContext, survey: StoredSurvey, typed: string, errors: FieldErrors): string {
  return (
    `<h2>A link for one person</h2><form method="post" action="/internal/manage/surveys/${encodeURIComponent(survey.id)}/link" novalidate>${csrfField(context)}` +
    inputField({ name: "recipient", label: "Recipient id", value: typed, required: true, hint: "Who answers, in your own terms: a customer id or an email address. Their links are signed for them alone." }, errors) +
    `<p><button type="submit">Make their links</button></p></form>`
  );
}

/** POST /internal/manage/surveys/:id/link — one person's signed links and email block, made by the invitations API (no email is sent). */
export function oneOffLinkAction(request: IRequest, env: Env): Promise<Response> {
  return manageAction(request, env, async (context, fields) => {
    const survey = await getSurvey(env.DB, request.params.id ?? "");
    if (!survey) return notFoundPage("The survey");
    const typed = fields.get("recipient") ?? "";
    const title = `Share: ${survey.name}`;
    const parsed = v.safeParse(NewInvitations, { recipients: [{ recipient: typed.trim() }] });
    if (!parsed.success) {
      const message = `recipient: ${parsed.issues[0].message}`;
      return htmlResponse(page(title, oneOffForm(context, survey, typed, { recipient: message })), 400);
    }
    let batch: v.InferOutput<typeof InvitationBatch>;
    try {
      const answer = await createInvitations(apiRequest(request.url, "POST", undefined, { params: { id: survey.id }, query: {}, body: parsed.output }), env);
      batch = v.parse(InvitationBatch, await answer.json());
    } catch (error) {
      if (error instanceof ApiError) return htmlResponse(page(title, oneOffForm(context, survey, typed, { recipient: error.message })), error.status === 409 ? 409 : 400);
      throw error;
    }
    const invitation = batch.invitations[0]!;
    await audit(env, context, "invitation.create", invitation.id, `one-off links for ${invitation.recipient}`);
    const links = Object.entries(invitation.links)
      .map(([score, url]) => `<li>${escapeHtml(score)}: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></li>`)
      .join("");
    return htmlResponse(
      page(
        title,
        `<p class="notice" role="status">Links for ${escapeHtml(invitation.recipient)}, working until ${escapeHtml(invitation.expires_at)}. A tap on one counts as their answer.</p>` +
          `<ul>${links}</ul>` +
          copyable("one-html", "Email block (HTML)", invitation.html ?? "", 6) +
          copyable("one-text", "Email block (text)", invitation.text ?? "", 4) +
          `<p><a href="/internal/manage/surveys/${encodeURIComponent(survey.id)}/share">Back to Share</a></p>${copyScriptTag()}`,
      ),
    );
  });
}
