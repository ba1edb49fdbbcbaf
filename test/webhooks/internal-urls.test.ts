import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../functions/index";
import { emitMetricDrop } from "../../functions/webhooks/announce";
import { api, BASE, errorOf } from "../helpers/api";
import { checkAgainstDocument } from "../helpers/document";
import { createSurvey, invite, nonceOf, postForm, visit } from "../helpers/respondent";
import { deliveries, type DeliveryView } from "../helpers/webhooks";
import { metricDrop } from "../helpers/metric-drop";

/**
 * Webhooks never reach internal addresses (issue #12): refused at creation, and again before every
 * attempt, so a URL stored before the rule existed (or one the environment does not allow) is never
 * called. Outbound fetch is replaced by a recording function; what it was called with is the proof.
 */

/** Refused in every environment: the red team's URLs and other spellings of internal places. */
const INTERNAL = [
  "https://169.254.169.254/latest/meta-data/",
  "https://10.0.0.1/",
  "https://192.168.1.1:8443/",
  "https://metadata.google.internal/computeMetadata/v1/",
  "https://2852039166/",
  "https://0xa9fea9fe/",
  "https://10.1/",
  "https://[::ffff:127.0.0.1]/",
  "https://[::ffff:7f00:1]/",
  "https://[64:ff9b::10.0.0.1]/",
  "https://[fd00::1]/",
  "https://[fe80::1]/",
  "https://100.64.0.1/",
  "https://0.0.0.0/",
  "https://good.com@127.0.0.1/",
  "https://printer.local/",
  "https://router.home.arpa/",
  "https://nas.lan/",
  "https://metadata/",
];

/** This machine: taken in development (the tests' environment), refused once deployed. */
const LOOPBACK = ["https://[::1]:8787/", "https://localhost:22/", "http://127.1:6379/", "http://0x7f000001/", "http://127.0.0.1:8788/hook", "https://LOCALHOST./"];

interface Call {
  url: string;
  redirect: RequestInit["redirect"];
}
let calls: Call[] = [];
/** How the stand-in receiver answers; 200 unless a test says otherwise. */
let answer: () => Response = () => new Response("ok");

beforeEach(() => {
  calls = [];
  answer = () => new Response("ok");
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), redirect: init?.redirect });
    return answer();
  });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await env.DB.prepare("DELETE FROM webhook_deliveries").run();
  await env.DB.prepare("DELETE FROM webhooks").run();
});

