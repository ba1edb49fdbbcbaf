import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { document } from "../../functions/routes";
import { fetchChecked } from "../helpers/document";
import { createSurvey, invite, pathOf } from "../helpers/respondent";
import { tableCounts } from "../helpers/tables";

/**
 * Fuzzing driven by the generated OpenAPI document: for every operation, requests whose parameters and
 * bodies follow the declared schemas, with values at and past their edges mixed in — boundary days,
 * ill-formed Unicode, control characters, huge numbers. The Worker answers below 500 every time, its
 * answer matches the document (fetchChecked), and a 4xx leaves every table as it was.
 */

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}

const doc = document();
const components = doc.components.schemas as Record<string, JsonSchema>;
const RUNS_PER_OPERATION = 30;

/** The edges of the calendar, as days and as times: free-text parameters (from, to, at) often mean one. */
const EDGE_DAYS = ["9999-12-31", "0000-01-01", "10000-01-01", "2026-02-30", "1970-01-01", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z", "2026-11-30T10:00:00+14:00"];

/** Strings no valid input holds. */
const HOSTILE_TEXT = [
  ...EDGE_DAYS,
  "sur\ud800x",
  "\udfff",
  "nul\u0000byte",
  "next\u0085line",
  "\u202eevil",
  "<script>alert(1)</script>",
  "x".repeat(5_000),
  "€".repeat(2_001),
];
const HOSTILE_NUMBERS = [0, -1, 1e308, -1e308, 2 ** 53, 0.5, Number.MAX_SAFE_INTEGER];

const resolve = (schema: JsonSchema): JsonSchema => (schema.$ref ? resolve(components[schema.$ref.split("/").pop()!] ?? {}) : schema);

/** Values of a schema: mostly ones it allows, some at or past its edges. */
function valueOf(input: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(input);
  const hostile = fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.constantFrom(...HOSTILE_NUMBERS), fc.constant(null));
  const fitting = ((): fc.Arbitrary<unknown> => {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => valueOf(s, depth + 1)));
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    switch (type) {
      case "string":
        if (schema.format === "date") return fc.constantFrom("2026-01-01", "2026-11-30", "1999-12-31", ...EDGE_DAYS);
        if (schema.format === "date-time") return fc.constantFrom("2026-11-30T10:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01T00:00:00Z");
        if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
        return fc.oneof(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 200) }), fc.constantFrom(...EDGE_DAYS));
      case "integer":
      case "number": {
        const min = schema.minimum ?? -1_000;
        const max = schema.maximum ?? 1_000;
        return fc.oneof(fc.integer({ min: Math.max(min, -1e9), max: Math.min(max, 1e9) }), fc.constantFrom(min - 1, max + 1, min, max));
      }
      case "boolean":
        return fc.boolean();
      case "array":
        return depth > 3 ? fc.constant([]) : fc.array(valueOf(schema.items ?? {}, depth + 1), { maxLength: 3 });
      case "object":
        return depth > 3 ? fc.constant({}) : objectOf(schema, depth);
      default:
        return fc.jsonValue({ maxDepth: 1 });
    }
  })();
  return fc.oneof({ arbitrary: fitting, weight: 2 }, { arbitrary: hostile, weight: 1 });
}

function objectOf(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0 && schema.propertyNames?.enum) {
    return fc.dictionary(fc.constantFrom(...(schema.propertyNames.enum as string[])), valueOf((schema.additionalProperties as JsonSchema) || {}, depth + 1), { maxKeys: 2 });
  }
  const required = new Set(schema.required ?? []);
  const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(properties.map(([name, s]) => [name, valueOf(s, depth + 1)]));
  return fc.record(record, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) });
}

/** Real ids where they exist, so requests get past the lookups and reach the deeper code. */
let known: Record<string, string[]> = {};

function pathValue(name: string, schema: JsonSchema): fc.Arbitrary<string> {
  const real = known[name] ?? [];
  const fitting = valueOf(schema).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
  return (real.length ? fc.oneof(fc.constantFrom(...real), fitting) : fitting).map(encodePathSegment);
}

/** A lone surrogate has no UTF-8 form: send the bytes a careless client would (an encoded surrogate). */
function encodePathSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return "%ED%A0%80";
  }
}


const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
);

beforeAll(async () => {
  await createSurvey("oa-fuzz");
  const { invitations } = await invite("oa-fuzz", [{ recipient: "oa-1" }], { snippets: false });
  known = { id: ["oa-fuzz"], token: invitations.map((i) => pathOf(i.url).split("/")[2]!), score: ["1", "3", "5"], recipient: ["oa-1"] };
});

describe("every operation of the OpenAPI document, from its own schemas", () => {
  it("covers every operation", () => {
    expect(operations.length).toBeGreaterThan(30);
  });

  it.each(operations)("$method $path ($operation.operationId): never 5xx; a 4xx changes nothing", async ({ path, method, operation }) => {
    const parameters = operation.parameters ?? [];
    const pathParams = fc.record(
      Object.fromEntries(parameters.filter((p) => p.in === "path").map((p) => [p.name, pathValue(p.name, p.schema)])) as Record<string, fc.Arbitrary<string>>,
    );
    const queryParams = fc.record(
      Object.fromEntries(parameters.filter((p) => p.in === "query").map((p) => [p.name, valueOf(p.schema).map((v) => (typeof v === "string" ? v : JSON.stringify(v)))])),
      { requiredKeys: [] },
    );
    const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
    const formSchema = operation.requestBody?.content["application/x-www-form-urlencoded"]?.schema;
    const body: fc.Arbitrary<{ type: string; text: string } | null> = jsonSchema
      ? valueOf(jsonSchema).map((v) => ({ type: "application/json", text: JSON.stringify(v) }))
      : formSchema
        ? valueOf(formSchema).map((v) => ({
            type: "application/x-www-form-urlencoded",
            text: new URLSearchParams(Object.entries(typeof v === "object" && v ? v : {}).map(([k, x]) => [k, String(x)])).toString(),
          }))
        : fc.constant(null);

    await fc.assert(
      fc.asyncProperty(pathParams, queryParams, body, async (params, query, sent) => {
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "x");
        const search = new URLSearchParams(query as Record<string, string>).toString();
        const headers: Record<string, string> = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "idempotency-key": "oa-fuzz-key" };
        if (sent) headers["content-type"] = sent.type;
        if (path.startsWith("/internal/")) headers["sec-fetch-site"] = "same-origin";
        const before = await tableCounts();
        const response = await fetchChecked(`http://tapscore.test${url}${search ? `?${search}` : ""}`, {
          method,
          headers,
          body: sent && method !== "GET" && method !== "HEAD" ? sent.text : undefined,
          redirect: "manual",
        });
        await response.arrayBuffer();
        expect(response.status, `${method} ${url}?${search}`).toBeLessThan(500);
        if (response.status >= 400) expect(await tableCounts(), `${method} ${url}?${search} → ${response.status}`).toEqual(before);
      }),
      { numRuns: RUNS_PER_OPERATION, seed: 12_2026, endOnFailure: true },
    );
  }, 60_000);
});
