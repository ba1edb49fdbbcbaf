import { escapeHtml } from "../http/html";

/** The local sign-in form for internal reports (production uses Cloudflare Access instead). */
export function signInPage(next: string, failed: boolean): string {
  const error = failed ? `<p class="error" role="alert">That token is not valid, or it lacks the reports:read scope.</p>` : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>Sign in · Tapscore reports</title><style>
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--accent:#1a56db;--line:#8c959f}@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--accent:#6ea8fe;--line:#6e7681}}
body{margin:0;font:17px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}main{max-width:28rem;margin:0 auto;padding:2rem 1rem}
label{display:block;font-weight:600;margin:1rem 0 .3rem}input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button{margin-top:1rem;padding:.6rem 1.1rem;border:0;border-radius:.4rem;background:var(--accent);color:#fff;font:inherit;font-weight:600}.error{font-weight:600}
</style></head><body><main><h1>Sign in to Tapscore reports</h1>${error}<form method="post" action="/internal/sign-in"><input type="hidden" name="next" value="${escapeHtml(next)}"><label for="token">Admin token or API key with reports:read</label><input id="token" name="token" type="password" autocomplete="current-password" required><button type="submit">Sign in</button></form></main></body></html>`;
}
