/**
 * The static report site as the Worker serves it where it must decide. wrangler.toml sets
 * not_found_handling = "none", so a path with no built file reaches the Worker instead of the site's
 * 404 page; here that page is served again, with its status, for whatever the Worker does not answer.
 */

/** Shown only when the site has not been built at all (no 404 page among the assets). */
const BARE_NOT_FOUND =
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>Page not found</title></head><body><main><h1>Page not found</h1><p>There is no page at this address.</p></main></body></html>`;

/** The site's own 404 page with status 404, as the assets answered a missing path before. */
export async function siteNotFound(request: Request, env: Pick<Env, "ASSETS">): Promise<Response> {
  // "/404", not "/404.html": the assets' auto-trailing-slash handling redirects the latter there.
  const page = await env.ASSETS.fetch(new Request(new URL("/404", request.url)));
  if (!page.ok) {
    return new Response(request.method === "HEAD" ? null : BARE_NOT_FOUND, {
      status: 404,
      headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" },
    });
  }
  const headers = new Headers(page.headers);
  // The page's validators name the 404 page, not the address asked for.
  headers.delete("ETag");
  headers.delete("Last-Modified");
  return new Response(request.method === "HEAD" ? null : page.body, { status: 404, headers });
}

/** A built page as the assets serve it (conditional requests, canonical redirects); the site's 404 page where none is built. */
export async function siteAsset(request: Request, env: Pick<Env, "ASSETS">): Promise<Response> {
  // A plain request: itty hands handlers a proxy of it, which the assets binding does not take.
  const built = await env.ASSETS.fetch(new Request(request.url, { method: request.method, headers: request.headers }));
  return built.status === 404 ? siteNotFound(request, env) : built;
}
