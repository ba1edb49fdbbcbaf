import * as v from "valibot";
import { notFound } from "../http/errors";
import { readJsonObject } from "../http/json";
import { parseOrThrow } from "../http/validate";
import { generateApiKey } from "../security/api-key-token";
import { SCOPES } from "../security/scopes";
import { sha256Hex } from "../security/secrets";
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from "../storage/api-keys";
import type { AuthedRequest } from "./auth";
import { isoTime } from "../http/time";

const newKeySchema = v.strictObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(100, "must be at most 100 characters")),
  scopes: v.pipe(
    v.array(v.picklist(SCOPES, `must be among ${SCOPES.join(", ")}`)),
    v.minLength(1, "must grant at least one scope"),
    v.check((s) => new Set(s).size === s.length, "must not repeat a scope"),
  ),
});

const present = (key: ApiKeyRecord) => ({
  id: key.id,
  name: key.name,
  scopes: key.scopes,
  created_at: isoTime(key.created_at),
  last_used_at: key.last_used_at === null ? null : isoTime(key.last_used_at),
  revoked_at: key.revoked_at === null ? null : isoTime(key.revoked_at),
});

/** POST /api/v1/keys — the secret is in this answer and nowhere else, ever. */
export async function createKey(request: AuthedRequest, env: Env): Promise<Response> {
  const input = parseOrThrow(newKeySchema, await readJsonObject(request));
  const { id, token } = generateApiKey();
  const now = Date.now();
  await insertApiKey(env.DB, { id, name: input.name, scopes: input.scopes, secretHash: await sha256Hex(token) }, now);
  const body = { ...present({ id, name: input.name, scopes: input.scopes, created_at: now, last_used_at: null, revoked_at: null }), key: token };
  return Response.json(body, { status: 201, headers: { "Cache-Control": "no-store" } });
}

export async function listKeys(_request: AuthedRequest, env: Env) {
  return { keys: (await listApiKeys(env.DB)).map(present) };
}

export async function deleteKey(request: AuthedRequest, env: Env): Promise<Response> {
  const revoked = await revokeApiKey(env.DB, request.params.id ?? "", Date.now());
  if (!revoked) throw notFound("An active API key with this id");
  return new Response(null, { status: 204 });
}
