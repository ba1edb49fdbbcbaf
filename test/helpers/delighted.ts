import { api, BASE } from "./api";
import { fetchChecked } from "./document";

/**
 * Calls to the Delighted-compatible API (/v1/*) the way Delighted's clients make them, checked against
 * the OpenAPI document like every other call of the tests.
 */

/** A Delighted-style key bound to this survey (POST /api/v1/keys with delighted_survey). */
export async function delightedKey(survey: string, name = "Delighted key"): Promise<string> {
  const response = await api("POST", "/api/v1/keys", { body: { name, delighted_survey: survey } });
  if (response.status !== 201) throw new Error(`Delighted key creation failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { key: string }).key;
}

export interface DelightedCall {
  /** A JSON body (Node, Python, Ruby; PHP's PUT). */
  json?: unknown;
  /** A form body as PHP sends it: `properties[plan]=pro`, `send=false`. */
  form?: string;
  /** "node" (default): base64(key + ":"); "python": base64(key), no colon. */
  auth?: "node" | "python" | "none";
  headers?: Record<string, string>;
}

/** One call: `path` is under the site (e.g. "/v1/people?per_page=2"). */
export function delighted(key: string, method: string, path: string, call: DelightedCall = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...call.headers };
  const auth = call.auth ?? "node";
  if (auth !== "none") headers.authorization = `Basic ${btoa(auth === "python" ? key : `${key}:`)}`;
  const init: RequestInit = { method, headers };
  if (call.json !== undefined) {
    headers["content-type"] ??= "application/json";
    init.body = JSON.stringify(call.json);
  } else if (call.form !== undefined) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    init.body = call.form;
  }
  return fetchChecked(`${BASE}${path}`, init);
}
