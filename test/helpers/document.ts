import { Validator, type Schema } from "@cfworker/json-schema";
import { SELF } from "cloudflare:test";
import { document } from "../../functions/routes";

/**
 * Holds every answer the tests receive against the OpenAPI document the Worker serves: the status
 * must be one the operation lists, and a JSON body must validate against that status's schema. Any
 * drift between the code and the document fails the test that met it.
 */

type Operation = {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};

const doc = document();
const paths = Object.entries(doc.paths).map(([path, item]) => ({
  path,
  item: item as Record<string, Operation>,
  // A trailing {path} is the router's `*`, which matches the empty rest too (/internal/).
  pattern: new RegExp(`^${path.replace(/\{path\}$/, ".*").replace(/\{\w+\}/g, "[^/]+")}$`),
  // The router tries literal segments first where two templates match (/r/{token}/signal before /r/{token}/{score}).
  literal: path.replace(/\{\w+\}/g, "").length,
}));

/** The documented operation that answers `method path`, or null when none does. */
export function operationFor(method: string, pathname: string): Operation | null {
  const candidates = paths.filter(({ pattern, item }) => pattern.test(pathname) && method.toLowerCase() in item);
  candidates.sort((a, b) => b.literal - a.literal);
  return candidates[0]?.item[method.toLowerCase()] ?? null;
}

const validators = new Map<Schema, Validator>();
function validatorOf(schema: Schema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    // $refs point into components; hand the validator the document's components beside the schema.
    validator = new Validator({ ...schema, components: doc.components } as Schema, "2020-12", false);
    validators.set(schema, validator);
  }
  return validator;
}

export async function checkAgainstDocument(method: string, url: string, response: Response): Promise<void> {
  const pathname = new URL(url).pathname;
  const operation = operationFor(method, pathname);
  // Paths the Worker leaves to static assets or answers 404 for are not operations.
  if (!operation) return;
  const where = `${method} ${pathname} (${operation.operationId})`;
  const documented = operation.responses[String(response.status)];
  if (!documented) throw new Error(`${where} answered ${response.status}, which the document does not list`);
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  // HEAD answers, 204 and 304 carry no body, whatever Content-Type they keep.
  if (!type || method === "HEAD" || response.status === 204 || response.status === 304) return;
  const content = documented.content?.[type];
  if (!content) throw new Error(`${where} answered ${response.status} as ${type}, which the document does not list for it`);
  if (type !== "application/json") return;
  const body: unknown = await response.clone().json();
  const result = validatorOf(content.schema).validate(body);
  if (!result.valid) {
    const errors = result.errors.map((e) => `${e.instanceLocation}: ${e.error}`).join("; ");
    throw new Error(`${where} answered ${response.status} with a body the document does not allow: ${errors}`);
  }
}

/** SELF.fetch, and the answer checked against the document. */
export async function fetchChecked(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await SELF.fetch(url, init);
  await checkAgainstDocument(init.method ?? "GET", url, response);
  return response;
}
