/**
 * What a request to /r/… looked like, reduced to the facts the counting rule weighs. Pure: it reads
 * headers and request.cf values, never the network. No personal data is kept: no IP, no full UA.
 */


import type { ClientClass, Signals } from "../storage/events";

export interface RequestFacts {
  client: ClientClass;
  asn: number | null;
  country: string | null;
  signals: Signals;
}

/**
 * Networks where mail scanners, link checkers and cloud hosts live. A person browsing from one of
 * them (a Microsoft employee, say) still counts when the request carries browser navigation headers.
 */
export const CLOUD_ASNS: ReadonlySet<number> = new Set([
  8075, 8068, 8069, // Microsoft, incl. Defender Safe Links
  16509, 14618, // Amazon AWS
  15169, 396982, // Google, Google Cloud
  13335, // Cloudflare
  14061, // DigitalOcean
  24940, // Hetzner
  16276, // OVH
  63949, // Akamai / Linode
  31898, // Oracle Cloud
  30031, // Mimecast
  26211, 22843, // Proofpoint
  15324, // Barracuda
  45102, // Alibaba Cloud
  132203, // Tencent Cloud
]);

const HEADLESS = /headless|phantomjs|puppeteer|playwright|lighthouse|selenium|webdriver/i;
// "bot" only as a product token (Googlebot/2.1, Slackbot-LinkExpanding, TelegramBot (…), …bot;), so a
// phone model such as "CUBOT X30" in a real Android browser's UA is not taken for a crawler.
const BOT =
  /bot(?:\/|-|;|\s*\(|\s*$)|crawler|spider|slurp|preview|scanner|urlanalyzer|safelinks|safe-?links|mimecast|proofpoint|barracuda|fortinet|trendmicro|symantec|sophos|facebookexternalhit|whatsapp|skypeuripreview|ms-office|microsoft office|msoffice|outlook-ios-linkcheck|google-safety|googleimageproxy|yahoomailproxy|linkcheck|validator|monitor/i;
const TOOL =
  /^(curl|wget|python|go-http-client|java\/|okhttp|node-fetch|node\b|undici|axios|libwww|apache-httpclient|postmanruntime|httpie|aiohttp|ruby|php|guzzle|powershell|winhttp|dart|rust|reqwest)/i;
const BROWSER = /^Mozilla\/5\.0 .*(AppleWebKit|Gecko|Trident)/;

export function classifyUserAgent(userAgent: string | null): ClientClass {
  const ua = userAgent?.trim() ?? "";
  if (ua === "") return "empty";
  if (HEADLESS.test(ua)) return "headless";
  if (BOT.test(ua)) return "bot";
  if (TOOL.test(ua)) return "tool";
  return BROWSER.test(ua) ? "browser" : "tool";
}

function isPrefetch(headers: Headers): boolean {
  const purpose = [headers.get("sec-purpose"), headers.get("purpose"), headers.get("x-purpose"), headers.get("x-moz")]
    .filter((v): v is string => v !== null)
    .join(",")
    .toLowerCase();
  return /prefetch|preview|prerender/.test(purpose);
}

const short = (value: string | null) => (value === null ? undefined : value.slice(0, 32).toLowerCase());

export interface CfLike {
  asn?: unknown;
  country?: unknown;
}

/** AS numbers are unsigned 32-bit; anything else in request.cf is not one. */
const isAsn = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value > 0 && value <= 0xffff_ffff;

/**
 * `ownOrigin` is the origin the request was sent to (our pages post to themselves): an Origin header
 * naming another one is kept as a signal. Without it (tests of other facts, ingestion) none is kept.
 */
export function requestFacts(headers: Headers, cf: CfLike | undefined, ownOrigin?: string): RequestFacts {
  const rawAsn = cf?.asn;
  const asn = isAsn(rawAsn) ? rawAsn : null;
  const country = typeof cf?.country === "string" && /^[A-Z0-9]{2}$/.test(cf.country) ? cf.country : null;
  const signals: Signals = {};
  if (isPrefetch(headers)) signals.prefetch = true;
  const mode = short(headers.get("sec-fetch-mode"));
  const site = short(headers.get("sec-fetch-site"));
  const dest = short(headers.get("sec-fetch-dest"));
  if (mode) signals.fetch_mode = mode;
  if (site) signals.fetch_site = site;
  if (dest) signals.fetch_dest = dest;
  if (headers.get("sec-fetch-user") === "?1") signals.fetch_user = true;
  const origin = headers.get("origin")?.trim().toLowerCase();
  // "null" is what a page with our no-referrer policy sends on its own form posts: no evidence either way.
  if (ownOrigin !== undefined && origin && origin !== "null" && origin !== ownOrigin.toLowerCase()) signals.origin_mismatch = true;
  if (headers.get("accept-language")) signals.accept_language = true;
  if (asn !== null && CLOUD_ASNS.has(asn)) signals.cloud = true;
  return { client: classifyUserAgent(headers.get("user-agent")), asn, country, signals };
}
