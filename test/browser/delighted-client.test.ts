/**
 * Delighted's official npm client (2.2.0, unchanged) against a running Tapscore: pointed at it by host,
 * port, scheme and base, with a Delighted-style key, it does what a migrating integration does — create
 * people (an email goes out), page through them, read responses after a tap, read metrics, unsubscribe,
 * delete, and Autopilot. Nothing here speaks HTTP itself but the admin calls that set Tapscore up and
 * check it from its own API.
 */
import http from "node:http";
import delighted, { type Client } from "delighted";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { adminApi, startServer, type Server } from "./harness";

const PERSON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

let server: Server;
let client: Client;
let autopilot: Client;

interface SendItem {
  id: string;
  recipient: string;
  status: string;
}

async function keyFor(survey: string): Promise<string> {
  return (await adminApi<{ key: string }>(server, "POST", "/api/v1/keys", { name: `Delighted ${survey}`, delighted_survey: survey })).key;
}

function clientFor(key: string): Client {
  const { hostname, port } = new URL(server.base);
  return delighted(key, { host: hostname, port: Number(port), scheme: "http", base: "/v1" });
}

const tick = async () => expect((await fetch(`${server.base}/cdn-cgi/handler/scheduled`)).status).toBe(200);

async function sendsTo(recipient: string): Promise<SendItem[]> {
  const { sends } = await adminApi<{ sends: SendItem[] }>(server, "GET", "/api/v1/sends?survey=dl-nps&limit=200");
  return sends.filter((send) => send.recipient === recipient);
}

