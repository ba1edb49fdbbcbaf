/**
 * The bench's baseline: a Worker that only answers, with a page the size of a thank-you page, so the
 * record path's cost is measured against the runtime alone (wrangler dev, same machine, same client).
 */
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Thank you</title></head><body><main><h1>Thank you!</h1>${"<p>…</p>".repeat(300)}</main></body></html>`;

export default {
  fetch: () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } }),
};
