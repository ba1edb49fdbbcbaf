import * as v from "valibot";
import { badRequest, notFound } from "../http/errors";
import type { ValidatedRequest } from "../http/route";
import { freeText } from "../http/text";
import { generateApiKey, generateDelightedKey } from "../security/api-key-token";
import { SCOPES } from "../security/scopes";
import { sha256Hex } from "../security/secrets";
import { getSurvey } from "../storage/surveys";
import { insertApiKey, listApiKeys, revokeApiKey, type ApiKeyRecord } from "../storage/api-keys";
import { IsoTime, isoTime } from "../http/time";

export const NewApiKey = v.pipe(
  v.strictObject({
    name: freeText(100),
    scopes: v.optional(
      v.pipe(
        v.array(v.picklist(SCOPES, `must be among ${SCOPES.join(", ")}`)),
        v.minLength(1, "must grant at least one scope"),
        v.check((s) => new Set(s).size === s.length, "must not repeat a scope"),
        v.description("What a Tapscore key (tsk_…) may do. Give this or delighted_survey."),
      ),
    ),
    delighted_survey: v.optional(
      v.pipe(
        v.string(),
        v.maxLength(64),
        v.description(
          "Make a Delighted-style key (tsd_…, 44 characters) for this survey instead: it speaks only the Delighted-compatible API under /v1 (HTTP Basic, the key as user name), all of it, for this survey — as a Delighted key did for its project.",
        ),
      ),
    ),
  }),
  v.check((key) => (key.scopes === undefined) !== (key.delighted_survey === undefined), "give scopes (a Tapscore key) or delighted_survey (a Delighted-style key), not both"),
);

export const ApiKey = v.object({
  id: v.string(),
  name: v.string(),
  scopes: v.array(v.picklist(SCOPES)),
  created_at: IsoTime,
  last_used_at: v.nullable(IsoTime),
  revoked_at: v.nullable(IsoTime),
  delighted_survey: v.pipe(v.nullable(v.string()), v.description("The survey a Delighted-style key (tsd_…) speaks for; null for a Tapscore key.")),
});

export const CreatedApiKey = v.object({
  ...ApiKey.entries,
  key: v.pipe(
    v.string(),
    v.description("The secret, shown in this answer only: send it as Authorization: Bearer <key>, or for a Delighted-style key as the HTTP Basic user name."),
  ),
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
  delighted_survey: key.delighted_survey,
});

/** POST /api/v1/keys — the secret is in this answer and nowhere else, ever. */
export async function createKey(request: ValidatedRequest<unknown, unknown, v.InferOutput<typeof NewApiKey>>, env: Env): Promise<Response> {
  const input = request.input.body;
  const delightedSurvey = input.delighted_survey ?? null;
  if (delightedSurvey !== null) {
    const survey = await getSurvey(env.DB, delightedSurvey);
    if (!survey) throw badRequest("invalid_field", "delighted_survey: no survey has this id.", "delighted_survey");
    if (survey.archived_at !== null) throw badRequest("invalid_field", "delighted_survey: the survey is archived.", "delighted_survey");
  }
  // A Delighted-style key holds no scopes: it speaks only the Delighted-compatible API, all of it.
  const scopes = input.scopes ?? [];
  const { id, token } = delightedSurvey === null ? generateApiKey() : generateDelightedKey();
  const now = Date.now();
  await insertApiKey(env.DB, { id, name: input.name, scopes, secretHash: await sha256Hex(token), delightedSurvey }, now);
  const record: ApiKeyRecord = { id, name: input.name, scopes, created_at: now, last_used_at: null, revoked_at: null, delighted_survey: delightedSurvey };
  const body: v.InferOutput<typeof CreatedApiKey> = { ...present(record), key: token };
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
