import { describe, expect, it } from "vitest";
import { openApiPath } from "../../functions/http/route";
import { ROUTES, document } from "../../functions/routes";
import { SCOPES, type Scope } from "../../functions/security/scopes";
import { api, createKey } from "../helpers/api";

interface Operation {
  method: string;
  path: string;
  scope: Scope;
}

/** Every secured operation of the document, with its path parameters filled in. */
const secured: Operation[] = Object.entries(document().paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) => {
    const scope = (op as { security?: { bearer?: Scope[] }[] }).security?.[0]?.bearer?.[0];
    return scope ? [{ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, "matrix-probe"), scope }] : [];
  }),
);

const call = (op: Operation, token: string | null) =>
  api(op.method, op.path, { token, ...(["POST", "PATCH", "PUT"].includes(op.method) ? { body: {} } : {}) });

describe.each(secured)("$method $path (needs $scope)", (op) => {
  it("refuses a request without a token with 401", async () => {
    expect((await call(op, null)).status).toBe(401);
  });

  it("refuses a wrong token with 401", async () => {
    expect((await call(op, "tsk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(401);
    expect((await call(op, "not-even-a-key")).status).toBe(401);
  });

  it("refuses a valid key without the scope with 403", async () => {
    const others = SCOPES.filter((s) => s !== op.scope && s !== "admin");
    expect((await call(op, await createKey(others))).status).toBe(403);
  });

  it("lets a key with exactly that scope through authorization", async () => {
    const status = (await call(op, await createKey([op.scope]))).status;
    expect(status).not.toBe(401);
    expect(status).not.toBe(403);
    expect(status).toBeLessThan(500);
  });
});

it("covers exactly the routes the table gives a scope", () => {
  const declared = ROUTES.filter((r) => r.scope).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)} ${r.scope}`);
  const documented = secured.map((op) => `${op.method} ${op.path.replace(/matrix-probe/g, "{x}")} ${op.scope}`);
  expect(documented.sort()).toEqual(declared.map((d) => d.replace(/\{\w+\}/g, "{x}")).sort());
});

/** Every operation of the Delighted-compatible API: HTTP Basic with a Delighted-style key, no scopes. */
const delightedOps = Object.entries(document().paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) =>
    (op as { security?: { delighted?: string[] }[] }).security?.[0]?.delighted ? [{ method: method.toUpperCase(), path: path.replace(/\{\w+\}/g, "matrix-probe") }] : [],
  ),
);

describe("the Delighted-compatible operations", () => {
  const basic = (key: string) => ({ authorization: `Basic ${btoa(`${key}:`)}` });
  const delightedCall = (op: { method: string; path: string }, headers: Record<string, string>) =>
    api(op.method, op.path, { token: null, headers, ...(["POST", "PUT"].includes(op.method) ? { body: {} } : {}) });

  it("are every route the table marks delighted", () => {
    expect(delightedOps.map((op) => `${op.method} ${op.path}`).sort()).toEqual(
      ROUTES.filter((r) => r.delighted).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path).replace(/\{\w+\}/g, "matrix-probe")}`).sort(),
    );
  });

  it.each(delightedOps)("$method $path refuses no key, a wrong one and a Tapscore key with 401, and lets a Delighted-style key through", async (op) => {
    const tapscoreKey = await createKey(["admin"]);
    expect((await delightedCall(op, {})).status).toBe(401);
    expect((await delightedCall(op, basic("tsd_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAA"))).status).toBe(401);
    expect((await delightedCall(op, basic(tapscoreKey))).status).toBe(401);
    expect((await delightedCall(op, { authorization: `Bearer ${tapscoreKey}` })).status).toBe(401);
    await api("POST", "/api/v1/surveys", { body: { id: "matrix-delighted", name: "Matrix", metric: "nps" } });
    const created = await api("POST", "/api/v1/keys", { body: { name: "matrix", delighted_survey: "matrix-delighted" } });
    const { key } = (await created.json()) as { key: string };
    const status = (await delightedCall(op, basic(key))).status;
    expect(status).not.toBe(401);
    expect(status).toBeLessThan(500);
  });
});

it("answers unknown routes with a JSON 404", async () => {
  const response = await api("GET", "/api/v1/nothing-here");
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: { code: "not_found" } });
});
