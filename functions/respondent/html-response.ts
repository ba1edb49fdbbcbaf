import { BEACON_SCRIPT } from "./page";

let scriptHash: Promise<string> | null = null;

/** The CSP hash of the one inline script, computed once per isolate. */
function beaconHash(): Promise<string> {
  scriptHash ??= crypto.subtle
    .digest("SHA-256", new TextEncoder().encode(BEACON_SCRIPT))
    .then((digest) => btoa(String.fromCharCode(...new Uint8Array(digest))));
  return scriptHash;
}

/**
 * Respondent pages carry the token in their URL: never cached, never indexed, never sent on as a
 * referrer, and only our own inline script and forms are allowed, and the brand's logo from its origin.
 */
export async function htmlResponse(html: string | null, status = 200, imageOrigin: string | null = null): Promise<Response> {
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    // A brand's logo (functions/surveys/brand.ts): its one https origin, nothing else.
    ...(imageOrigin ? [`img-src ${imageOrigin}`] : []),
    `script-src 'sha256-${await beaconHash()}'`,
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex, nofollow",
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": csp,
    },
  });
}
