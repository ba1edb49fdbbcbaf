import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";
import { tableCounts } from "../helpers/tables";

interface Listed {
  email: string;
  source: string;
  survey: string | null;
  created_at: string;
  kind?: string;
}

async function walk(path: string, key: "unsubscribes" | "bounces", limit: number): Promise<Listed[]> {
  const seen: Listed[] = [];
  let cursor: string | null = null;
  do {
    const response = await api("GET", `${path}?limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(response.status).toBe(200);
    const page = (await response.json()) as Record<string, Listed[]> & { next_cursor: string | null };
    expect(page[key]!.length).toBeLessThanOrEqual(limit);
    seen.push(...page[key]!);
    cursor = page.next_cursor;
  } while (cursor);
  return seen;
}

describe("unsubscribes", () => {
  it("records an address once, lower-cased: 201, then 200 with the first record", async () => {
    const first = await api("POST", "/api/v1/unsubscribes", { body: { email: "  Once@Example.COM " } });
    expect(first.status).toBe(201);
    const created = (await first.json()) as Listed;
    expect(created).toMatchObject({ email: "once@example.com", source: "api", survey: null });
    const again = await api("POST", "/api/v1/unsubscribes", { body: { email: "once@example.com" } });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(created);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM suppressions WHERE email = 'once@example.com'").first("n")).toBe(1);
  });

  it("lists newest first, a page at a time, each address once", async () => {
    for (const email of ["page-1@example.com", "page-2@example.com", "page-3@example.com", "page-4@example.com"]) {
      expect((await api("POST", "/api/v1/unsubscribes", { body: { email } })).status).toBe(201);
    }
    const all = await walk("/api/v1/unsubscribes", "unsubscribes", 2);
    const emails = all.map((u) => u.email);
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toEqual(expect.arrayContaining(["once@example.com", "page-1@example.com", "page-2@example.com", "page-3@example.com", "page-4@example.com"]));
    const times = all.map((u) => u.created_at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("lifts an unsubscribe with DELETE (204), then 404; any case of the address", async () => {
    await api("POST", "/api/v1/unsubscribes", { body: { email: "lift@example.com" } });
    expect((await api("DELETE", `/api/v1/unsubscribes/${encodeURIComponent("Lift@Example.com")}`)).status).toBe(204);
    expect((await walk("/api/v1/unsubscribes", "unsubscribes", 500)).map((u) => u.email)).not.toContain("lift@example.com");
    const again = await api("DELETE", "/api/v1/unsubscribes/lift%40example.com");
    expect(again.status).toBe(404);
  });

  it("keeps a bounce when an unsubscribe is lifted", async () => {
    await api("POST", "/api/v1/unsubscribes", { body: { email: "both@example.com" } });
    await api("POST", "/api/v1/bounces", { body: { email: "both@example.com" } });
    expect((await api("DELETE", "/api/v1/unsubscribes/both%40example.com")).status).toBe(204);
    expect((await walk("/api/v1/bounces", "bounces", 500)).map((b) => b.email)).toContain("both@example.com");
  });

  it.each([
    ["POST", "/api/v1/unsubscribes", { email: "nope" }, 400, "email"],
    ["POST", "/api/v1/unsubscribes", { email: "a@example.com", extra: true }, 400, "extra"],
    ["DELETE", "/api/v1/unsubscribes/not-an-address", undefined, 400, "email"],
    ["DELETE", "/api/v1/unsubscribes/%E0%A4%A", undefined, 400, "email"],
    ["GET", "/api/v1/unsubscribes?cursor=bm9wZQ", undefined, 400, "cursor"],
  ])("%s %s refuses %j with %i naming %s, writing nothing", async (method, path, body, status, field) => {
    const before = await tableCounts();
    const response = await api(method, path, body === undefined ? {} : { body });
    expect(response.status).toBe(status);
    expect((await errorOf(response)).field).toBe(field);
    expect(await tableCounts()).toEqual(before);
  });

  it("adding takes invitations:write and reading responses:read; lifting takes admin", async () => {
    const writer = await createKey(["invitations:write"]);
    const reader = await createKey(["responses:read"]);
    expect((await api("POST", "/api/v1/unsubscribes", { token: writer, body: { email: "scoped@example.com" } })).status).toBe(201);
    expect((await api("GET", "/api/v1/unsubscribes", { token: reader })).status).toBe(200);
    expect((await api("GET", "/api/v1/unsubscribes", { token: writer })).status).toBe(403);
    expect((await api("DELETE", "/api/v1/unsubscribes/scoped%40example.com", { token: writer })).status).toBe(403);
  });
});

describe("bounces", () => {
  it("records a bounce by default and a complaint when told, each once, and lists them apart from unsubscribes", async () => {
    const bounce = await api("POST", "/api/v1/bounces", { body: { email: "Gone@Example.com" } });
    expect(bounce.status).toBe(201);
    expect(await bounce.json()).toMatchObject({ email: "gone@example.com", kind: "bounced", source: "api", survey: null });
    const complaint = await api("POST", "/api/v1/bounces", { body: { email: "gone@example.com", kind: "complained" } });
    expect(complaint.status).toBe(201);
    expect(await complaint.json()).toMatchObject({ email: "gone@example.com", kind: "complained" });
    expect((await api("POST", "/api/v1/bounces", { body: { email: "GONE@example.com", kind: "bounced" } })).status).toBe(200);

    const bounces = (await walk("/api/v1/bounces", "bounces", 1)).filter((b) => b.email === "gone@example.com");
    expect(bounces.map((b) => b.kind).sort()).toEqual(["bounced", "complained"]);
    expect((await walk("/api/v1/unsubscribes", "unsubscribes", 500)).map((u) => u.email)).not.toContain("gone@example.com");
  });

  it("refuses another kind", async () => {
    const response = await api("POST", "/api/v1/bounces", { body: { email: "x@example.com", kind: "unsubscribed" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe("kind");
  });
});
