/**
 * GET /r/{token}/more/info: the email block's invisible link (functions/links/email-snippet.ts). No
 * person can see, focus or hear it, so whatever fetches it follows every link of the message: a
 * scanner. Its visit is kept as a "honeypot" event and the invitation re-decided at once: the counting
 * rule takes every request of the same client (network and user agent) near it for the scanner's.
 * It answers 204 with nothing to run or follow, and never records a score.
 */
import { recordChoice } from "../counting/record";
import { requestFacts, type CfLike } from "../counting/request-signals";
import type { ValidatedRequest } from "../http/route";
import { webhookOutbox } from "../webhooks/deliver";
import { resolveLink } from "./resolve";

/** The path segments after the token: two, so `/r/:token/:score` can never take them for a score. */
export const HONEYPOT_SUFFIX = "more/info";

const INERT = { "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow" };

export async function honeypot(request: ValidatedRequest<{ token: string }>, env: Env, ctx: ExecutionContext): Promise<Response> {
  const now = Date.now();
  const found = await resolveLink(env, request.input.params.token, request.headers.get("accept-language"), now);
  if (!found.ok) return new Response(null, { status: found.status, headers: INERT });
  const cf: CfLike | undefined = request.cf && "asn" in request.cf ? { asn: request.cf.asn, country: request.cf.country } : undefined;
  // Direct, even with INGEST_MODE = "queue": the queue carries choices only, and this is one per scanned email.
  await recordChoice(
    env.DB,
    {
      invitationId: found.invitation.id,
      surveyId: found.survey.id,
      kind: "honeypot",
      score: null,
      facts: requestFacts(request.headers, cf, new URL(request.url).origin),
      now,
    },
    { outbox: webhookOutbox(env, ctx), known: found.answer },
  );
  return new Response(null, { status: 204, headers: INERT });
}
