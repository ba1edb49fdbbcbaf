import type { RouteEntry } from "itty-router";
import { describe, expect, it } from "vitest";
import { METHODS, openApiPath } from "../../functions/http/route";
import { router } from "../../functions/router";
import { ROUTES, document } from "../../functions/routes";
import { api } from "../helpers/api";
import { checkAgainstDocument, operationFor } from "../helpers/document";

const doc = document();

/** "METHOD /path/{param}" for every operation in the document. */
function documentedOperations(): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`));
}

/** The same for every route the router answers, with :param written as {param}; the Delighted routes' `.json` aliases apart. */
function routedOperations(): string[] {
  return (router.routes as RouteEntry[]).map(([method, , , path]) => `${method} ${openApiPath(path ?? "")}`).filter((op) => !isJsonAlias(op));
}

const isJsonAlias = (operation: string) => operation.includes(" /v1/") && operation.endsWith(".json");

type Operation = { operationId: string; security?: ({ bearer: string[] } | { delighted: string[] })[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
const operations = Object.values(doc.paths).flatMap((item) => Object.values(item as Record<string, Operation>));

describe("the OpenAPI document", () => {
  it("describes exactly the routes the router answers", () => {
    expect(documentedOperations().sort()).toEqual(routedOperations().sort());
    expect(routedOperations()).toHaveLength(ROUTES.length);
  });

  it("serves every Delighted-compatible route at its path with .json too, and nothing else so", () => {
    const aliases = (router.routes as RouteEntry[]).map(([method, , , path]) => `${method} ${openApiPath(path ?? "")}`).filter(isJsonAlias);
    const delighted = ROUTES.filter((r) => r.delighted).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}.json`);
    expect(delighted.length).toBeGreaterThan(10);
    expect(aliases.sort()).toEqual(delighted.sort());
  });

  it("is served as OpenAPI 3.1 with a unique operationId per operation", async () => {
    const response = await api("GET", "/api/v1/openapi.json", { token: null });
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof doc;
    expect(served.openapi).toBe("3.1.0");
    expect(served).toEqual(JSON.parse(JSON.stringify(doc)));
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref it uses", () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(Object.keys(doc.components.schemas)).toContain(ref.split("/").pop());
  });

  it("gives every answer with a body a schema, and every operation at least one success", () => {
    for (const op of operations) {
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => s.startsWith("2") || s.startsWith("3")), op.operationId).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) expect(media.schema, `${op.operationId} ${status} ${type}`).toBeTruthy();
      }
    }
  });

  it("lists 401 and 403 wherever a scope is needed, and 429 on every API operation", () => {
    for (const op of operations.filter((o) => o.security?.some((s) => "bearer" in s))) {
      expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(["401", "403", "429"]));
    }
  });

  it("lists 401 and 429 on every Delighted-compatible operation, and never 204 (its clients raise on it)", () => {
    const delighted = operations.filter((o) => o.security?.some((s) => "delighted" in s));
    expect(delighted.map((o) => o.operationId).sort()).toEqual(ROUTES.filter((r) => r.delighted).map((r) => r.operationId).sort());
    for (const op of delighted) {
      expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(["401", "429"]));
      const successes = Object.keys(op.responses).filter((s) => s.startsWith("2"));
      expect(successes.every((s) => ["200", "201", "202"].includes(s)), op.operationId).toBe(true);
    }
  });
});

describe("the document check the tests rely on", () => {
  it("finds the literal route before a parameter (signal, not a score)", () => {
    expect(operationFor("POST", "/r/abc/signal")?.operationId).toBe("respondentSignal");
    expect(operationFor("GET", "/r/abc/7")?.operationId).toBe("respondentTap");
  });

  it("refuses a status the operation does not list", async () => {
    const teapot = new Response("{}", { status: 418, headers: { "content-type": "application/json" } });
    await expect(checkAgainstDocument("GET", "http://x/api/v1/surveys", teapot)).rejects.toThrow(/418/);
  });

  it("refuses a body that breaks the schema", async () => {
    const wrong = Response.json({ surveys: [{ id: 7 }], next_cursor: null });
    await expect(checkAgainstDocument("GET", "http://x/api/v1/surveys", wrong)).rejects.toThrow(/does not allow/);
  });

  it("accepts a body that fits", async () => {
    await expect(checkAgainstDocument("GET", "http://x/api/v1/surveys", Response.json({ surveys: [], next_cursor: null }))).resolves.toBeUndefined();
  });
});
