import type { IRequest } from "itty-router";
import * as v from "valibot";
import { InvitationBatch, NewInvitations, createInvitations } from "../../api/invitations";
import { getSnippetRoute } from "../../api/snippets";
import { ApiError } from "../../http/errors";
import { escapeHtml } from "../../http/html";
import { TEMPLATE_PLATFORMS, type TemplatePlatform } from "../../links/template-snippets";
import { getSurvey } from "../../storage/surveys";
import type { StoredSurvey } from "../../storage/surveys";
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

const copyable = (id: string, label: string, text: string, rows: number) =>
  `<label for="${id}">${escapeHtml(label)}</label><textarea id="${id}" readonly rows="${rows}">${escapeHtml(text)}</textarea>`;

/**
 * GET /internal/manage/surveys/:id/share — the survey's one-tap block for each help-desk and mailing
 * platform, as GET /api/v1/surveys/{id}/snippets makes it, each in a read-only box to select and copy
 * (no script: the pages have none).
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
          `<section aria-labelledby="p-${platform}"><h2 id="p-${platform}">${escapeHtml(PLATFORM_NAMES[platform])}</h2><p class="muted">The links carry:</p><ul>${placeholders}</ul>` +
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
        `${head}${oneOffForm(context, survey, "", {})}<h2>Blocks for email templates</h2><p>Paste a block into your help desk's or mailing tool's email template: it fills in who is answering. Select the text in a box and copy it. Where to paste it in each tool: docs/template-links.md.</p>${sections.join("")}`,
      ),
    );
  });
}

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
          `<p><a href="/internal/manage/surveys/${encodeURIComponent(survey.id)}/share">Back to Share</a></p>`,
      ),
    );
  });
}
