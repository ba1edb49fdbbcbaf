import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../functions/index";
import { BASE } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";
import { createSurvey, invite, pathOf, PERSON, responseOf, type Invited } from "../helpers/respondent";

/**
 * The rate limits as the Worker's own fetch handler applies them, with the bindings swapped in the env
 * it is given: a limiter that throws, and TEST_LIMITER (3 a minute per key, vitest.config.ts).
 */

async function fetchIn(environment: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, init) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, environment, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument(init.method ?? "GET", `${BASE}${path}`, response);
  return response;
}

const broken: RateLimit = {
  limit: () => {
    throw new Error("rate limiting unavailable");
  },
};
const failing = { ...env, RESPONDENT_LIMITER: broken, API_LIMITER: broken } as Env;

let invitations: Invited[];
beforeAll(async () => {
  await createSurvey("wired-limits");
  invitations = (await invite("wired-limits", [{ recipient: "lim-a" }, { recipient: "lim-b" }, { recipient: "lim-c" }], { snippets: false })).invitations;
});

describe("a limiter binding that throws", () => {
  it("lets a respondent's tap through, and records it", async () => {
    const response = await fetchIn(failing, pathOf(invitations[2]!.links["5"]!), { headers: PERSON });
    expect(response.status).toBe(200);
    expect(await responseOf(invitations[2]!.id)).toMatchObject({ score: 5 });
  });

  it("lets API calls through, with a key and without one", async () => {
    const withKey = await fetchIn(failing, "/api/v1/surveys/wired-limits", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
    expect(withKey.status).toBe(200);
    // Without a key the address limit runs first; the answer must still be the scope check's 401.
    expect((await fetchIn(failing, "/api/v1/surveys/wired-limits")).status).toBe(401);
  });
});

describe("the respondent limit", () => {
  const tight = { ...env, RESPONDENT_LIMITER: env.TEST_LIMITER } as Env;

  it("is one budget per invitation token, shared by its score links, and leaves another invitation's alone", async () => {
    const [one, other] = invitations;
    // Round the five score links of one invitation: keyed per link, no link is used more than twice
    // in seven calls and none would ever be refused; keyed per token the fourth call in a window is.
    const scores = ["1", "2", "3", "4", "5", "1", "2"];
    const statuses: number[] = [];
    for (const score of scores) statuses.push((await fetchIn(tight, pathOf(one!.links[score]!), { headers: PERSON })).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses).toContain(429);
    // Windows are aligned to the clock, so a call after the first 429 may pass again; the other invitation's
    // first call passes whatever the first one spent.
    expect((await fetchIn(tight, pathOf(other!.links["3"]!), { headers: PERSON })).status).toBe(200);
    expect(await responseOf(other!.id)).toMatchObject({ score: 3 });
  });
});
