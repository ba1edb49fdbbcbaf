import { toJsonSchema, type ConversionConfig, type JsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { DelightedErrorBody } from "./delighted/errors";
import { ErrorBody } from "./http/errors";
import { openApiPath, type ResponseSpec, type Route } from "./http/route";

/**
 * The OpenAPI 3.1 document, made from the route table: paths, parameters, bodies and responses all
 * come from the schemas the router validates with and the handlers answer with, so the document
 * cannot describe an API other than the one that runs. Named schemas become components.
 */

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

type Schema = v.GenericSchema;

/** The answers the router itself gives, added to every route they apply to. */
const ROUTER_ANSWERS = {
  unauthorized: { description: "Missing or invalid credentials.", json: ErrorBody, headers: { "WWW-Authenticate": 'Bearer realm="tapscore"' } },
  forbidden: { description: "The key lacks the required scope.", json: ErrorBody },
  rateLimited: { description: "Too many requests.", json: ErrorBody, headers: { "Retry-After": "Seconds to wait." } },
  invalid: { description: "A parameter or a field of the body is not valid; `field` names it.", json: ErrorBody },
  notFound: { description: "Nothing exists at this path.", json: ErrorBody },
  tooLarge: { description: "The body is larger than the route accepts.", json: ErrorBody },
  mediaType: { description: "The body is not JSON.", json: ErrorBody },
} satisfies Record<string, ResponseSpec>;

/** What the router answers on the Delighted-compatible routes, in Delighted's error shape. */
const DELIGHTED_ANSWERS = {
  unauthorized: { description: "Missing or invalid Delighted-style key.", json: DelightedErrorBody, headers: { "WWW-Authenticate": 'Basic realm="tapscore"' } },
  rateLimited: { description: "Too many requests.", json: DelightedErrorBody, headers: { "Retry-After": "Whole seconds to wait." } },
  invalid: { description: "A parameter or a field of the body is not valid; `errors` names it.", json: DelightedErrorBody },
  notFound: { description: "Nothing exists at this path.", json: DelightedErrorBody },
  tooLarge: { description: "The body is larger than the route accepts.", json: DelightedErrorBody },
  mediaType: { description: "The body is neither JSON nor a form.", json: DelightedErrorBody },
} satisfies Record<string, ResponseSpec>;

/** Every status a route can answer: its own, and those its scope, parameters and body add. */
export function responsesOf(route: Route): Record<number, ResponseSpec> {
  if (route.delighted) {
    const added: Record<number, ResponseSpec> = { 401: DELIGHTED_ANSWERS.unauthorized, 429: DELIGHTED_ANSWERS.rateLimited };
    if (route.query || route.body) added[422] = DELIGHTED_ANSWERS.invalid;
    if (route.params) added[404] = DELIGHTED_ANSWERS.notFound;
    if (route.body) Object.assign(added, { 413: DELIGHTED_ANSWERS.tooLarge, 415: DELIGHTED_ANSWERS.mediaType });
    return { ...added, ...route.responses };
  }
  const api = route.path.startsWith("/api/");
  const added: Record<number, ResponseSpec> = {};
  if (route.scope) Object.assign(added, { 401: ROUTER_ANSWERS.unauthorized, 403: ROUTER_ANSWERS.forbidden });
  if (api) added[429] = ROUTER_ANSWERS.rateLimited;
  const jsonBody = route.body || route.handlerBody?.["application/json"];
  if (route.query || jsonBody) added[400] = ROUTER_ANSWERS.invalid;
  if (route.params) added[404] = ROUTER_ANSWERS.notFound;
  if (jsonBody) Object.assign(added, { 413: ROUTER_ANSWERS.tooLarge, 415: ROUTER_ANSWERS.mediaType });
  return { ...added, ...route.responses };
}

export function openApiDocument(routes: readonly Route[], components: Record<string, Schema>, info: DocumentInfo) {
  const definitions: Record<string, Schema> = { Error: ErrorBody, ...components };
  const config: ConversionConfig = {
    target: "draft-2020-12",
    definitions,
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
    // Checks and transforms that JSON Schema cannot say (cross-field rules, trimming) stay in the code.
    errorMode: "ignore",
  };
  // Every conversion also writes out all the definitions as $defs; the $refs point at the components instead, so drop them.
  const convert = (schema: Schema, typeMode: "input" | "output"): JsonSchema => {
    const { $schema: _dialect, $defs: _definitions, ...json } = toJsonSchema(schema, { ...config, typeMode });
    return json;
  };

  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(definitions)) {
    // Without the schema itself among the definitions, a component is written out, not a $ref to itself.
    const { [name]: _self, ...others } = definitions;
    const { $schema: _dialect, $defs: _definitions, ...json } = toJsonSchema(schema, { ...config, definitions: others, typeMode: "output" });
    schemas[name] = json;
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const item = (paths[openApiPath(route.path)] ??= {});
    const parameters = [
      ...pathParameters(route).map((name) => ({
        name,
        in: "path",
        required: true,
        schema: route.params ? convert(entryOf(route.params, name) ?? ({} as Schema), "input") : { type: "string" },
      })),
      ...Object.entries(entriesOf(route.query)).map(([name, schema]) => ({
        name,
        in: "query",
        required: !isOptional(schema),
        schema: convert(schema, "input"),
      })),
      ...Object.entries(route.requestHeaders ?? {}).map(([name, schema]) => ({
        name,
        in: "header",
        required: !isOptional(schema),
        schema: convert(schema, "input"),
      })),
    ];
    const bodyContent = route.body
      ? { "application/json": { schema: convert(route.body, "input") }, ...(route.delighted ? { "application/x-www-form-urlencoded": { schema: convert(route.body, "input") } } : {}) }
      : route.handlerBody ? mapContent(route.handlerBody, (s) => ({ schema: convert(s, "input") })) : null;
    item[route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.scope ? { security: [{ bearer: [route.scope] }] } : {}),
      ...(route.delighted ? { security: [{ delighted: [] }] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(bodyContent ? { requestBody: { required: true, content: bodyContent } } : {}),
      responses: Object.fromEntries(
        Object.entries(responsesOf(route)).map(([status, spec]) => [
          status,
          {
            description: spec.description,
            ...(spec.headers ? { headers: mapContent(spec.headers, (description) => ({ description, schema: { type: "string" } })) } : {}),
            ...(spec.json || spec.content
              ? {
                  content: {
                    ...(spec.json ? { "application/json": { schema: convert(spec.json, "output") } } : {}),
                    ...mapContent(spec.content ?? {}, (schema) => ({ schema: convert(schema, "output") })),
                  },
                }
              : {}),
          },
        ]),
      ),
    };
  }

  return {
    openapi: "3.1.0",
    info,
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret or an API key (tsk_…)." },
        delighted: { type: "http", scheme: "basic", description: "A Delighted-style key (tsd_…) as the user name, the password empty (POST /api/v1/keys with delighted_survey)." },
      },
      schemas,
    },
    paths,
  };
}

const pathParameters = (route: Route): string[] => [...openApiPath(route.path).matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);

function entriesOf(schema: Schema | undefined): Record<string, Schema> {
  return schema && "entries" in schema ? (schema.entries as Record<string, Schema>) : {};
}

const entryOf = (schema: Schema, name: string): Schema | undefined => entriesOf(schema)[name];

const isOptional = (schema: Schema): boolean => schema.type === "optional" || schema.type === "nullish" || schema.type === "exact_optional";

function mapContent<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
