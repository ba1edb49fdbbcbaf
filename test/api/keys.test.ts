import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createKey, errorOf } from "../helpers/api";

describe("API keys", () => {
  it("shows a new key once and stores only its hash", async () => {
    const response = await api("POST", "/api/v1/keys", { body: { name: "ci", scopes: ["surveys:read"] } });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; key: string; scopes: string[] };
    expect(created.key).toMatch(/^tsk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.scopes).toEqual(["surveys:read"]);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?1").bind(created.id).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(created.key.slice(18));

    const list = (await (await api("GET", "/api/v1/keys")).json()) as { keys: Record<string, unknown>[] };
    const listed = list.keys.find((k) => k.id === created.id);
    expect(listed).toMatchObject({ name: "ci", scopes: ["surveys:read"], revoked_at: null });
    expect(JSON.stringify(list)).not.toContain(created.key);
  });

  it("authenticates with a new key and stops at once when it is revoked", async () => {
    const key = await createKey(["surveys:read"]);
    expect((await api("GET", "/api/v1/surveys", { token: key })).status).toBe(200);
    const id = key.split("_")[1];
    expect((await api("DELETE", `/api/v1/keys/${id}`)).status).toBe(204);
    const after = await api("GET", "/api/v1/surveys", { token: key });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain("Bearer");
    expect((await api("DELETE", `/api/v1/keys/${id}`)).status).toBe(404);
  });

  it("refuses a key whose id is right and whose secret is not", async () => {
    const key = await createKey(["surveys:read"]);
    const forged = key.slice(0, -4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await api("GET", "/api/v1/surveys", { token: forged })).status).toBe(401);
  });

  it.each([
    [{ name: "x", scopes: [] }, "scopes"],
    [{ name: "x", scopes: ["surveys:delete"] }, "scopes.0"],
    [{ name: "", scopes: ["admin"] }, "name"],
    [{ scopes: ["admin"] }, "name"],
    [{ name: "x", scopes: ["admin"], extra: 1 }, "extra"],
    [{ name: "x", scopes: ["admin", "admin"] }, "scopes"],
  ])("rejects %j naming the field", async (body, field) => {
    const before = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys").first<{ n: number }>();
    const response = await api("POST", "/api/v1/keys", { body });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).field).toBe(field);
    const after = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("lets a key with the admin scope manage keys, and no other key", async () => {
    const admin = await createKey(["admin"]);
    expect((await api("GET", "/api/v1/keys", { token: admin })).status).toBe(200);
    const writer = await createKey(["surveys:write"]);
    expect((await api("POST", "/api/v1/keys", { token: writer, body: { name: "y", scopes: ["admin"] } })).status).toBe(403);
  });
});
