import type { IRequest } from "itty-router";
import { readLimitedText } from "../http/body";
import { ApiError, badRequest } from "../http/errors";
import { MAX_JSON_BYTES, parseJsonObject } from "../http/json";
import type { InputReaders } from "../http/route";
import { NOT_WELL_FORMED, urlEncodedFields, type UrlEncodedField } from "../http/text";

/**
 * How Delighted's official clients send their input, read into plain objects for the routes' schemas:
 * - queries: `expand=person` (Node) and `expand[]=person` (Ruby, Python) alike, a parameter given twice
 *   as a list, `since=1700000000` as text (the schemas convert); unknown parameters are kept and ignored;
 * - bodies: JSON (Node, Python, Ruby, and PHP's PUT), or form-urlencoded with PHP's bracket notation
 *   (`properties[plan]=pro`, `send=false` as text); Python sends `{}` even with GET and DELETE, which
 *   routes without a body never read.
 */

type Value = string | Value[] | { [key: string]: Value };

/** `a[b][c]` → ["a", "b", "c"]; `a[]` → ["a", ""]; a name without brackets is one segment. */
function segmentsOf(name: string): string[] {
  const open = name.indexOf("[");
  if (open <= 0 || !name.endsWith("]")) return [name];
  const rest = name.slice(open + 1, -1).split("][");
  return [name.slice(0, open), ...rest];
}

function assign(target: Record<string, Value>, segments: string[], value: string): void {
  const [head, ...rest] = segments as [string, ...string[]];
  if (rest.length === 0) {
    const held = target[head];
    // Given twice: a list, as `expand[]=a&expand[]=b` and `expand=a&expand=b` both mean.
    target[head] = held === undefined ? value : Array.isArray(held) ? [...held, value] : typeof held === "string" ? [held, value] : held;
    return;
  }
  if (rest[0] === "") {
    const held = target[head];
    const list = Array.isArray(held) ? held : typeof held === "string" ? [held] : [];
    if (rest.length === 1) target[head] = [...list, value];
    return;
  }
  const held = target[head];
  const child: Record<string, Value> = typeof held === "object" && !Array.isArray(held) ? held : {};
  target[head] = child;
  assign(child, rest, value);
}

/** Form fields (a query string, a form body) with bracket names folded into lists and objects. */
export function foldFields(fields: readonly UrlEncodedField[]): Record<string, Value> {
  const unreadable = fields.find((field) => !field.wellFormed);
  if (unreadable) throw badRequest("invalid_field", `${segmentsOf(unreadable.name)[0]}: ${NOT_WELL_FORMED}.`, segmentsOf(unreadable.name)[0]);
  const folded: Record<string, Value> = {};
  // Prototype keys are never made into fields (`__proto__[x]=1`).
  for (const field of fields) {
    const segments = segmentsOf(field.name);
    if (segments.some((segment) => segment === "__proto__" || segment === "constructor" || segment === "prototype")) continue;
    assign(folded, segments, field.value);
  }
  return folded;
}

export function readDelightedQuery(request: IRequest): Record<string, unknown> {
  return foldFields(urlEncodedFields(new URL(request.url).search.slice(1)));
}

/** A body as JSON or as a form; an empty body is an empty object. */
export async function readDelightedBody(request: IRequest): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type") ?? "";
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return foldFields(urlEncodedFields(await readLimitedText(request, MAX_JSON_BYTES)));
  }
  const text = await readLimitedText(request, MAX_JSON_BYTES);
  if (text.trim() === "") return {};
  if (/^application\/([\w.+-]+\+)?json\b/i.test(type)) return parseJsonObject(text);
  throw new ApiError(415, "unsupported_media_type", "Send the body as JSON (application/json) or as a form (application/x-www-form-urlencoded).");
}

export const DELIGHTED_INPUT: InputReaders = { query: readDelightedQuery, body: readDelightedBody };
