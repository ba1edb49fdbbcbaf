import * as v from "valibot";
import { notFound } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import { generateApiKey } from "../security/api-key-token";
import { SCOPES } from "../security/scopes";
import { sha256Hex } from "../security/secrets";
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from "../storage/api-keys";
import { IsoTime, isoTime } from "../http/time";

export const NewApiKey = v.strictObject({
  name: freeText(100),
  scopes: v.pipe(
    v.array(v.picklist(SCOPES, `must be among ${SCOPES.join(", ")}`)),
    v.minLength(1, "must grant at least one scope"),
    v.check((s) => new Set(s).size === s.length, "must not repeat a scope"),
  ),
});

export const ApiKey = v.object({
  id: v.string(),
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  created_at: IsoTime,
  last_used_at: v.nullable(IsoTime),
  revoked_at: v.nullable(IsoTime),
});

export const CreatedApiKey = v.object({
  ...ApiKey.entries,
  key: v.pipe(v.string(), v.description("The secret, shown in this answer only: send it as Authorization: Bearer <key>.")),
});

export const ApiKeyList = v.object({ keys: v.array(ApiKey) });

export const KeyParams = v.object({ id: v.pipe(v.string(), v.maxLength(64)) });

const present = (key: ApiKeyRecord): v.InferOutput<typeof ApiKey> => ({
  id: key.id,
  name: key.name,
  scopes: key.scopes,
  created_at: isoTime(key.created_at),
  last_used_at: key.last_used_at === null ? null : isoTime(key.last_used_at),
  revoked_at: key.revoked_at === null ? null : isoTime(key.revoked_at),
});

/** POST /api/v1/keys — the secret is in this answer and nowhere else, ever. */
export async function createKey(request: ValidatedRequest<unknown, unknown, v.InferOutput<typeof NewApiKey>>, env: Env): Promise<Response> {
  const input = request.input.body;
  const { id, token } = generateApiKey();
  const now = Date.now();
  await insertApiKey(env.DB, { id, name: input.name, scopes: input.scopes, secretHash: await sha256Hex(token) }, now);
  const body: v.InferOutput<typeof CreatedApiKey> = { ...present({ id, name: input.name, scopes: input.scopes, created_at: now, last_used_at: null, revoked_at: null }), key: token };
  return Response.json(body, { status: 201, headers: { "Cache-Control": "no-store" } });
}

export async function listKeys(_request: ValidatedRequest, env: Env): Promise<v.InferOutput<typeof ApiKeyList>> {
  return { keys: (await listApiKeys(env.DB)).map(present) };
}

export async function deleteKey(request: ValidatedRequest<v.InferOutput<typeof KeyParams>>, env: Env): Promise<Response> {
  const revoked = await revokeApiKey(env.DB, request.input.params.id, Date.now());
  if (!revoked) throw notFound("An active API key with this id");
  return new Response(null, { status: 204 });
}
