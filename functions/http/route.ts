import type { IRequest } from "itty-router";
import * as v from "valibot";
import type { Scope } from "../security/scopes";
import { ApiError, badRequest } from "./errors";
import { readJsonObject } from "./json";
import { NOT_WELL_FORMED, urlEncodedFields } from "./text";
import { parseOrThrow } from "./validate";

/**
 * One route, declared once: the router is built from these declarations (functions/router.ts) and so
 * is the OpenAPI document (functions/openapi.ts). The request schemas are what the router validates
 * before the handler runs; the response schemas are what the document promises and the tests check.
 */

export const METHODS = ["get", "head", "post", "put", "patch", "delete"] as const;
export type Method = (typeof METHODS)[number];

type Schema = v.GenericSchema;
type ObjectSchema = v.GenericSchema<Record<string, unknown>, Record<string, unknown>>;

export interface ResponseSpec {
  description: string;
  /** The JSON body; absent for a response without one. */
  json?: Schema;
  /** Bodies of other media types (text/html, text/csv …), each with its schema. */
  content?: Record<string, Schema>;
  /** Response headers worth knowing, with what they say. */
  headers?: Record<string, string>;
}

export interface RequestInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

/** A request after the router has validated it against its route's schemas. */
export type ValidatedRequest<P = Record<string, string>, Q = Record<string, unknown>, B = undefined> = IRequest & {
  input: RequestInput<P, Q, B>;
};

/** What the handler gets for a part of the request: the schema's output, or as itty-router gives it. */
type Out<S, Unvalidated> = S extends Schema ? v.InferOutput<S> : Unvalidated;

export interface RouteSpec<P extends ObjectSchema | undefined, Q extends ObjectSchema | undefined, B extends Schema | undefined> {
  method: Method;
  /** itty-router syntax: `/api/v1/surveys/:id`; a trailing `*` matches the rest of the path. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The bearer scope the caller needs; absent for public routes. */
  scope?: Scope;
  /**
   * A route of the Delighted-compatible API (functions/delighted/): authenticated by a Delighted-style
   * key with HTTP Basic instead of a bearer scope, its query and body read the lenient way Delighted's
   * clients send them (functions/delighted/input.ts), its errors in Delighted's shape, and also served
   * with `.json` after the path.
   */
  delighted?: true;
  params?: P;
  query?: Q;
  /** A JSON body, validated before the handler runs. */
  body?: B;
  /**
   * A body the handler reads itself with these schemas, by media type: respondent forms, and JSON
   * whose checks go beyond one schema (immutable fields, defaults that depend on other fields).
   */
  handlerBody?: Record<string, Schema>;
  /** Request headers the handler reads and checks itself (Idempotency-Key …), documented as header parameters. */
  requestHeaders?: Record<string, Schema>;
  responses: Record<number, ResponseSpec>;
  /** Method syntax on purpose: a handler may ask for more on its request (the principal that requireScope adds). */
  handler(request: ValidatedRequest<Out<P, Record<string, string>>, Out<Q, Record<string, unknown>>, Out<B, undefined>>, env: Env, ctx: ExecutionContext): unknown;
}

export type Route = RouteSpec<ObjectSchema | undefined, ObjectSchema | undefined, Schema | undefined>;

/** Declares a route; the generics tie the handler's input to the schemas the router validates with. */
export function route<P extends ObjectSchema | undefined = undefined, Q extends ObjectSchema | undefined = undefined, B extends Schema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): Route {
  return spec as unknown as Route;
}

/** `/api/v1/surveys/:id` as OpenAPI writes it: `/api/v1/surveys/{id}`; a trailing `*` is `{path}`. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, "{$1}").replace(/\*$/, "{path}");

/**
 * Query values arrive as strings; a parameter given twice is ambiguous and refused. So is one whose
 * percent-escapes are not UTF-8: URLSearchParams would have read them as U+FFFD, another text.
 */
function singleValues(url: string, query: Record<string, string | string[] | undefined>): Record<string, string> {
  const unreadable = urlEncodedFields(new URL(url).search.slice(1)).find((field) => !field.wellFormed);
  if (unreadable) throw badRequest("invalid_query", `${unreadable.name}: ${NOT_WELL_FORMED}.`, unreadable.name);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) throw badRequest("invalid_query", `${name}: give this parameter once.`, name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

function parseQuery(schema: ObjectSchema, query: Record<string, unknown>): Record<string, unknown> {
  try {
    return parseOrThrow(schema, query);
  } catch (error) {
    if (error instanceof ApiError && error.code === "invalid_field") throw new ApiError(400, "invalid_query", error.message, error.field);
    throw error;
  }
}

/** How a route's query and body arrive as plain objects, before its schemas read them. */
export interface InputReaders {
  query(request: IRequest): Record<string, unknown>;
  body(request: IRequest): Promise<Record<string, unknown>>;
}

/** Tapscore's own API: each query parameter once, bodies as JSON objects. */
export const STRICT_INPUT: InputReaders = {
  query: (request) => singleValues(request.url, request.query),
  body: (request) => readJsonObject(request),
};

/** Router middleware: validates params, query and body against the route's schemas, then hands them on. */
export function validateInput(spec: Route, readers: InputReaders = STRICT_INPUT) {
  return async (request: IRequest): Promise<undefined> => {
    // A path parameter that does not fit its pattern names nothing that exists.
    const params = spec.params ? v.safeParse(spec.params, request.params) : null;
    if (params && !params.success) {
      const name = v.getDotPath(params.issues[0]) ?? "path";
      throw new ApiError(404, "not_found", `Nothing exists at this path: ${name} is not an id this API gives out.`);
    }
    const input: RequestInput<unknown, unknown, unknown> = {
      params: params ? params.output : request.params,
      query: spec.query ? parseQuery(spec.query, readers.query(request)) : {},
      body: spec.body ? parseOrThrow(spec.body, await readers.body(request)) : undefined,
    };
    (request as ValidatedRequest<unknown, unknown, unknown>).input = input;
    return undefined;
  };
}
