import type { RouteEntry } from "itty-router";
import { describe, expect, it } from "vitest";
import { OPENAPI } from "../../functions/api/openapi";
import { router } from "../../functions/router";
import { api } from "../helpers/api";

const METHODS = ["get", "head", "post", "put", "patch", "delete"] as const;

/** "METHOD /path/{param}" for every operation in the document. */
function documentedOperations(): string[] {
  return Object.entries(OPENAPI.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The same for every route the router answers, with :param written as {param}. */
function routedOperations(): string[] {
  return (router.routes as RouteEntry[]).map(([method, , , path]) => `${method} ${(path ?? "").replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{path}")}`);
}

describe("the OpenAPI document", () => {
  it("describes exactly the routes the router answers", () => {
    expect(documentedOperations().sort()).toEqual(routedOperations().sort());
  });

  it("is served as OpenAPI 3.1 with a unique operationId per operation", async () => {
    const response = await api("GET", "/api/v1/openapi.json", { token: null });
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof OPENAPI;
    expect(served.openapi).toBe("3.1.0");
    const ids = Object.values(served.paths).flatMap((item) => Object.values(item).map((op) => (op as { operationId: string }).operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref it uses", () => {
    const refs = JSON.stringify(OPENAPI).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of refs) expect(Object.keys(OPENAPI.components.schemas)).toContain(ref.split("/").pop());
  });
});
