import { escapeHtml } from "../http/html";

/** Why the form is shown again: nothing (a plain visit), a refused token, too many tries, or a cross-site post. */
export type SignInNotice = "failed" | "limited" | "cross-site" | null;

const NOTICES: Record<Exclude<SignInNotice, null>, string> = {
  failed: "That token is not valid, or it lacks the reports:read scope.",
  limited: "Too many sign-in attempts from your address. Wait a minute, then try again.",
  // Scripts and curl send neither header: sign-in is for browsers; scripts call the API with a bearer token.
  "cross-site":
    "That sign-in did not come from this page, so it was refused. Sign in with the form below, in a browser; scripts use the API with a bearer token instead.",
};

const STYLE = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--accent:#1a56db;--line:#8c959f}@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--accent:#6ea8fe;--line:#6e7681}}
body{margin:0;font:17px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg)}main{max-width:28rem;margin:0 auto;padding:2rem 1rem}
label{display:block;font-weight:600;margin:1rem 0 .3rem}input{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}
button{margin-top:1rem;padding:.6rem 1.1rem;border:0;border-radius:.4rem;background:var(--accent);color:#fff;font:inherit;font-weight:600}.error{font-weight:600}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title} · Tapscore reports</title><style>
${STYLE}
</style></head><body><main>${body}</main></body></html>`;
}

/** The local sign-in form for internal reports (production uses Cloudflare Access instead). */
export function signInPage(next: string, notice: SignInNotice = null): string {
  const error = notice ? `<p class="error" role="alert">${NOTICES[notice]}</p>` : "";
  return page(
    "Sign in",
    `<h1>Sign in to Tapscore reports</h1>${error}<form method="post" action="/internal/sign-in"><input type="hidden" name="next" value="${escapeHtml(next)}"><label for="token">Admin token or API key with reports:read</label><input id="token" name="token" type="password" autocomplete="current-password" required><button type="submit">Sign in</button></form>`,
  );
}

/** A sign-out posted from another site: refused, with this site's own button to sign out for real. */
export function signOutRefusedPage(): string {
  return page(
    "Sign out",
    `<h1>Sign out of Tapscore reports</h1><p class="error" role="alert">That sign-out did not come from this site, so it was refused.</p><form method="post" action="/internal/sign-out"><button type="submit">Sign out</button></form>`,
  );
}
