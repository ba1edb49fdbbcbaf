import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { router } from "../../functions/router";
import { ROUTES } from "../../functions/routes";
import { BASE, api } from "../helpers/api";
import { tableCounts } from "../helpers/tables";
import { checkAgainstDocument } from "../helpers/document";
import { delighted, delightedKey } from "../helpers/delighted";

/**
 * The same calls as the npm client's (test/browser/delighted-client.test.ts), made at the HTTP level the
 * way Delighted's Python, PHP and Ruby clients make them, read from their sources: Python's bare-key
 * Basic header and `{}` body on every GET, PHP's form bodies with brackets and strings for booleans,
 * Ruby's and Python's `expand[]=person`, the `.json` paths of Delighted's documentation, and a 429 that
 * every client can wait out.
 */

const SURVEY = "delighted-clients";
let key: string;

beforeAll(async () => {
  expect((await api("POST", "/api/v1/surveys", { body: { id: SURVEY, name: "Clients", metric: "nps" } })).status).toBe(201);
  key = await delightedKey(SURVEY);
});

interface PersonCreated {
  id: string;
  email: string;
  name: string | null;
  survey_scheduled_at: number | null;
  properties: Record<string, string>;
}

describe("Python's client", () => {
  it("creates a person with a bare-key Basic header and JSON", async () => {
    const response = await delighted(key, "POST", "/v1/people", { auth: "python", json: { email: "py@example.com", name: "Py", properties: { plan: "team" }, send: false } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: "py@example.com", email: "py@example.com", name: "Py", survey_scheduled_at: null, properties: { plan: "team" } });
  });

  // Python's GET also carries a `{}` body, which a Request made here cannot: test/browser/delighted-client.test.ts sends it over HTTP.
  it("lists with expand[]=person", async () => {
    const people = await delighted(key, "GET", "/v1/people?per_page=100", { auth: "python" });
    expect(people.status).toBe(200);
    expect(((await people.json()) as { email: string }[]).map((p) => p.email)).toContain("py@example.com");
    const responses = await delighted(key, "GET", "/v1/survey_responses?expand%5B%5D=person&per_page=5&page=1", { auth: "python" });
    expect(responses.status).toBe(200);
    expect(await responses.json()).toEqual([]);
    const metrics = await delighted(key, "GET", "/v1/metrics", { auth: "python" });
    expect(metrics.status).toBe(200);
    expect(await metrics.json()).toMatchObject({ nps: null, response_count: 0 });
  });
});

describe("PHP's client", () => {
  it("creates a person from a form body with brackets, and send => false as PHP writes it (send=0)", async () => {
    const response = await delighted(key, "POST", "/v1/people", { form: "email=php%40example.com&name=P+H+P&properties%5Bplan%5D=pro&properties%5Bcountry%5D=NL&send=0" });
    expect(response.status).toBe(200);
    const person = (await response.json()) as PersonCreated;
    expect(person).toEqual({ id: "php@example.com", email: "php@example.com", name: "P H P", survey_scheduled_at: null, properties: { plan: "pro", country: "NL" } });
  });

  it("schedules with delay as text, and unsubscribes and deletes with forms", async () => {
    const before = Math.floor(Date.now() / 1000);
    const created = (await (await delighted(key, "POST", "/v1/people", { form: "email=later%40example.com&delay=3600" })).json()) as PersonCreated;
    expect(created.survey_scheduled_at).toBeGreaterThanOrEqual(before + 3600);
    expect(created.survey_scheduled_at).toBeLessThan(before + 3600 + 60);
    const unsubscribed = await delighted(key, "POST", "/v1/unsubscribes", { form: "person_email=later%40example.com" });
    expect(unsubscribed.status).toBe(200);
    expect(await unsubscribed.json()).toEqual({ ok: true });
    const deleted = await delighted(key, "DELETE", "/v1/people/email%3Alater%40example.com", { form: "" });
    expect(deleted.status).toBe(202);
    expect(await deleted.json()).toEqual({ ok: true });
  });

  it("gets Delighted's 422 for an invalid address in a form", async () => {
    const response = await delighted(key, "POST", "/v1/people", { form: "email=not-an-address" });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ status: 422, message: "Unprocessable Entity", errors: { email: ["is invalid"] } });
  });
});

