/**
 * Ready snippets for a survey's template link (docs/template-links.md): the one-tap block of
 * email-snippet.ts, with links the help desk or mailing tool finishes by filling in its own
 * placeholders. Pure: the signed token and the origin come in.
 *
 * A link is `/t/{token}/{score}?r=…&email=…&<property>=…`:
 * - `r`: the recipient id. The invitation is keyed by (survey, r), so one r is one answer that its
 *   person may change. Help desks use the ticket or conversation number (one answer per ticket),
 *   mailing tools the subscriber's or user's id.
 * - `email`: the person's address, kept on the invitation when it is one.
 * - `locale`: the page's language (en, nl, de, sv, pl), else the survey's.
 * - any property the survey keeps (ticket_id, agent, team, channel, touchpoint, its segments).
 */
import type { Locale } from "../i18n/locales";
import { scaleLabels } from "../i18n/scale-labels";
import { allowedPropertyKeys } from "../surveys/properties";
import type { Survey } from "../surveys/survey-input";
import { emailSnippet } from "./email-snippet";
import type { Brand } from "../surveys/brand";

/** The query names of a template link; what /t/ reads (functions/respondent/template.ts). */
export const TEMPLATE_QUERY = { recipient: "r", email: "email", locale: "locale" } as const;

export const TEMPLATE_PLATFORMS = ["zendesk", "freshdesk", "intercom", "helpscout", "hubspot", "mailchimp", "generic"] as const;
export type TemplatePlatform = (typeof TEMPLATE_PLATFORMS)[number];

interface PlatformPlaceholders {
  /** Who answers: one answer per value. */
  recipient: string;
  email: string;
  /** Property key → the platform's placeholder for it; used when the survey keeps that key. */
  properties: Readonly<Record<string, string>>;
}

/**
 * Each platform's own syntax. HubSpot's HubL takes `{{contact.email}}` and `{{ contact.email }}`
 * alike; the form without spaces is used because a space inside an href is mangled by some editors.
 */
const PLATFORMS: Readonly<Record<TemplatePlatform, PlatformPlaceholders>> = {
  zendesk: {
    recipient: "{{ticket.id}}",
    email: "{{ticket.requester.email}}",
    properties: { ticket_id: "{{ticket.id}}", agent: "{{ticket.assignee.name}}", team: "{{ticket.group.name}}", channel: "{{ticket.via}}" },
  },
  freshdesk: {
    recipient: "{{ticket.id}}",
    email: "{{ticket.requester.email}}",
    properties: { ticket_id: "{{ticket.id}}", agent: "{{ticket.agent.name}}", team: "{{ticket.group.name}}" },
  },
  intercom: { recipient: "{{user_id}}", email: "{{email}}", properties: {} },
  helpscout: {
    recipient: "{%conversation.number%}",
    email: "{%customer.email%}",
    properties: { ticket_id: "{%conversation.number%}", agent: "{%user.fullName%}" },
  },
  hubspot: { recipient: "{{ticket.hs_object_id}}", email: "{{contact.email}}", properties: { ticket_id: "{{ticket.hs_object_id}}" } },
  mailchimp: { recipient: "*|UNIQID|*", email: "*|EMAIL|*", properties: {} },
  generic: { recipient: "{{recipient}}", email: "{{email}}", properties: {} },
};

export interface Placeholder {
  /** The query parameter of the link. */
  param: string;
  /** What the platform puts there. */
  placeholder: string;
}

export interface TemplateSnippet {
  platform: TemplatePlatform;
  html: string;
  text: string;
  /** One link with `{score}` where the score goes. */
  link_template: string;
  placeholders: Placeholder[];
}

export interface TemplateSnippetInput {
  survey: Pick<Survey, "metric" | "scale" | "question" | "locale" | "attribute" | "segments">;
  locale: Locale;
  platform: TemplatePlatform;
  /** The public origin, e.g. https://feedback.example.com. */
  origin: string;
  /** The survey's signed template token (template-token.ts). */
  token: string;
  /** Who asks (functions/surveys/brand.ts): the block's accent and name. */
  brand?: Brand | null;
}

/** The query a platform's links carry, in a fixed order: recipient, email, then the survey's properties. */
export function templatePlaceholders(survey: Pick<Survey, "segments">, platform: TemplatePlatform): Placeholder[] {
  const own = PLATFORMS[platform];
  const properties = [...allowedPropertyKeys(survey)].flatMap((key): Placeholder[] => {
    const placeholder = platform === "generic" ? `{{${key}}}` : own.properties[key];
    return placeholder === undefined ? [] : [{ param: key, placeholder }];
  });
  return [
    { param: TEMPLATE_QUERY.recipient, placeholder: own.recipient },
    { param: TEMPLATE_QUERY.email, placeholder: own.email },
    ...properties,
  ];
}

export function templateSnippet({ survey, locale, platform, origin, token, brand }: TemplateSnippetInput): TemplateSnippet {
  const placeholders = templatePlaceholders(survey, platform);
  // Placeholders stay as they are: the platform must find them verbatim to fill them in.
  const query = placeholders.map(({ param, placeholder }) => `${param}=${placeholder}`).join("&");
  const link = (score: string) => `${origin}/t/${token}/${score}?${query}`;
  const links: Record<number, string> = {};
  for (const { score } of scaleLabels(survey.metric, survey.scale, locale)) links[score] = link(String(score));
  const { html, text } = emailSnippet({ survey, locale, links, brand });
  return { platform, html, text, link_template: link("{score}"), placeholders };
}