/** Calls the Worker with its configuration changed; the answer is still held against the OpenAPI document. */
async function apiWith(vars: Partial<Pick<Env, "ENVIRONMENT">>, method: string, path: string, body: unknown): Promise<Response> {
  const url = `${BASE}${path}`;
  const request = new Request(url, {
    method,
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const ctx = createExecutionContext();
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  await checkAgainstDocument(method, url, response);
  return response;
}

const rowsWithUrl = async (url: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM webhooks WHERE url = ?1").bind(url).first<{ n: number }>())!.n;

async function expectRefused(response: Response, url: string): Promise<void> {
  expect(response.status).toBe(400);
  const error = await errorOf(response);
  expect(error).toMatchObject({ code: "invalid_field", field: "url" });
  expect(error.message).toMatch(/^url: must /);
  expect(await rowsWithUrl(url)).toBe(0);
}

describe("creating a webhook", () => {
  it.each(INTERNAL)("refuses %s with 400 naming url, and creates nothing", async (url) => {
    await expectRefused(await api("POST", "/api/v1/webhooks", { body: { url, events: ["metric.drop"] } }), url);
    await expectRefused(await apiWith({ ENVIRONMENT: "production" }, "POST", "/api/v1/webhooks", { url, events: ["metric.drop"] }), url);
  });

  it.each(LOOPBACK)("takes %s in development and refuses it in production", async (url) => {
    await expectRefused(await apiWith({ ENVIRONMENT: "production" }, "POST", "/api/v1/webhooks", { url, events: ["metric.drop"] }), url);
    const created = await api("POST", "/api/v1/webhooks", { body: { url, events: ["metric.drop"] } });
    expect(created.status).toBe(201);
    expect(await rowsWithUrl(url)).toBe(1);
  });

  it("says what is wrong with the URL", async () => {
    const response = await api("POST", "/api/v1/webhooks", { body: { url: "https://0xa9fea9fe/", events: ["metric.drop"] } });
    expect((await errorOf(response)).message).toMatch(/169\.254\.169\.254 is a link-local address/);
  });

  it("takes a public https endpoint on any port, also once deployed", async () => {
    for (const url of ["https://hooks.slack.com/services/x", "https://example.com:8443/x", "https://[2606:4700:4700::1111]/hook"]) {
      const response = await apiWith({ ENVIRONMENT: "production" }, "POST", "/api/v1/webhooks", { url, events: ["metric.drop"] });
      expect(response.status, url).toBe(201);
    }
  });
});

// ── Delivery ──

const SURVEY = "internal-hooks";
const SECRET = `whsec_${btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))}`;

beforeAll(async () => {
  await createSurvey(SURVEY);
});

/** A webhook row as one written before the rule existed: straight into the table, past the API. */
async function storedWebhook(id: string, url: string, events: string[]): Promise<void> {
  await env.DB.prepare("INSERT INTO webhooks (id, url, events, survey_id, format, secret, created_at) VALUES (?1, ?2, ?3, ?4, 'standard', ?5, ?6)")
    .bind(id, url, JSON.stringify(events), SURVEY, SECRET, Date.now())
    .run();
}

const FACTS = { id: SURVEY, name: "Internal", metric: "csat" as const, scale: { min: 1, max: 5 }, satisfied_min: 4 };
const DROP = metricDrop("2026-03-02", "2026-03-08");

/** One cron tick through the Worker's own scheduled handler, in the given environment. */
async function cronTick(at: number, vars: Partial<Pick<Env, "ENVIRONMENT">> = {}): Promise<void> {
  const ctx = createExecutionContext();
  worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
}

describe("delivering to a stored URL", () => {
  it("never calls an internal one: the delivery fails at once as refused, and is not retried", async () => {
    await storedWebhook("wh_0000000000000001", "https://169.254.169.254/latest/meta-data/", ["metric.drop"]);
    await storedWebhook("wh_0000000000000002", "http://0x7f000001:6379/", ["metric.drop"]);
    await storedWebhook("wh_0000000000000003", "https://hooks.example.com/drops", ["metric.drop"]);
    expect(await emitMetricDrop(env, FACTS, DROP)).toBe(3);

    await cronTick(Date.now() + 1_000, { ENVIRONMENT: "production" });
    expect(calls.map((c) => c.url)).toEqual(["https://hooks.example.com/drops"]);
    for (const id of ["wh_0000000000000001", "wh_0000000000000002"]) {
      expect(await deliveries(id)).toEqual([expect.objectContaining({ status: "failed", attempts: 1, log: [{ at: expect.any(String), status: null, error: "refused", duration_ms: 0 }] })]);
    }
    expect(await deliveries("wh_0000000000000003")).toEqual([expect.objectContaining({ status: "delivered", log: [expect.objectContaining({ status: 200 })] })]);

    // Past every retry delay: nothing more is attempted.
    await cronTick(Date.now() + 30 * 86_400_000);
    expect(calls).toHaveLength(1);
  });

  it("calls http://127.0.0.1 in development only", async () => {
    await storedWebhook("wh_0000000000000004", "http://127.0.0.1:8788/hook", ["metric.drop"]);
    await emitMetricDrop(env, FACTS, DROP);
    await cronTick(Date.now() + 1_000, { ENVIRONMENT: "production" });
    expect(calls).toEqual([]);
    expect((await deliveries("wh_0000000000000004"))[0]).toMatchObject({ status: "failed", log: [{ status: null, error: "refused" }] });

    await emitMetricDrop(env, FACTS, { ...DROP, from: "2026-03-09", to: "2026-03-15" });
    await cronTick(Date.now() + 1_000);
    expect(calls.map((c) => c.url)).toEqual(["http://127.0.0.1:8788/hook"]);
  });

  it("refuses in the send right after a person's confirmed choice, too", async () => {
    await storedWebhook("wh_0000000000000005", "https://10.0.0.1/hook", ["response.created"]);
    const [invitation] = (await invite(SURVEY, [{ recipient: "confirmed" }])).invitations;
    const html = await (await visit(invitation!.url)).text();
    expect((await postForm(invitation!.url, { action: "choose", score: "5", nonce: nonceOf(html) })).status).toBe(200);
    let log: DeliveryView[] = [];
    for (let i = 0; i < 100 && !(log[0]?.attempts ?? 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      log = await deliveries("wh_0000000000000005");
    }
    expect(log).toEqual([expect.objectContaining({ status: "failed", attempts: 1, log: [expect.objectContaining({ status: null, error: "refused" })] })]);
    expect(calls).toEqual([]);
  });

  it("does not follow a redirect: a 3xx is a failed attempt, its Location never called", async () => {
    await storedWebhook("wh_0000000000000006", "https://hooks.example.com/moved", ["metric.drop"]);
    answer = () => new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });
    await emitMetricDrop(env, FACTS, DROP);
    await cronTick(Date.now() + 1_000);
    expect(calls).toEqual([{ url: "https://hooks.example.com/moved", redirect: "manual" }]);
    expect(await deliveries("wh_0000000000000006")).toEqual([expect.objectContaining({ status: "pending", log: [expect.objectContaining({ status: 302, error: null })] })]);
  });

  it("keeps only the kind of a network failure, never its text", async () => {
    await storedWebhook("wh_0000000000000007", "https://hooks.example.com/down", ["metric.drop"]);
    answer = () => {
      throw new TypeError("connect ECONNREFUSED 10.9.8.7:443");
    };
    const logged = [vi.spyOn(console, "log"), vi.spyOn(console, "error"), vi.spyOn(console, "warn")];
    await emitMetricDrop(env, FACTS, DROP);
    await cronTick(Date.now() + 1_000);
    expect(calls).toHaveLength(1);
    expect((await deliveries("wh_0000000000000007"))[0]).toMatchObject({ status: "pending", log: [{ status: null, error: "network" }] });
    const { attempt_log } = (await env.DB.prepare("SELECT attempt_log FROM webhook_deliveries WHERE webhook_id = ?1").bind("wh_0000000000000007").first<{ attempt_log: string }>())!;
    expect(attempt_log).not.toMatch(/10\.9\.8\.7|ECONNREFUSED/);
    for (const spy of logged) expect(JSON.stringify(spy.mock.calls)).not.toMatch(/10\.9\.8\.7|ECONNREFUSED/);
  });
});
