/**
 * The bench's second baseline: the one-tap route's own work with no storage at all, so `npm run bench`
 * shows how much of the bare Worker's rate is left before any D1 round trip or queue send. The same
 * functions the route calls, in its order: the respondent rate limit (the binding, as configured in
 * wrangler.toml), the token, the request's facts, the score, the thank-you page. The survey is fixed
 * (as the link's read would return it) and nothing is recorded; it is a measuring stick, never served.
 */
import { limitRequest } from "../functions/http/rate-limit";
import { linkSecrets } from "../functions/links/link-secrets";
import { verifyToken } from "../functions/links/token";
import { requestFacts, type CfLike } from "../functions/counting/request-signals";
import { parseScore } from "../functions/respondent/form";
import { errorPage } from "../functions/respondent/page";
import { pageResponse } from "../functions/respondent/routes";
import { htmlResponse } from "../functions/respondent/html-response";
import { base64url, randomBytes } from "../functions/security/secrets";
import { parseNewSurvey } from "../functions/surveys/survey-input";

const SURVEY = parseNewSurvey({ id: "bench", name: "Bench", metric: "csat" });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    await limitRequest(Object.assign(request, { route: "/r/:token/:score", params: {}, query: {} }), env);
    const [, , token = "", rawScore] = new URL(request.url).pathname.split("/");
    const verified = await verifyToken(linkSecrets(env), token, Date.now());
    if (!verified.ok) return htmlResponse(errorPage("invalid", "en"), 404);
    requestFacts(request.headers, (request as { cf?: CfLike }).cf, new URL(request.url).origin);
    const score = parseScore(rawScore, SURVEY.scale);
    const nonce = base64url(randomBytes(12));
    return pageResponse({ survey: SURVEY, locale: "en", token, chosen: score, comment: null, nonce, brand: null }, score === null ? 400 : 200);
  },
};