describe("a lone surrogate in any JSON body", () => {
  // One request per Delighted route that takes a body: the JSON parser refuses it before any handler runs.
  const cases = [
    { operationId: "delightedCreatePerson", method: "POST", path: "/v1/people", body: { email: "lone@example.com", name: "sur\ud800x" }, field: "name" },
    { operationId: "delightedCreateUnsubscribe", method: "POST", path: "/v1/unsubscribes", body: { person_email: "a\ud800@example.com" }, field: "person_email" },
    { operationId: "delightedCreateSurveyResponse", method: "POST", path: "/v1/survey_responses", body: { person: "p", score: 9, comment: "sur\ud800x" }, field: "comment" },
    { operationId: "delightedUpdateSurveyResponse", method: "PUT", path: "/v1/survey_responses/rsp_none", body: { comment: "sur\ud800x" }, field: "comment" },
    { operationId: "delightedSaveSurveyResponse", method: "PUT", path: "/v1/survey_responses", body: { id: "rsp_none", comment: "sur\ud800x" }, field: "comment" },
    { operationId: "delightedCreateAutopilotMembership", method: "POST", path: "/v1/autopilot/email/memberships", body: { person_email: "m@example.com", person_name: "sur\ud800x" }, field: "person_name" },
    { operationId: "delightedDeleteAutopilotMembership", method: "DELETE", path: "/v1/autopilot/email/memberships", body: { person_email: "m\ud800@example.com" }, field: "person_email" },
  ];

  it("is tried on every Delighted route that takes a body", () => {
    const withBody = ROUTES.filter((r) => r.delighted && r.body).map((r) => r.operationId);
    expect(cases.map((c) => c.operationId).sort()).toEqual(withBody.sort());
  });

  it.each(cases)("$operationId: 422 naming $field, nothing written", async ({ method, path, body, field }) => {
    const before = await tableCounts();
    // JSON.stringify writes the lone surrogate as the escape \ud800, which JSON.parse reads back as one.
    const response = await delighted(key, method, path, { json: body });
    expect(response.status).toBe(422);
    const refusal = (await response.json()) as { errors: Record<string, string[]> };
    expect(Object.keys(refusal.errors)).toEqual([field]);
    expect(refusal.errors[field]![0]).toContain("well-formed Unicode");
    expect(await tableCounts()).toEqual(before);
  });
});

describe("Delighted's documented paths", () => {
  it("serve /v1/<resource>.json like /v1/<resource>", async () => {
    const plain = await delighted(key, "GET", "/v1/people?per_page=100");
    const suffixed = await delighted(key, "GET", "/v1/people.json?per_page=100");
    expect(suffixed.status).toBe(200);
    expect(await suffixed.json()).toEqual(await plain.json());
    expect((await delighted(key, "GET", "/v1/metrics.json")).status).toBe(200);
  });
});

describe("rate limits", () => {
  // The real router with the tight TEST_LIMITER (3 a minute) as the API limiter (vitest.config.ts).
  const tight = { ...env, API_LIMITER: env.TEST_LIMITER };
  async function call(path: string): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await router.fetch(new Request(`${BASE}${path}`, { headers: { authorization: `Basic ${btoa(key)}` } }), tight, ctx);
    await waitOnExecutionContext(ctx);
    await checkAgainstDocument("GET", `${BASE}${path}`, response);
    return response;
  }

  it("answer 429 with an integer Retry-After, in Delighted's shape", async () => {
    let limited: Response | null = null;
    for (let i = 0; i < 8 && !limited; i++) {
      const response = await call("/v1/metrics");
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(200);
    }
    expect(limited).not.toBeNull();
    expect(limited!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited!.json()).toEqual({ status: 429, message: "Too Many Requests" });
  });
});
