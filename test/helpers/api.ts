import { env } from "cloudflare:test";
import { fetchChecked } from "./document";

export const BASE = "http://tapscore.test";

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the Worker like a client would (the admin token unless told otherwise); the answer must match the OpenAPI document. */
export function api(method: string, path: string, { token = env.ADMIN_TOKEN, body, headers = {} }: CallOptions = {}): Promise<Response> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (token !== null) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  return fetchChecked(`${BASE}${path}`, init);
}

export async function createKey(scopes: string[], name = "test key"): Promise<string> {
  const response = await api("POST", "/api/v1/keys", { body: { name, scopes } });
  if (response.status !== 201) throw new Error(`key creation failed: ${response.status}`);
  return ((await response.json()) as { key: string }).key;
}

export async function errorOf(response: Response): Promise<{ code: string; message: string; field?: string }> {
  return ((await response.json()) as { error: { code: string; message: string; field?: string } }).error;
}
