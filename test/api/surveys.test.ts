import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";

const minimal = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `Survey ${id}`, metric: "csat", ...extra });

async function surveyRow(id: string) {
  return env.DB.prepare("SELECT * FROM surveys WHERE id = ?1").bind(id).first<Record<string, unknown>>();
}

describe("creating surveys", () => {
  it("fills every default for a minimal CSAT survey", async () => {
    const response = await api("POST", "/api/v1/surveys", { body: minimal("support-csat") });
    expect(response.status).toBe(201);
    expect(response.headers.get("location")).toBe("/api/v1/surveys/support-csat");
    expect(await response.json()).toMatchObject({
      id: "support-csat",
      metric: "csat",
      scale: { min: 1, max: 5 },
      satisfied_min: 4,
      headline: "percent",
      locale: "en",
      timezone: "UTC",
      segments: [],
      public: false,
      min_public_n: 10,
      target: null,
      benchmark: null,
      archived: false,
      archived_at: null,
    });
  });

  it.each([
    ["nps", undefined, { min: 0, max: 10 }, 9, "percent"],
    ["ces", undefined, { min: 1, max: 7 }, 5, "mean"],
    ["ces", { min: 1, max: 5 }, { min: 1, max: 5 }, 4, "mean"],
    ["csat", { min: 1, max: 10 }, { min: 1, max: 10 }, 9, "percent"],
    ["csat", { min: 1, max: 7 }, { min: 1, max: 7 }, 6, "percent"],
    ["intent", undefined, { min: 1, max: 5 }, 4, "percent"],
  ])("%s with scale %j defaults to %j, satisfied_min %i, headline %s", async (metric, scale, expected, satisfiedMin, headline) => {
    const id = `m-${metric}-${expected.max}-${scale ? "x" : "d"}`;
    const response = await api("POST", "/api/v1/surveys", { body: { id, name: "n", metric, ...(scale ? { scale } : {}) } });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ scale: expected, satisfied_min: satisfiedMin, headline });
  });

  it("keeps every optional field as given", async () => {
    const body = {
      id: "delivery-rating",
      name: "Delivery speed",
      metric: "rating",
      scale: { min: 1, max: 10 },
      satisfied_min: 8,
      headline: "mean",
      question: { en: "How fast was delivery?", nl: "Hoe snel was de levering?" },
      locale: "nl",
      touchpoint: "delivery",
      attribute: "delivery speed",
      timezone: "Europe/Amsterdam",
      segments: ["agent", "plan"],
      public: true,
      min_public_n: 25,
      target: { value: 8.5, by: "2027-06-30" },
      benchmark: { value: 7.8, label: "Dutch retail 2026" },
      follow_up: { nl: "Wat kan beter?" },
    };
    const response = await api("POST", "/api/v1/surveys", { body });
    expect(response.status).toBe(201);
    const { id: _id, ...rest } = body;
    expect(await (await api("GET", "/api/v1/surveys/delivery-rating")).json()).toMatchObject(rest);
  });

  it("answers 409 for a duplicate id and leaves the first survey as it was", async () => {
    expect((await api("POST", "/api/v1/surveys", { body: minimal("dup", { name: "First" }) })).status).toBe(201);
    const second = await api("POST", "/api/v1/surveys", { body: minimal("dup", { name: "Second" }) });
    expect(second.status).toBe(409);
    expect(await errorOf(second)).toMatchObject({ code: "conflict", field: "id" });
    expect((await surveyRow("dup"))?.name).toBe("First");
  });

  it.each([
    [{ name: "x", metric: "csat" }, "id"],
    [minimal("Bad_Slug"), "id"],
    [minimal("-lead"), "id"],
    [{ id: "no-name", metric: "csat" }, "name"],
    [minimal("m1", { metric: "stars" }), "metric"],
    [minimal("s1", { scale: { min: 1, max: 6 } }), "scale"],
    [minimal("s2", { metric: "nps", scale: { min: 1, max: 10 } }), "scale"],
    [minimal("s3", { metric: "ces", scale: { min: 1, max: 10 } }), "scale"],
    [minimal("s4", { metric: "intent", scale: { min: 1, max: 7 } }), "scale"],
    [minimal("s5", { scale: { min: 1.5, max: 5 } }), "scale.min"],
    [minimal("sm1", { satisfied_min: 6 }), "satisfied_min"],
    [minimal("sm2", { satisfied_min: 3.5 }), "satisfied_min"],
    [minimal("sm3", { metric: "nps", satisfied_min: 8 }), "satisfied_min"],
    [minimal("h1", { headline: "median" }), "headline"],
    [minimal("q1", { question: { fr: "Bonjour?" } }), "question.fr"],
    [minimal("q2", { question: { en: "" } }), "question.en"],
    [minimal("q3", { question: {} }), "question"],
    [minimal("l1", { locale: "fr" }), "locale"],
    [minimal("t1", { touchpoint: "Support Desk" }), "touchpoint"],
    [minimal("r1", { metric: "rating" }), "attribute"],
    [minimal("tz1", { timezone: "Mars/Olympus" }), "timezone"],
    [minimal("tz2", { timezone: 5 }), "timezone"],
    [minimal("sg1", { segments: ["Agent Name"] }), "segments.0"],
    [minimal("sg2", { segments: ["agent", "agent"] }), "segments"],
    [minimal("sg3", { segments: ["country"] }), "segments"],
    [minimal("p1", { public: "yes" }), "public"],
    [minimal("n1", { min_public_n: 0 }), "min_public_n"],
    [minimal("tg1", { target: { value: 120, by: "2027-01-01" } }), "target.value"],
    [minimal("tg2", { target: { value: 80, by: "next year" } }), "target.by"],
    [minimal("tg3", { metric: "ces", target: { value: 9, by: "2027-01-01" } }), "target.value"],
    [minimal("b1", { benchmark: { value: 80 } }), "benchmark.label"],
    [minimal("f1", { follow_up: { en: "x".repeat(501) } }), "follow_up.en"],
    [minimal("u1", { colour: "blue" }), "colour"],
  ])("rejects %j with 400 naming %s, and stores nothing", async (body, field) => {
    const response = await api("POST", "/api/v1/surveys", { body });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("invalid_field");
    expect(error.field).toBe(field);
    expect(error.message.length).toBeGreaterThan(5);
    if (typeof (body as { id?: unknown }).id === "string") expect(await surveyRow((body as { id: string }).id)).toBeNull();
  });

  it.each([
    ["not json", "{", "application/json", 400, "invalid_json"],
    ["an array", "[]", "application/json", 400, "invalid_body"],
    ["null", "null", "application/json", 400, "invalid_body"],
    ["form data", "id=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
  ])("refuses a body that is %s", async (_what, body, type, status, code) => {
    const response = await api("POST", "/api/v1/surveys", { body, headers: { "content-type": type } });
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe(code);
  });

  it("refuses a body over 1 MiB with 413", async () => {
    const response = await api("POST", "/api/v1/surveys", { body: minimal("big", { name: "x".repeat(1_100_000) }) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
    expect(await surveyRow("big")).toBeNull();
  });
});

describe("reading, changing and archiving", () => {
  it("walks a survey through its life with a scoped key", async () => {
    const writer = await createKey(["surveys:write", "surveys:read"]);
    expect((await api("POST", "/api/v1/surveys", { token: writer, body: minimal("life") })).status).toBe(201);

    const patched = await api("PATCH", "/api/v1/surveys/life", { token: writer, body: { name: "Renamed", public: true, touchpoint: "support" } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ name: "Renamed", public: true, touchpoint: "support", metric: "csat" });

    const cleared = await api("PATCH", "/api/v1/surveys/life", { token: writer, body: { touchpoint: null } });
    expect(await cleared.json()).toMatchObject({ touchpoint: null, name: "Renamed" });

    const archived = await api("DELETE", "/api/v1/surveys/life", { token: writer });
    expect(archived.status).toBe(200);
    const archivedBody = (await archived.json()) as { archived: boolean; archived_at: string };
    expect(archivedBody.archived).toBe(true);
    expect(Date.parse(archivedBody.archived_at)).toBeGreaterThan(0);

    const list = (await (await api("GET", "/api/v1/surveys", { token: writer })).json()) as { surveys: { id: string }[] };
    expect(list.surveys.map((s) => s.id)).not.toContain("life");
    const all = (await (await api("GET", "/api/v1/surveys?include_archived=true", { token: writer })).json()) as { surveys: { id: string }[] };
    expect(all.surveys.map((s) => s.id)).toContain("life");
    expect((await api("GET", "/api/v1/surveys/life", { token: writer })).status).toBe(200);

    const restored = await api("PATCH", "/api/v1/surveys/life", { token: writer, body: { archived: false } });
    expect(await restored.json()).toMatchObject({ archived: false, archived_at: null });
  });

  it.each([
    [{ metric: "nps" }, "metric", "immutable_field"],
    [{ scale: { min: 1, max: 7 } }, "scale", "immutable_field"],
    [{ id: "other" }, "id", "immutable_field"],
    [{ satisfied_min: 9 }, "satisfied_min", "invalid_field"],
    [{ timezone: "Nowhere/Land" }, "timezone", "invalid_field"],
    [{ unknown: true }, "unknown", "invalid_field"],
  ])("refuses the patch %j and changes nothing", async (body, field, code) => {
    await api("POST", "/api/v1/surveys", { body: minimal("stable") });
    const before = await surveyRow("stable");
    const response = await api("PATCH", "/api/v1/surveys/stable", { body });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code, field });
    expect(await surveyRow("stable")).toEqual(before);
  });

  it("answers 404 for an unknown survey on every verb", async () => {
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const response = await api(method, "/api/v1/surveys/nope", method === "PATCH" ? { body: { name: "x" } } : {});
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
  });

  it("pages through surveys with a cursor", async () => {
    for (const id of ["page-a", "page-b", "page-c"]) await api("POST", "/api/v1/surveys", { body: minimal(id) });
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page = (await (await api("GET", `/api/v1/surveys?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
        surveys: { id: string }[];
        next_cursor: string | null;
      };
      expect(page.surveys.length).toBeLessThanOrEqual(2);
      seen.push(...page.surveys.map((s) => s.id));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual([...seen].sort());
    expect(seen).toEqual(expect.arrayContaining(["page-a", "page-b", "page-c"]));
  });

  it.each(["limit=0", "limit=101", "limit=abc", "limit=1&limit=2", "include_archived=maybe"])("refuses the query %s", async (query) => {
    const response = await api("GET", `/api/v1/surveys?${query}`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_query");
  });
});
