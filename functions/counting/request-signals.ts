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

/** The facts of a change the team makes through the API (an ingested answer, an override): no respondent's request. */
export const teamFacts = (signals: Signals = {}): RequestFacts => ({ client: "admin", asn: null, country: null, signals });

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

/**
 * Of those, networks that host machines and no offices or consumer relays: nobody browses from them
 * but through a VPN that egresses there. Microsoft, Google and Cloudflare (WARP) also carry people.
 */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([...CLOUD_ASNS].filter((asn) => ![8075, 8068, 8069, 15169, 13335].includes(asn)));

const HEADLESS = /headless|phantomjs|puppeteer|playwright|lighthouse|selenium|webdriver/i;
// "bot" only as a product token (Googlebot/2.1, Slackbot-LinkExpanding, TelegramBot (…), …bot;), so a
// phone model such as "CUBOT X30" in a real Android browser's UA is not taken for a crawler.
const BOT =
  /bot(?:\/|-|;|\s*\(|\s*$)|crawler|spider|slurp|preview|scanner|urlanalyzer|safelinks|safe-?links|mimecast|proofpoint|barracuda|fortinet|trendmicro|symantec|sophos|facebookexternalhit|whatsapp|skypeuripreview|ms-office|microsoft office|msoffice|outlook-ios-linkcheck|google-safety|googleimageproxy|yahoomailproxy|linkcheck|validator|monitor/i;
const TOOL =
  /^(curl|wget|python|go-http-client|java\/|okhttp|node-fetch|node\b|undici|axios|libwww|apache-httpclient|postmanruntime|httpie|aiohttp|ruby|php|guzzle|powershell|winhttp|dart|rust|reqwest)/i;
const BROWSER = /^Mozilla\/5\.0 .*(AppleWebKit|Gecko|Trident)/;
/**
 * Apple Mail's renderer on a Mac, the UA Mail Privacy Protection's proxy fetches with: WebKit and no
 * browser after it. Mail opens a tapped link in the person's browser, which names itself.
 */
const MAIL_RENDERER = /^Mozilla\/5\.0 \(Macintosh;[^)]*\) AppleWebKit\/[\d.]+ \(KHTML, like Gecko\)$/;

export function classifyUserAgent(userAgent: string | null): ClientClass {
  const ua = userAgent?.trim() ?? "";
  if (ua === "") return "empty";
  if (HEADLESS.test(ua)) return "headless";
  if (BOT.test(ua)) return "bot";
  if (TOOL.test(ua)) return "tool";
  if (MAIL_RENDERER.test(ua)) return "bot";
  return BROWSER.test(ua) ? "browser" : "tool";
}

function isPrefetch(headers: Headers): boolean {
  const purpose = [headers.get("sec-purpose"), headers.get("purpose"), headers.get("x-purpose"), headers.get("x-moz")]
    .filter((v): v is string => v !== null)
    .join(",")
    .toLowerCase();
  return /prefetch|preview|prerender/.test(purpose);
}

/**
 * A short, stable hash (FNV-1a, 32 bits) to tell requests of one invitation apart without keeping
 * what they were made of. Not a secret: only an equality test within one invitation's events.
 */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash >>> 0;
}

/** The network an address is in: IPv4 /24, IPv6 /48. A person's next request may come from another address of it. */
export function addressPrefix(address: string | null): string | null {
  const ip = address?.trim() ?? "";
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}`;
  if (!ip.includes(":")) return null;
  const [head = ""] = ip.toLowerCase().split("::");
  const groups = head.split(":").filter((g) => g !== "");
  return [...groups, "0", "0", "0"].slice(0, 3).join(":");
}

/** Chrome's major version in a Chromium UA (Edge, Samsung Internet and WebViews carry it too); null in others. */
export function chromeMajor(userAgent: string | null): number | null {
  const match = /(?:HeadlessChrome|Chrome|CriOS)\/(\d{2,3})\./.exec(userAgent ?? "");
  return match ? Number(match[1]) : null;
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
  if (asn !== null && HOSTING_ASNS.has(asn)) signals.hosting = true;
  const userAgent = headers.get("user-agent") ?? "";
  // The device: the same UA string. 8 hex digits; a UA is no secret.
  if (userAgent !== "") signals.agent = fnv1a(userAgent).toString(16).padStart(8, "0");
  // The client: the device on one network. Only 16 bits, so no address can be read back from it
  // (a /24 and a known UA leave 256 candidates); two clients of one invitation rarely share it.
  const prefix = addressPrefix(headers.get("cf-connecting-ip"));
  if (prefix !== null) signals.peer = (fnv1a(`${prefix}|${userAgent}`) & 0xffff).toString(16).padStart(4, "0");
  const chrome = chromeMajor(userAgent);
  if (chrome !== null) signals.chrome = String(chrome);
  return { client: classifyUserAgent(headers.get("user-agent")), asn, country, signals };
}