beforeAll(async () => {
  server = await startServer();
  // Properties reach answers for the survey's segments only (docs/coming-from-delighted.md).
  await adminApi(server, "POST", "/api/v1/surveys", { id: "dl-nps", name: "Support NPS", metric: "nps", segments: ["plan", "seats"] });
  await adminApi(server, "POST", "/api/v1/surveys", { id: "dl-autopilot", name: "Quarterly NPS", metric: "nps", recurrence: { every_days: 90 } });
  client = clientFor(await keyFor("dl-nps"));
  autopilot = clientFor(await keyFor("dl-autopilot"));
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe("Delighted's npm client against Tapscore", () => {
  it("creates a person: a survey email is scheduled, then sent by the cron", async () => {
    const before = Math.floor(Date.now() / 1000);
    const person = await client.person.create({ email: "Ana@Example.com", name: "Ana", properties: { plan: "pro", seats: 3 } });
    expect(person.id).toBe("ana@example.com");
    expect(person.email).toBe("Ana@Example.com");
    expect(person.name).toBe("Ana");
    expect(person.properties).toEqual({ plan: "pro", seats: "3" });
    expect(person.survey_scheduled_at).toBeGreaterThanOrEqual(before);

    expect((await sendsTo("ana@example.com")).map((send) => send.status)).toEqual(["scheduled"]);
    await tick();
    await expect.poll(async () => (await sendsTo("ana@example.com")).map((send) => send.status), { timeout: 20_000 }).toEqual(["sent"]);
  });

  it("lists people across three pages, following the Link header", async () => {
    for (const name of ["Bo", "Cy", "Di", "Ed", "Flo"]) {
      await client.person.create({ email: `${name.toLowerCase()}@example.com`, name, send: false });
    }
    const request = vi.spyOn(http, "request");
    const listed: string[] = [];
    await client.person.list({ per_page: 2 }).autoPagingEach((person) => void listed.push(String(person.email)));
    const pages = request.mock.calls.length;
    request.mockRestore();
    expect(listed).toEqual(["Ana@Example.com", "bo@example.com", "cy@example.com", "di@example.com", "ed@example.com", "flo@example.com"]);
    expect(pages).toBe(3);
    // send: false scheduled nothing for them.
    expect(await sendsTo("bo@example.com")).toEqual([]);
  });

  it("reads the survey response a tap on the email made, with the person expanded", async () => {
    const [send] = await sendsTo("ana@example.com");
    const message = await adminApi<{ message: { text: string } }>(server, "GET", `/api/v1/sends/${send!.id}`);
    const link = /http:\/\/127\.0\.0\.1:\d+\/r\/[^\s/]+\/9\b/.exec(message.message.text)?.[0];
    expect(link).toBeDefined();
    expect((await fetch(link!, { headers: { "user-agent": PERSON_UA, accept: "text/html" } })).status).toBe(200);

    const responses = await client.surveyResponse.all({ expand: ["person"] });
    expect(responses).toHaveLength(1);
    const [response] = responses;
    expect(response).toMatchObject({ score: 9, survey_type: "nps", comment: null, person_properties: { plan: "pro", seats: "3" } });
    expect(response!.person).toMatchObject({ id: "ana@example.com", email: "Ana@Example.com", name: "Ana" });
    const one = await client.surveyResponse.retrieve(String(response!.id), { expand: ["person"] });
    expect(one.id).toBe(response!.id);
    expect((one.person as { email: string }).email).toBe("Ana@Example.com");
  });

  it("reads metrics equal to Tapscore's metrics API", async () => {
    await client.surveyResponse.create({ person: "bo@example.com", score: 3 });
    await client.surveyResponse.create({ person: "cy@example.com", score: 7 });
    await tick();
    // Today, a UTC day (the survey's time zone): the client turns Dates into Unix seconds.
    const today = new Date().toISOString().slice(0, 10);
    const metrics = await client.metrics.retrieve({ since: new Date(`${today}T00:00:00Z`), until: new Date() });
    const ours = await adminApi<{ headline: { value: number; n: number }; nps_split: Record<"promoters" | "passives" | "detractors", { count: number; percent: number }> }>(
      server,
      "GET",
      `/api/v1/surveys/dl-nps/metrics?from=${today}&to=${today}`,
    );
    // One promoter (9), one passive (7), one detractor (3): NPS 0, each a third.
    expect(metrics).toMatchObject({ nps: 0, response_count: 3, promoter_count: 1, passive_count: 1, detractor_count: 1 });
    expect(metrics.nps).toBe(ours.headline.value);
    expect(metrics.response_count).toBe(ours.headline.n);
    expect(metrics.promoter_percent).toBe(ours.nps_split.promoters.percent);
    expect(metrics.passive_percent).toBe(ours.nps_split.passives.percent);
    expect(metrics.detractor_percent).toBe(ours.nps_split.detractors.percent);
  });

  it("unsubscribes a person: the next create sends nothing", async () => {
    await client.unsubscribe.create({ person_email: "ana@example.com" });
    const unsubscribes = await client.unsubscribe.all();
    expect(unsubscribes.map((u) => u.email)).toEqual(["ana@example.com"]);
    const again = await client.person.create({ email: "ana@example.com" });
    expect(again.survey_scheduled_at).toBeNull();
    expect((await sendsTo("ana@example.com")).map((send) => send.status).sort()).toEqual(["sent", "suppressed"]);
  });

  it("cancels a person's pending survey emails", async () => {
    await client.person.create({ email: "gil@example.com", delay: 3600 });
    expect((await sendsTo("gil@example.com")).map((send) => send.status)).toEqual(["scheduled"]);
    expect(await client.surveyRequest.deletePending({ person_email: "gil@example.com" })).toEqual({ ok: true });
    expect((await sendsTo("gil@example.com")).map((send) => send.status)).toEqual(["cancelled"]);
  });

  it("deletes a person: gone from people, responses and messages", async () => {
    expect(await client.person.delete({ email: "ana@example.com" })).toEqual({ ok: true });
    const gone = await fetch(`${server.base}/api/v1/people/ana%40example.com`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(gone.status).toBe(404);
    expect(await sendsTo("ana@example.com")).toEqual([]);
    const left = await client.surveyResponse.all();
    expect(left.map((response) => response.person).sort()).toEqual(["bo@example.com", "cy@example.com"]);
    expect(await client.person.delete({ id: "bo@example.com" })).toEqual({ ok: true });
  });

  it("runs Autopilot on a recurring survey: configuration, memberships across pages, removal", async () => {
    const configuration = await autopilot.autopilotConfiguration.retrieve("email");
    expect(configuration).toMatchObject({ platform_id: "email", active: true, frequency: 90 * 86_400 });

    const memberships = autopilot.autopilotMembership.forEmail();
    for (const name of ["hal", "ivy", "jo"]) {
      const created = await memberships.create({ person_email: `${name}@example.com`, person_name: name.toUpperCase(), properties: { team: "blue" } });
      expect((created.person as { email: string }).email).toBe(`${name}@example.com`);
    }
    const listed: string[] = [];
    await memberships.list({ per_page: 2 }).autoPagingEach((membership) => void listed.push((membership.person as { email: string }).email));
    expect(listed.sort()).toEqual(["hal@example.com", "ivy@example.com", "jo@example.com"]);

    const removed = await memberships.delete({ person_email: "ivy@example.com" });
    expect((removed.person as { email: string }).email).toBe("ivy@example.com");
    const after: string[] = [];
    await memberships.list().autoPagingEach((membership) => void after.push((membership.person as { email: string }).email));
    expect(after.sort()).toEqual(["hal@example.com", "jo@example.com"]);
  });

  it("answers Python's GET with a {} body and a bare-key Basic header, over HTTP", async () => {
    const { hostname, port } = new URL(server.base);
    const key = await keyFor("dl-nps");
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          hostname,
          port: Number(port),
          method: "GET",
          path: "/v1/survey_responses?per_page=100&expand%5B%5D=person",
          headers: { authorization: `Basic ${Buffer.from(key).toString("base64")}`, "content-type": "application/json", accept: "application/json", "content-length": "2" },
        },
        (response) => {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (body += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.end("{}");
    });
    expect(answer.status).toBe(200);
    const responses = JSON.parse(answer.body) as { person: { id: string } }[];
    expect(responses.map((r) => r.person.id).sort()).toEqual(["cy@example.com"]);
  });

  it("raises the client's own errors for what Tapscore refuses", async () => {
    await expect(client.person.create({ email: "not an address" })).rejects.toMatchObject({ type: "ResourceValidationError" });
    const stranger = clientFor("tsd_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAA");
    await expect(stranger.metrics.retrieve()).rejects.toMatchObject({ type: "AuthenticationError" });
  });
});
