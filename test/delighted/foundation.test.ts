import { beforeAll, describe, expect, it } from "vitest";
import { basicKey } from "../../functions/delighted/auth";
import { foldFields } from "../../functions/delighted/input";
import { urlEncodedFields } from "../../functions/http/text";
import { api, createKey, errorOf } from "../helpers/api";
import { delighted, delightedKey } from "../helpers/delighted";

/**
 * What every Delighted-compatible route shares: the keys bound to a survey, HTTP Basic the way each
 * official client sends it, input read the way each client encodes it, and Delighted's error shapes.
 */

const SURVEY = "delighted-foundation";

beforeAll(async () => {
  const created = await api("POST", "/api/v1/surveys", { body: { id: SURVEY, name: "Support", metric: "nps" } });
  expect(created.status).toBe(201);
});

describe("Delighted-style keys", () => {
  it("are 44 characters at most, bound to one survey and shown once", async () => {
    const response = await api("POST", "/api/v1/keys", { body: { name: "Zendesk trigger", delighted_survey: SURVEY } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; key: string; scopes: string[]; delighted_survey: string };
    // Ruby's client breaks its Basic header on keys of 45 characters or more.
    expect(created.key).toMatch(/^tsd_[0-9a-f]{12}_[A-Za-z0-9_-]{27}$/);
    expect(created.key.length).toBe(44);
    expect(created.delighted_survey).toBe(SURVEY);
    const listed = (await (await api("GET", "/api/v1/keys")).json()) as { keys: Record<string, unknown>[] };
    const entry = listed.keys.find((key) => key.id === created.id);
    expect(entry).toMatchObject({ name: "Zendesk trigger", delighted_survey: SURVEY, scopes: [] });
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it("need an existing survey, and either scopes or a survey", async () => {
    const unknown = await api("POST", "/api/v1/keys", { body: { name: "x", delighted_survey: "no-such-survey" } });
    expect(unknown.status).toBe(400);
    expect((await errorOf(unknown)).field).toBe("delighted_survey");
    const both = await api("POST", "/api/v1/keys", { body: { name: "x", scopes: ["metrics:read"], delighted_survey: SURVEY } });
    expect(both.status).toBe(400);
    const neither = await api("POST", "/api/v1/keys", { body: { name: "x" } });
    expect(neither.status).toBe(400);
  });

  it("refuse an archived survey", async () => {
    await api("POST", "/api/v1/surveys", { body: { id: "delighted-archived", name: "Old", metric: "csat" } });
    expect((await api("DELETE", "/api/v1/surveys/delighted-archived")).status).toBe(200);
    const response = await api("POST", "/api/v1/keys", { body: { name: "x", delighted_survey: "delighted-archived" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/archived/);
  });
});

describe("authentication on /v1", () => {
  let key: string;
  beforeAll(async () => {
    key = await delightedKey(SURVEY);
  });

  it("takes the key as the Basic user name with the colon (Node, Ruby, PHP) and without it (Python)", async () => {
    expect((await delighted(key, "GET", "/v1/no-such-resource", { auth: "node" })).status).toBe(404);
    expect((await delighted(key, "GET", "/v1/no-such-resource", { auth: "python" })).status).toBe(404);
  });

  it("answers 401 in Delighted's shape without a key, with a wrong one, a revoked one, or a Tapscore key", async () => {
    const tapscoreKey = await createKey(["admin"]);
    const revoked = await api("POST", "/api/v1/keys", { body: { name: "gone", delighted_survey: SURVEY } });
    const { id, key: revokedKey } = (await revoked.json()) as { id: string; key: string };
    expect((await api("DELETE", `/api/v1/keys/${id}`)).status).toBe(204);
    const wrong = `${key.slice(0, -4)}AAAA`;
    for (const [secret, auth] of [[key, "none"], [wrong, "node"], [revokedKey, "python"], [tapscoreKey, "node"]] as const) {
      const response = await delighted(secret, "GET", "/v1/people", { auth });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Basic realm="tapscore"');
      const body = (await response.json()) as { status: number; message: string };
      expect(body.status).toBe(401);
      expect(typeof body.message).toBe("string");
    }
  });

  it("does not let a Delighted-style key in as a bearer on Tapscore's own API", async () => {
    expect((await api("GET", "/api/v1/surveys", { token: key })).status).toBe(401);
  });

  it("answers an unknown path in Delighted's 404 shape", async () => {
    const response = await delighted(key, "GET", "/v1/no-such-resource");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ status: 404, message: "Not Found" });
  });
});

describe("input as Delighted's clients encode it", () => {
  const fold = (encoded: string) => foldFields(urlEncodedFields(encoded));

  it("folds PHP's bracket notation into objects and lists, values as text", () => {
    expect(fold("email=a%40example.com&properties[plan]=pro&properties[seats]=3&send=false")).toEqual({
      email: "a@example.com",
      properties: { plan: "pro", seats: "3" },
      send: "false",
    });
    expect(fold("properties[customer][tier]=gold")).toEqual({ properties: { customer: { tier: "gold" } } });
  });

  it("reads expand[]=person (Ruby, Python) and expand=person (Node) as the same parameter", () => {
    expect(fold("expand[]=person")).toEqual({ expand: ["person"] });
    expect(fold("expand=person")).toEqual({ expand: "person" });
    expect(fold("expand[]=person&expand[]=notes")).toEqual({ expand: ["person", "notes"] });
    expect(fold("expand=person&expand=notes")).toEqual({ expand: ["person", "notes"] });
  });

  it("never makes a prototype key into a field", () => {
    const folded = fold("__proto__[polluted]=1&constructor[prototype][x]=1&ok=1");
    expect(folded).toEqual({ ok: "1" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses escapes that are not UTF-8, naming the field", () => {
    expect(() => fold("name=%FF")).toThrow(/name/);
  });

  it("reads the key from Basic with and without the colon, and nothing from other schemes", () => {
    const key = "tsd_0123456789ab_abcdefghijklmnopqrstuvwxyz0";
    expect(basicKey(`Basic ${btoa(`${key}:`)}`)).toBe(key);
    expect(basicKey(`Basic ${btoa(key)}`)).toBe(key);
    expect(basicKey(`basic   ${btoa(`${key}:ignored-password`)}`)).toBe(key);
    expect(basicKey(`Bearer ${key}`)).toBeNull();
    expect(basicKey("Basic !!!")).toBeNull();
    expect(basicKey(null)).toBeNull();
  });
});

describe("bodies on /v1", () => {
  it("a JSON body that is not JSON is a 422 naming nothing in particular, never a 5xx", async () => {
    const key = await delightedKey(SURVEY);
    const response = await delighted(key, "POST", "/v1/unsubscribes", { headers: { "content-type": "application/json" }, form: "{not json" });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { status: number; errors: Record<string, string[]> };
    expect(body.status).toBe(422);
    expect(Object.keys(body.errors)).toEqual(["base"]);
  });

  it("are refused in other media types with 415", async () => {
    const key = await delightedKey(SURVEY);
    const response = await delighted(key, "POST", "/v1/unsubscribes", { headers: { "content-type": "text/plain" }, form: "person_email=a@example.com" });
    expect(response.status).toBe(415);
  });
});
