/** GET /healthz — the Worker answers and its database is reachable. */
export async function health(_request: Request, env: Env): Promise<Response> {
  const started = Date.now();
  try {
    await env.DB.prepare("SELECT 1").first();
    return Response.json({ ok: true, database: "ok", latency_ms: Date.now() - started }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return Response.json({ ok: false, database: "unreachable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
