import * as v from "valibot";

export const Health = v.object({
  ok: v.boolean(),
  database: v.picklist(["ok", "unreachable"]),
  latency_ms: v.optional(v.pipe(v.number(), v.description("How long the database took to answer SELECT 1."))),
});

/** GET /healthz — the Worker answers and its database is reachable. */
export async function health(_request: Request, env: Env): Promise<Response> {
  const started = Date.now();
  const noStore = { "Cache-Control": "no-store" };
  try {
    await env.DB.prepare("SELECT 1").first();
    const body: v.InferOutput<typeof Health> = { ok: true, database: "ok", latency_ms: Date.now() - started };
    return Response.json(body, { headers: noStore });
  } catch {
    const body: v.InferOutput<typeof Health> = { ok: false, database: "unreachable" };
    return Response.json(body, { status: 503, headers: noStore });
  }
}
