import * as v from "valibot";
import { ApiError } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { IsoTime, isoTime } from "../http/time";
import { linkSecrets } from "../links/link-secrets";
import { TEMPLATE_PLATFORMS, templateSnippet } from "../links/template-snippets";
import { signTemplateToken } from "../links/template-token";
import { effectiveBrand, installationBrand } from "../surveys/brand";
import { linkOrigin } from "./invitations";
import { SurveyParams, requireSurvey } from "./surveys";

const DAY_MS = 86_400_000;
const MAX_DAYS = 3650;

export const SnippetQuery = v.object({
  platform: v.pipe(
    v.picklist(TEMPLATE_PLATFORMS, `must be one of ${TEMPLATE_PLATFORMS.join(", ")}.`),
    v.description("Whose placeholder syntax the links carry (docs/template-links.md)."),
  ),
  expires_in_days: v.optional(
    v.pipe(
      v.string(),
      v.description(`Days the template link works, 1–${MAX_DAYS}; without it the link works until the survey is archived or LINK_SECRET drops its key.`),
      v.regex(/^\d{1,4}$/, `must be an integer from 1 to ${MAX_DAYS}.`),
      v.transform(Number),
      v.number(),
      v.minValue(1, `must be an integer from 1 to ${MAX_DAYS}.`),
      v.maxValue(MAX_DAYS, `must be an integer from 1 to ${MAX_DAYS}.`),
    ),
  ),
});

export const TemplateSnippetView = v.object({
  platform: v.picklist(TEMPLATE_PLATFORMS),
  html: v.pipe(v.string(), v.description("Paste-ready email block (inline styles, table layout) whose links carry the platform's placeholders.")),
  text: v.pipe(v.string(), v.description("The plain-text equivalent.")),
  link_template: v.pipe(v.string(), v.description("One link with {score} where the score goes, for building your own block.")),
  placeholders: v.pipe(
    v.array(v.object({ param: v.string(), placeholder: v.string() })),
    v.description("Each query parameter of the links and the placeholder the platform fills in: r (recipient id), email, then the survey's properties."),
  ),
  expires_at: v.pipe(v.nullable(IsoTime), v.description("When the template link stops working; null when it does not expire.")),
});
type TemplateSnippetView = v.InferOutput<typeof TemplateSnippetView>;

/** GET /api/v1/surveys/{id}/snippets — the survey's template link as a ready snippet for one platform. */
export async function getSnippetRoute(
  request: ValidatedRequest<v.InferOutput<typeof SurveyParams>, v.InferOutput<typeof SnippetQuery>>,
  env: Env,
): Promise<TemplateSnippetView> {
  const { platform, expires_in_days } = request.input.query;
  const survey = await requireSurvey(env, request.input.params.id);
  if (survey.archived) throw new ApiError(409, "survey_archived", "This survey is archived: its template links answer that it is closed.");
  const origin = linkOrigin(request, env);
  const expiresAt = expires_in_days === undefined ? null : Date.now() + expires_in_days * DAY_MS;
  const token = await signTemplateToken(linkSecrets(env), { surveyId: survey.id, expiresAt });
  const snippet = templateSnippet({ survey, locale: survey.locale, platform, origin, token, brand: effectiveBrand(survey.brand, installationBrand(env)) });
  // The token keeps whole seconds: say the time it really expires.
  return { ...snippet, expires_at: expiresAt === null ? null : isoTime(Math.floor(expiresAt / 1000) * 1000) };
}
