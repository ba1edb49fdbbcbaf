/**
 * A survey's report address before the site has a page for it (/s/{id}/ public, /internal/s/{id}/
 * internal, and each range's own page under them: /s/{id}/30/). Report pages are static, built after rollups: a survey created since the last build has
 * none yet, and a bare 404 says nothing. The Worker sees these addresses only when no page is built
 * (wrangler.toml: not_found_handling = "none"; /internal/* runs the gate first and asks the assets).
 *
 * - A survey that will have a page here (any active survey internally; an active public one at /s/)
 *   gets a short page in its language saying the report is coming, without a number.
 * - Anything else (an unknown id, a survey that is not public at /s/, an archived one) gets the site's
 *   own 404 page, the same bytes and status whichever it is, so the public address tells nobody
 *   whether a private survey exists.
 *
 * The coming page answers 404 too: nothing is at the address yet, and link checkers, caches and the
 * site's own checks should see that; people read the page, and once the rebuild puts the report there
 * the assets answer 200 without the Worker. noindex and no-store, so nothing keeps the placeholder.
 */
import * as v from "valibot";
import { escapeHtml } from "../http/html";
import type { ValidatedRequest } from "../http/route";
import { format } from "../i18n/format";
import { RANGE_PATHS } from "../reports/ranges";
import { reportComingMessages } from "../i18n/report-coming";
import { getSurvey, type StoredSurvey } from "../storage/surveys";
import { SURVEY_ID_PATTERN } from "../surveys/survey-input";
import { behindGate } from "./gate";
import { siteNotFound } from "./site-assets";

/** Any text: an id that cannot be a survey's gets the site's 404 page, not the router's JSON 404. */
export const ReportPageParams = v.object({ id: v.pipe(v.string(), v.description("The survey's id.")) });
/** A range's own page (/s/{id}/30/): any text too; one that is not a range gets the site's 404 page. */
export const RangePageParams = v.object({ ...ReportPageParams.entries, range: v.pipe(v.string(), v.description(`The range: ${RANGE_PATHS.join(", ")}.`)) });
type ReportPageParams = v.InferOutput<typeof ReportPageParams> & { range?: string };

type Audience = "public" | "internal";

/** GET /s/{id}/: reached only when the site has no page there. */
export function publicReportPage(request: ValidatedRequest<ReportPageParams>, env: Env): Promise<Response> {
  return builtOrComing(request, env, "public");
}

/** GET /internal/s/{id}/: behind the gate like every internal page. */
export function internalReportPage(request: ValidatedRequest<ReportPageParams>, env: Env): Promise<Response> {
  return behindGate(request, env, () => builtOrComing(request, env, "internal"));
}

async function builtOrComing(request: ValidatedRequest<ReportPageParams>, env: Env, audience: Audience): Promise<Response> {
  // The built page when there is one: the Worker may run first (internally always), and a build may
  // have landed since the request was routed.
  const built = await env.ASSETS.fetch(new Request(request.url, { method: request.method, headers: request.headers }));
  if (built.status !== 404) return built;
  const { id, range } = request.input.params;
  if (range !== undefined && !RANGE_PATHS.includes(range)) return siteNotFound(request, env);
  const survey = SURVEY_ID_PATTERN.test(id) ? await getSurvey(env.DB, id) : null;
  if (survey === null || survey.archived || (audience === "public" && !survey.public)) return siteNotFound(request, env);
  return comingPage(survey, request.method === "HEAD");
}

const STYLE =
  ":root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a}" +
  "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9aa4ae}}" +
  'body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}' +
  "main{max-width:36rem;margin:0 auto;padding:2rem 1rem}h1{font-size:1.5rem;margin:.5rem 0}.muted{color:var(--muted)}p{overflow-wrap:anywhere}";

function comingPage(survey: StoredSurvey, head: boolean): Response {
  const text = reportComingMessages(survey.locale);
  const html =
    `<!doctype html><html lang="${survey.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="robots" content="noindex"><title>${escapeHtml(text.title)}</title><style>${STYLE}</style></head>` +
    `<body><main><h1>${escapeHtml(text.title)}</h1><p>${escapeHtml(format(text.body, { name: survey.name }, survey.locale))}</p>` +
    `<p class="muted">${escapeHtml(text.later)}</p></main></body></html>`;
  return new Response(head ? null : html, {
    status: 404,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Robots-Tag": "noindex",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    },
  });
}
