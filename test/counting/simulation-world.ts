/*
 * The world of the counting-rule simulations: user agents, networks, addresses, mail scanners and
 * people, each producing the requests it would send to /r/…, and what the routes make of them
 * (headers and request.cf → requestFacts → events). Seeded: the same seed gives the same requests.
 * Used by test/counting/simulation.test.ts (mixed populations, posts from another site) and
 * test/counting/simulation-matrix.test.ts (one population per visitor type: the published matrix).
 */
import { requestFacts, type CfLike } from "../../functions/counting/request-signals";
import { type EventKind, type RuleEvent, type Signals } from "../../functions/storage/events";

/** Where the pages are served; the routes pass the request's own origin to requestFacts. */
export const OUR_ORIGIN = "https://feedback.example.com";

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;

export class Rng {
  constructor(readonly next: () => number) {}
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  /** Waiting times of people span seconds to days; log-uniform keeps both ends represented. */
  logBetween(min: number, max: number): number {
    return Math.round(Math.exp(this.between(Math.log(min), Math.log(max))));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of table) if ((r -= w) < 0) return item;
    return table.at(-1)![0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

// ——— The world: user agents, networks, addresses, scales ———

/** Current browsers in March 2026 carry Chrome 145; a sandbox's pinned Chrome is years older. */
export const UA = {
  chromeWin: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36",
  edgeWin: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36 Edg/145.0.0.0",
  chromeMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Safari/537.36",
  firefox: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:147.0) Gecko/20100101 Firefox/147.0",
  safariMac: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.2 Safari/605.1.15",
  safariIos: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.2 Mobile/15E148 Safari/604.1",
  chromeAndroid: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/145.0.0.0 Mobile Safari/537.36",
  androidWebview:
    "Mozilla/5.0 (Linux; Android 15; Pixel 8 Build/AP4A.250105.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/145.0.7632.45 Mobile Safari/537.36",
  samsung:
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
  cubot: "Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
  // Clients that send no Sec-Fetch headers: Safari before 16.4, iOS Mail's web view, IE 11, old WebViews.
  safariIos15: "Mozilla/5.0 (iPhone; CPU iPhone OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1",
  iosMailWebview: "Mozilla/5.0 (iPhone; CPU iPhone OS 15_8 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  ie11: "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
  oldWebview: "Mozilla/5.0 (Linux; Android 7.0; SM-G930F Build/NRD90M; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/64.0.3282.137 Mobile Safari/537.36",
  headless: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/145.0.0.0 Safari/537.36",
  msOffice: "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
  // Apple Mail's renderer, as Mail Privacy Protection's proxy fetches remote content: WebKit without a browser.
  appleMailProxy: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
} as const;

export const MODERN_UAS = [UA.chromeWin, UA.edgeWin, UA.chromeMac, UA.firefox, UA.safariMac, UA.safariIos, UA.chromeAndroid, UA.androidWebview, UA.samsung, UA.cubot];
const DESKTOP_UAS = [UA.chromeWin, UA.edgeWin, UA.chromeMac, UA.firefox, UA.safariMac];
const PHONE_UAS = [UA.safariIos, UA.chromeAndroid, UA.androidWebview, UA.samsung, UA.cubot];
const OLD_UAS = [UA.safariIos15, UA.iosMailWebview, UA.ie11, UA.oldWebview];
const SCANNER_BROWSER_UAS = [UA.chromeWin, UA.edgeWin, UA.chromeMac, UA.firefox];
/** Safe Links' detonation and sandboxes like it run a pinned, outdated Chrome. */
const OUTDATED_CHROME = (major: number) => `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
const BOT_UAS = {
  mimecast: ["Mozilla/5.0 (compatible; Mimecast URL Protect)", ...SCANNER_BROWSER_UAS],
  proofpoint: ["Proofpoint URL Defense/1.0", ...SCANNER_BROWSER_UAS],
  barracuda: ["Barracuda Sentinel (EE)", ...SCANNER_BROWSER_UAS],
  expanders: [
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "WhatsApp/2.23.20.0 A",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b Chrome/120.0.0.0 Safari/537.36",
  ],
  tools: ["curl/8.5.0", "python-requests/2.32.3", "Go-http-client/2.0", "okhttp/4.12.0", "Java/17.0.9", "Wget/1.21.4", ""],
  mailProxies: [
    UA.appleMailProxy,
    "Mozilla/5.0",
    "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
  ],
};

export interface Network extends CfLike {
  asn: number;
  country: string;
}

const RESIDENTIAL: readonly Network[] = [
  { asn: 3320, country: "DE" },
  { asn: 1136, country: "NL" },
  { asn: 33915, country: "NL" },
  { asn: 3301, country: "SE" },
  { asn: 5617, country: "PL" },
  { asn: 3215, country: "FR" },
  { asn: 2856, country: "GB" },
  { asn: 7922, country: "US" },
  { asn: 701, country: "US" },
  { asn: 21928, country: "US" },
];
/** Mobile carriers: a phone's address can move to another /24 between two taps (carrier NAT). */
const CARRIERS: readonly Network[] = [
  { asn: 3209, country: "DE" },
  { asn: 21928, country: "US" },
  { asn: 6167, country: "US" },
  { asn: 12430, country: "NL" },
  { asn: 1257, country: "SE" },
];
const MICROSOFT: Network = { asn: 8075, country: "NL" };
const MIMECAST: Network = { asn: 30031, country: "GB" };
const PROOFPOINT: readonly Network[] = [{ asn: 26211, country: "US" }, { asn: 22843, country: "US" }];
const BARRACUDA: Network = { asn: 15324, country: "US" };
const SANDBOX_CLOUDS: readonly Network[] = [{ asn: 16509, country: "US" }, { asn: 396982, country: "US" }, { asn: 8075, country: "IE" }, { asn: 14061, country: "DE" }, { asn: 24940, country: "DE" }];
/** Machines only: AWS, Google Cloud, DigitalOcean, Hetzner, and the mail-security vendors' own. */
const HOSTING: readonly Network[] = [{ asn: 16509, country: "US" }, { asn: 396982, country: "US" }, { asn: 14061, country: "DE" }, { asn: 24940, country: "DE" }, MIMECAST, PROOFPOINT[0]!];
/** A small hosting provider that is not on the cloud list, and residential proxies that scanners rent. */
const UNLISTED_HOST: Network = { asn: 51167, country: "DE" };
/** Apple's Private Relay / Mail Privacy Protection egress (Akamai's relay network, Cloudflare). */
const APPLE_RELAYS: readonly Network[] = [{ asn: 36183, country: "US" }, { asn: 13335, country: "US" }, { asn: 714, country: "US" }];
/** Corporate VPN egress: Zscaler, Netskope (not cloud-listed), Cloudflare WARP (cloud, with people). */
const VPN_EGRESS: readonly (readonly [Network, number])[] = [
  [{ asn: 53813, country: "DE" }, 45],
  [{ asn: 22616, country: "US" }, 15],
  [{ asn: 55256, country: "NL" }, 15],
  [{ asn: 13335, country: "GB" }, 25],
];

/** An address in a network: each AS gets its own first octet, the rest drawn. */
export function addressIn(rng: Rng, network: Network): string {
  return `${(network.asn % 200) + 20}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}
/** Another address of the same /24: a NAT pool, or a scanner's parallel fetchers. */
const nextTo = (rng: Rng, address: string) => `${address.slice(0, address.lastIndexOf("."))}.${rng.int(1, 254)}`;

export const SCALES = [
  [1, 2, 3, 4, 5],
  [1, 2, 3, 4, 5, 6, 7],
  [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
] as const;

// ——— Requests ———

export interface SimRequest {
  kind: EventKind;
  score: number | null;
  at: number;
  headers: Record<string, string>;
  cf: CfLike;
  /** The client's address (CF-Connecting-IP); the route reduces it to a /24 in a 16-bit hash. */
  ip: string;
  nonce?: string;
  trusted?: boolean;
  /** Sent by the invitation's person, not by a scanner: what the matrix counts against. */
  person?: true;
}

const navigationHeaders = (site: "none" | "cross-site" | "same-origin"): Record<string, string> => ({
  "sec-fetch-mode": "navigate",
  "sec-fetch-site": site,
  "sec-fetch-dest": "document",
  "sec-fetch-user": "?1",
});
const BEACON_HEADERS = { "sec-fetch-mode": "no-cors", "sec-fetch-site": "same-origin", "sec-fetch-dest": "empty" };

/** An event with whether the person sent it. */
export interface SimEvent extends RuleEvent {
  person: boolean;
}

/** What the routes do with each request: read facts, add the form id and the beacon's flag. */
export function toEvents(requests: readonly SimRequest[], rng: Rng): SimEvent[] {
  const arrived = [...requests].sort((a, b) => a.at - b.at);
  return arrived.map((request, i) => {
    const facts = requestFacts(new Headers({ ...request.headers, "cf-connecting-ip": request.ip }), request.cf, OUR_ORIGIN);
    const signals: Signals = { ...facts.signals };
    if (request.nonce) signals.nonce = request.nonce;
    if (request.trusted) signals.trusted_input = true;
    // Edge machines' clocks and parallel requests: `at` need not follow arrival order.
    const skew = rng.int(-150, 150);
    return { seq: i + 1, kind: request.kind, score: request.score, at: request.at + skew, client: facts.client, signals, person: request.person === true };
  });
}

// ——— Scanners ———

export const SCANNER_KINDS = [
  "safe_links_sweep",
  "gateway_all_links",
  "gateway_one_link",
  "head_checker",
  "prefetcher",
  "headless_sandbox",
  "link_expander",
  "rescan_hours_later",
  "post_replayer",
  "outlook_link_check",
  "unlisted_single_get",
  "js_sandbox",
  "detonation_chamber",
  "hidden_link_follower",
  "mail_proxy_prefetch",
  "prefilled_burst",
] as const;
export type ScannerKind = (typeof SCANNER_KINDS)[number];

export interface Mail {
  scale: readonly number[];
  delivered: number;
  /** Form ids our page hands out, one per page served. */
  nonce: () => string;
}

const gatewayNetwork = (rng: Rng) =>
  rng.weighted([
    [{ cf: MIMECAST, uas: BOT_UAS.mimecast }, 1],
    [{ cf: rng.pick(PROOFPOINT), uas: BOT_UAS.proofpoint }, 1],
    [{ cf: BARRACUDA, uas: BOT_UAS.barracuda }, 1],
  ] as const);

/** The honeypot link's fetch by a scanner that follows every href, hidden ones too. */
const honeypotFetch = (at: number, headers: Record<string, string>, cf: CfLike, ip: string): SimRequest => ({ kind: "honeypot", score: null, at, headers, cf, ip });

/** Every score link of the email within 0–3 s, from AS8075, an HTTP client with a browser-like or Office UA. */
function safeLinksSweep(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const ua = rng.chance(0.75) ? rng.pick(SCANNER_BROWSER_UAS) : UA.msOffice;
  const headers: Record<string, string> = { "user-agent": ua, ...(rng.chance(0.5) ? { "accept-language": "en-US" } : {}) };
  const ip = addressIn(rng, MICROSOFT);
  const heads = rng.chance(0.3) ? mail.scale.map((score) => ({ kind: "head" as const, score, at: start + rng.int(0, 500), headers, cf: MICROSOFT, ip })) : [];
  const gets = rng.shuffle(mail.scale).map((score) => ({ kind: "tap" as const, score, at: start + rng.int(0, 3 * SECOND), headers, cf: MICROSOFT, ip: nextTo(rng, ip) }));
  const hidden = rng.chance(0.6) ? [honeypotFetch(start + rng.int(0, 3 * SECOND), headers, MICROSOFT, nextTo(rng, ip))] : [];
  return [...heads, ...gets, ...hidden];
}

function gatewayAllLinks(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const { cf, uas } = gatewayNetwork(rng);
  const headers = { "user-agent": rng.pick(uas) };
  const ip = addressIn(rng, cf);
  const step = rng.int(0, 1_500);
  const gets = mail.scale.map((score, i): SimRequest => ({ kind: "tap", score, at: start + i * step + rng.int(0, 200), headers, cf, ip }));
  return rng.chance(0.6) ? [...gets, honeypotFetch(start + mail.scale.length * step, headers, cf, ip)] : gets;
}

function gatewayOneLink(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const { cf, uas } = gatewayNetwork(rng);
  return [{ kind: "tap", score: rng.pick(mail.scale), at: start, headers: { "user-agent": rng.pick(uas) }, cf, ip: addressIn(rng, cf) }];
}

function headChecker(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const headers = { "user-agent": rng.pick([...BOT_UAS.tools, ...SCANNER_BROWSER_UAS]) };
  const cf = rng.chance(0.5) ? rng.pick(SANDBOX_CLOUDS) : rng.pick(RESIDENTIAL);
  const ip = addressIn(rng, cf);
  const links = rng.chance(0.6) ? mail.scale : [mail.scale[0]!];
  return links.map((score) => ({ kind: "head", score, at: start + rng.int(0, 2 * SECOND), headers, cf, ip }));
}

/** A browser or client warming its cache: real browser headers, but marked as a prefetch. */
function prefetcher(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const purpose = rng.pick<Record<string, string>>([
    { purpose: "prefetch" },
    { "sec-purpose": "prefetch" },
    { "sec-purpose": "prefetch;prerender" },
    { "x-moz": "prefetch" },
    { "x-purpose": "preview" },
  ]);
  const headers = { "user-agent": rng.pick(MODERN_UAS), "accept-language": "en", ...navigationHeaders("none"), "sec-fetch-user": "?0", ...purpose };
  const cf = rng.chance(0.7) ? rng.pick(RESIDENTIAL) : rng.pick(SANDBOX_CLOUDS);
  const ip = addressIn(rng, cf);
  const links = rng.chance(0.5) ? mail.scale : [rng.pick(mail.scale)];
  return links.map((score) => ({ kind: "tap", score, at: start + rng.int(0, 5 * SECOND), headers, cf, ip }));
}

/**
 * A sandbox running headless Chrome: real Chrome headers (Sec-Fetch included), JavaScript with dwell
 * time on each page, sometimes an untrusted synthetic click, sometimes submitting the form it found.
 */
function headlessSandbox(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const ua = rng.chance(0.5) ? UA.headless : rng.pick(SCANNER_BROWSER_UAS);
  const cf = rng.chance(0.85) ? rng.pick(SANDBOX_CLOUDS) : rng.pick(RESIDENTIAL); // some rent residential proxies
  const ip = addressIn(rng, cf);
  const headers = { "user-agent": ua, "accept-language": "en-US,en;q=0.9", ...navigationHeaders("none") };
  const beaconHeaders = { "user-agent": ua, ...BEACON_HEADERS };
  const formHeaders = { "user-agent": ua, "accept-language": "en-US,en;q=0.9", ...navigationHeaders("same-origin") };
  const parallel = rng.chance(0.5);
  const requests: SimRequest[] = [];
  let at = start;
  if (rng.chance(0.4)) {
    requests.push({ kind: "view", score: null, at, headers, cf, ip });
    at += rng.int(1 * SECOND, 10 * SECOND);
  }
  const submitsOn = rng.chance(0.15) ? rng.pick(mail.scale) : null;
  for (const score of rng.shuffle(mail.scale)) {
    const loaded = parallel ? start + rng.int(0, 2 * SECOND) : (at += rng.int(1 * SECOND, 20 * SECOND));
    requests.push({ kind: "tap", score, at: loaded, headers, cf, ip });
    if (rng.chance(0.4)) requests.push({ kind: "signal", score: null, at: loaded + rng.int(500, 5 * SECOND), headers: beaconHeaders, cf, ip, trusted: false });
    if (score === submitsOn) requests.push({ kind: "choose", score: rng.pick(mail.scale), at: loaded + rng.int(1 * SECOND, 8 * SECOND), headers: formHeaders, cf, ip, nonce: mail.nonce() });
  }
  return requests;
}

/**
 * Safe Links' detonation and sandboxes like it: a pinned, outdated Chrome from Microsoft's (or another
 * cloud's) network loads the page with a browser's headers, runs its JavaScript, fires the beacon
 * (input sent through the DevTools protocol is trusted), submits the page's forms and auto-POSTs.
 * One link or all of them; those that follow every href fetch the honeypot too.
 */
function jsSandbox(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const ua = OUTDATED_CHROME(rng.int(100, 124));
  const cf = rng.chance(0.7) ? MICROSOFT : rng.pick(HOSTING);
  const ip = addressIn(rng, cf);
  const page = { "user-agent": ua, "accept-language": "en-US", ...navigationHeaders("none") };
  const form = { "user-agent": ua, "accept-language": "en-US", ...navigationHeaders("same-origin"), origin: "null" };
  const links = rng.chance(0.5) ? [rng.pick(mail.scale)] : rng.shuffle(mail.scale);
  const requests: SimRequest[] = [];
  let at = start;
  for (const score of links) {
    at += rng.int(1 * SECOND, 15 * SECOND);
    requests.push({ kind: "tap", score, at, headers: page, cf, ip });
    if (rng.chance(0.7)) requests.push({ kind: "signal", score: null, at: at + rng.int(300, 3 * SECOND), headers: { "user-agent": ua, ...BEACON_HEADERS }, cf, ip, trusted: true });
    if (rng.chance(0.6)) requests.push({ kind: "choose", score: mail.scale[0]!, at: at + rng.int(1 * SECOND, 5 * SECOND), headers: form, cf, ip, nonce: mail.nonce() });
    if (rng.chance(0.4)) requests.push({ kind: "comment", score, at: at + rng.int(1 * SECOND, 6 * SECOND), headers: form, cf, ip, nonce: mail.nonce() });
  }
  if (links.length > 1 && rng.chance(0.7)) requests.push(honeypotFetch(at + rng.int(1 * SECOND, 10 * SECOND), page, cf, ip));
  return requests;
}

/**
 * A detonation chamber: one link opened by a current browser from a machines-only network, a
 * browser's navigation headers, JavaScript run, no input. A few run on Azure, whose network people
 * share: those look exactly like a Microsoft employee opening the link (the modelled blind spot).
 */
function detonationChamber(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const cf = rng.chance(0.01) ? { asn: 8075, country: "US" } : rng.pick(HOSTING);
  const headers = { "user-agent": rng.pick(SCANNER_BROWSER_UAS), "accept-language": "en-US,en;q=0.9", ...navigationHeaders("none") };
  return [{ kind: "tap", score: rng.pick(mail.scale), at: start + rng.int(2 * SECOND, 90 * SECOND), headers, cf, ip: addressIn(rng, cf) }];
}

/**
 * A crawler that paces its fetches just over a sweep's gap so no burst forms, with a current browser's
 * headers from rented residential or unlisted addresses, and follows every href: the honeypot too.
 */
function hiddenLinkFollower(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const cf = rng.chance(0.5) ? UNLISTED_HOST : rng.pick(RESIDENTIAL);
  const ip = addressIn(rng, cf);
  const headers = { "user-agent": rng.pick(SCANNER_BROWSER_UAS), "accept-language": "en-US,en;q=0.9", ...navigationHeaders("none") };
  const hrefs: (number | null)[] = rng.shuffle([...mail.scale, null]);
  let at = start;
  return hrefs.map((score): SimRequest => {
    at += rng.int(31 * SECOND, 50 * SECOND);
    return score === null ? honeypotFetch(at, headers, cf, ip) : { kind: "tap", score, at, headers, cf, ip };
  });
}

/**
 * Apple Mail Privacy Protection and other mail proxies fetch a message's remote content at delivery
 * and when it is opened, through their own networks: Apple's renderer UA or a bare "Mozilla/5.0",
 * Google's and Yahoo's image proxies, or a privacy relay that says it prefetches.
 */
function mailProxyPrefetch(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const cf = rng.pick(APPLE_RELAYS);
  const ip = addressIn(rng, cf);
  const relay = rng.chance(0.2);
  const headers: Record<string, string> = relay
    ? { "user-agent": UA.safariIos, "accept-language": "en-US", ...navigationHeaders("none"), "sec-purpose": "prefetch" }
    : { "user-agent": rng.pick(BOT_UAS.mailProxies) };
  const links = rng.chance(0.5) ? [rng.pick(mail.scale)] : mail.scale;
  const fetches = (at: number) => links.map((score): SimRequest => ({ kind: "tap", score, at: at + rng.int(0, 2 * SECOND), headers, cf, ip: nextTo(rng, ip) }));
  // At delivery, and again when the person opens the message, hours later.
  return rng.chance(0.5) ? [...fetches(start), ...fetches(start + rng.logBetween(MINUTE, 12 * HOUR))] : fetches(start);
}

/** PostHog's evidence: several different ratings of one email within one second, from prefilled links. */
function prefilledBurst(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const cf = rng.chance(0.5) ? rng.pick(RESIDENTIAL) : UNLISTED_HOST;
  const ip = addressIn(rng, cf);
  const headers = { "user-agent": rng.pick(SCANNER_BROWSER_UAS), "accept-language": "en-US", ...navigationHeaders("none") };
  const scores = rng.shuffle(mail.scale).slice(0, rng.int(2, 4));
  return scores.map((score): SimRequest => ({ kind: "tap", score, at: start + rng.int(0, 900), headers, cf, ip }));
}

/** Slack, Teams, WhatsApp and friends unfurl a pasted link: the first one, with a bot UA. */
function linkExpander(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const headers = { "user-agent": rng.pick(BOT_UAS.expanders) };
  const cf = rng.pick(SANDBOX_CLOUDS);
  const first: SimRequest = { kind: "tap", score: mail.scale[0]!, at: start, headers, cf, ip: addressIn(rng, cf) };
  return rng.chance(0.3) ? [{ ...first, kind: "head" }, { ...first, at: start + rng.int(50, 500) }] : [first];
}

/** Outlook desktop checking a link before opening it: an Office UA from the person's own network. */
function outlookLinkCheck(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const cf = rng.pick(RESIDENTIAL);
  const ip = addressIn(rng, cf);
  const score = rng.pick(mail.scale);
  return [
    { kind: "head", score, at: start, headers: { "user-agent": UA.msOffice }, cf, ip },
    { kind: "tap", score, at: start + rng.int(50, 400), headers: { "user-agent": rng.pick([UA.msOffice, "Mozilla/4.0 (compatible; ms-office; MSOffice 16)"]) }, cf, ip },
  ];
}

/** A scanner loads one page, then posts its form from AS8075 ~35 s later, sometimes twice. */
function postReplayer(rng: Rng, mail: Mail, start: number): SimRequest[] {
  const ua = rng.pick(SCANNER_BROWSER_UAS);
  const ip = addressIn(rng, MICROSOFT);
  const copiesHeaders = rng.chance(0.5);
  const score = rng.pick(mail.scale);
  const nonce = mail.nonce();
  const post = (at: number): SimRequest => ({
    kind: rng.chance(0.7) ? "choose" : "comment",
    score,
    at,
    headers: { "user-agent": ua, ...(copiesHeaders ? navigationHeaders("same-origin") : {}) },
    cf: MICROSOFT,
    ip,
    nonce,
  });
  const first = start + rng.int(30 * SECOND, 40 * SECOND);
  const requests: SimRequest[] = [{ kind: "tap", score, at: start, headers: { "user-agent": ua }, cf: MICROSOFT, ip }, post(first)];
  if (rng.chance(0.5)) requests.push(post(first + rng.int(30 * SECOND, 40 * SECOND)));
  return requests;
}

/** The modelled blind spot: one GET, browser UA, no Sec-Fetch, from a network not on the list. */
function unlistedSingleGet(rng: Rng, mail: Mail, start: number): SimRequest[] {
  return [{ kind: "tap", score: rng.pick(mail.scale), at: start, headers: { "user-agent": rng.pick(SCANNER_BROWSER_UAS) }, cf: UNLISTED_HOST, ip: addressIn(rng, UNLISTED_HOST) }];
}

export function scannerPass(kind: ScannerKind, rng: Rng, mail: Mail, start: number): SimRequest[] {
  switch (kind) {
    case "safe_links_sweep":
      return safeLinksSweep(rng, mail, start);
    case "gateway_all_links":
      return gatewayAllLinks(rng, mail, start);
    case "gateway_one_link":
      return gatewayOneLink(rng, mail, start);
    case "head_checker":
      return headChecker(rng, mail, start);
    case "prefetcher":
      return prefetcher(rng, mail, start);
    case "headless_sandbox":
      return headlessSandbox(rng, mail, start);
    case "link_expander":
      return linkExpander(rng, mail, start);
    case "outlook_link_check":
      return outlookLinkCheck(rng, mail, start);
    case "post_replayer":
      return postReplayer(rng, mail, start);
    case "unlisted_single_get":
      return unlistedSingleGet(rng, mail, start);
    case "js_sandbox":
      return jsSandbox(rng, mail, start);
    case "detonation_chamber":
      return detonationChamber(rng, mail, start);
    case "hidden_link_follower":
      return hiddenLinkFollower(rng, mail, start);
    case "mail_proxy_prefetch":
      return mailProxyPrefetch(rng, mail, start);
    case "prefilled_burst":
      return prefilledBurst(rng, mail, start);
    case "rescan_hours_later": {
      const again = rng.pick(["safe_links_sweep", "gateway_all_links", "headless_sandbox", "js_sandbox"] as const);
      return [...scannerPass(again, rng, mail, start), ...scannerPass(again, rng, mail, start + rng.logBetween(HOUR, 48 * HOUR))];
    }
  }
}

/** How often each scanner passes over an email with nobody behind it. */
export const SCANNER_MIX: readonly (readonly [ScannerKind, number])[] = [
  ["safe_links_sweep", 30],
  ["gateway_all_links", 12],
  ["gateway_one_link", 8],
  ["head_checker", 8],
  ["prefetcher", 6],
  ["headless_sandbox", 12],
  ["link_expander", 8],
  ["rescan_hours_later", 8],
  ["post_replayer", 4],
  ["outlook_link_check", 4],
  ["unlisted_single_get", 0.4],
  ["js_sandbox", 12],
  ["detonation_chamber", 8],
  ["hidden_link_follower", 3],
  ["mail_proxy_prefetch", 8],
  ["prefilled_burst", 3],
];

/** Scanners that sit between a company's mail and its people, so also in front of real respondents. */
export const CORPORATE_SCANNERS: readonly (readonly [ScannerKind, number])[] = [
  ["safe_links_sweep", 40],
  ["gateway_all_links", 15],
  ["gateway_one_link", 10],
  ["headless_sandbox", 10],
  ["head_checker", 10],
  ["prefetcher", 5],
  ["outlook_link_check", 5],
  ["rescan_hours_later", 5],
  ["js_sandbox", 15],
  ["detonation_chamber", 10],
  ["hidden_link_follower", 3],
  ["mail_proxy_prefetch", 10],
  ["prefilled_burst", 3],
];

export function newMail(rng: Rng, id: number): Mail {
  let served = 0;
  return {
    scale: rng.pick(SCALES),
    delivered: Date.UTC(2026, 2, 2, 8, 0, 0) + rng.int(0, 30 * 24) * HOUR + rng.int(2 * SECOND, 2 * MINUTE),
    nonce: () => `f${id}-${++served}`,
  };
}

export interface Invitation {
  profile: string;
  events: SimEvent[];
  /** The score the person chose last; absent for scanner-only invitations. */
  finalScore?: number;
  /** What the invitation was made of, to add posts from another site to it. */
  mail: Mail;
  requests: SimRequest[];
  device?: Device;
}

/** One to three scanner passes drawn from the mix. */
export function scannerOnlyInvitation(rng: Rng, id: number): Invitation {
  const mail = newMail(rng, id);
  const passes = rng.weighted([[1, 60], [2, 30], [3, 10]] as const);
  const kinds = Array.from({ length: passes }, () => rng.weighted(SCANNER_MIX));
  const requests = kinds.flatMap((kind, i) => scannerPass(kind, rng, mail, mail.delivered + (i === 0 ? 0 : rng.int(0, 10 * MINUTE))));
  return { profile: kinds.join("+"), events: toEvents(requests, rng), mail, requests };
}

/** One pass of one scanner: the matrix's row for that scanner. */
export function singleScannerInvitation(rng: Rng, id: number, kind: ScannerKind): Invitation {
  const mail = newMail(rng, id);
  const requests = scannerPass(kind, rng, mail, mail.delivered);
  return { profile: kind, events: toEvents(requests, rng), mail, requests };
}

// ——— People ———

export const DEVICE_KINDS = ["modern_home", "phone", "js_off", "old_client_home", "corporate_vpn", "microsoft_employee"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const DEVICE_MIX: readonly (readonly [DeviceKind, number])[] = [
  ["modern_home", 35],
  ["phone", 25],
  ["js_off", 5],
  ["old_client_home", 12],
  ["corporate_vpn", 10],
  ["microsoft_employee", 13],
];

export interface Device {
  kind: DeviceKind;
  ua: string;
  cf: Network;
  /** The address of the device's next request: a phone on a carrier may get another /24 each time. */
  address: () => string;
  sendsSecFetch: boolean;
  javascript: boolean;
  language: string;
}

function newDevice(rng: Rng, kind: DeviceKind): Device {
  const language = rng.pick(["en-US,en;q=0.9", "nl-NL,nl;q=0.9", "de-DE,de;q=0.9", "sv-SE,sv;q=0.9", "pl-PL,pl;q=0.9"]);
  const fixed = (cf: Network) => {
    const ip = addressIn(rng, cf);
    return { cf, address: () => nextTo(rng, ip) };
  };
  switch (kind) {
    case "modern_home":
      return { kind, ua: rng.pick(DESKTOP_UAS), ...fixed(rng.pick(RESIDENTIAL)), sendsSecFetch: true, javascript: rng.chance(0.9), language };
    case "phone": {
      const cf = rng.pick(CARRIERS);
      const ip = addressIn(rng, cf);
      return { kind, ua: rng.pick(PHONE_UAS), cf, address: () => (rng.chance(0.3) ? addressIn(rng, cf) : ip), sendsSecFetch: true, javascript: rng.chance(0.95), language };
    }
    case "js_off":
      return { kind, ua: rng.pick(MODERN_UAS), ...fixed(rng.pick(RESIDENTIAL)), sendsSecFetch: true, javascript: false, language };
    case "old_client_home":
      return { kind, ua: rng.pick(OLD_UAS), ...fixed(rng.pick(RESIDENTIAL)), sendsSecFetch: false, javascript: rng.chance(0.5), language };
    case "corporate_vpn":
      return { kind, ua: rng.pick([UA.edgeWin, UA.chromeWin, UA.chromeMac]), ...fixed(rng.weighted(VPN_EGRESS)), sendsSecFetch: true, javascript: rng.chance(0.8), language };
    case "microsoft_employee":
      return { kind, ua: rng.pick([UA.edgeWin, UA.chromeWin]), ...fixed(MICROSOFT), sendsSecFetch: true, javascript: rng.chance(0.8), language };
  }
}

/**
 * The Origin of a person's own form post: our pages' no-referrer policy makes browsers that follow it
 * send "null"; older engines send our origin; IE 11 sends none.
 */
const ownOrigin = (device: Device): Record<string, string> =>
  device.sendsSecFetch ? { origin: "null" } : device.ua === UA.ie11 ? {} : { origin: OUR_ORIGIN };

/** A user agent of another operating system than the person's: the re-visit comes from another device. */
const otherDevice = (rng: Rng, ua: string) => rng.pick(SCANNER_BROWSER_UAS.filter((other) => other !== ua && !(ua.includes("Windows") && other.includes("Windows"))));

/**
 * A scanner's re-visit seconds to hours after the person's tap, from another client, network and
 * device (one arrived 12 s after a person's, from another address and OS): the link the person tapped,
 * or another one, with or without a browser's navigation headers.
 */
function scannerRevisit(rng: Rng, mail: Mail, device: Device, tapped: number, at: number): SimRequest[] {
  const cf = rng.weighted([[MICROSOFT, 35], [rng.pick(HOSTING), 30], [UNLISTED_HOST, 15], [rng.pick(RESIDENTIAL), 20]] as const);
  const headers = { "user-agent": otherDevice(rng, device.ua), "accept-language": "en-US", ...(rng.chance(0.7) ? navigationHeaders("none") : {}) };
  const score = rng.chance(0.6) ? tapped : rng.pick(mail.scale);
  const ip = addressIn(rng, cf);
  const first: SimRequest = { kind: "tap", score, at: at + rng.logBetween(2 * SECOND, 6 * HOUR), headers, cf, ip };
  return rng.chance(0.3) ? [first, { ...first, at: first.at + rng.logBetween(MINUTE, 6 * HOUR) }] : [first];
}

export function personInvitation(rng: Rng, id: number, kind: DeviceKind = rng.weighted(DEVICE_MIX)): Invitation {
  const mail = newMail(rng, id);
  const device = newDevice(rng, kind);
  const requests: SimRequest[] = [];
  const tags: string[] = [device.kind];

  // Microsoft's own people are all behind Safe Links; others half of the time behind some scanner.
  const scanner = device.kind === "microsoft_employee" ? "safe_links_sweep" : rng.chance(0.5) ? rng.weighted(CORPORATE_SCANNERS) : null;
  // A gateway releases the mail to the inbox once its pass is done (Safe Links' sweep takes seconds).
  let inInbox = mail.delivered;
  if (scanner) {
    const pass = scannerPass(scanner, rng, mail, mail.delivered);
    requests.push(...pass);
    inInbox = Math.max(inInbox, ...pass.map((r) => r.at).filter((at) => at < mail.delivered + HOUR));
    tags.push(`behind:${scanner}`);
  }
  // With Safe Links, each click in the mail goes through Microsoft, which fetches the link just before.
  const timeOfClick = scanner === "safe_links_sweep" && rng.chance(0.6);
  const safeLinksIp = addressIn(rng, MICROSOFT);

  const get = (kind: "tap" | "view", score: number | null, at: number, site: "none" | "cross-site") => {
    if (timeOfClick && kind === "tap") {
      requests.push({ kind: "tap", score, at: at - rng.int(300, 3 * SECOND), headers: { "user-agent": rng.pick(SCANNER_BROWSER_UAS) }, cf: MICROSOFT, ip: nextTo(rng, safeLinksIp) });
    }
    const ip = device.address();
    requests.push({
      kind,
      score,
      at,
      headers: { "user-agent": device.ua, "accept-language": device.language, ...(device.sendsSecFetch ? navigationHeaders(site) : {}) },
      cf: device.cf,
      ip,
      person: true,
    });
    if (device.javascript && rng.chance(0.7)) {
      requests.push({
        kind: "signal",
        score: null,
        at: at + rng.int(2 * SECOND, 30 * SECOND),
        headers: { "user-agent": device.ua, ...(device.sendsSecFetch ? BEACON_HEADERS : {}) },
        cf: device.cf,
        ip,
        trusted: true,
        person: true,
      });
    }
  };
  const posts: SimRequest[] = [];
  const post = (kind: "choose" | "comment", score: number, at: number) => {
    const request: SimRequest = {
      kind,
      score,
      at,
      headers: { "user-agent": device.ua, "accept-language": device.language, ...(device.sendsSecFetch ? navigationHeaders("same-origin") : {}), ...ownOrigin(device) },
      cf: device.cf,
      ip: device.address(),
      nonce: mail.nonce(),
      person: true,
    };
    requests.push(request);
    posts.push(request);
  };

  const site = rng.chance(0.4) ? "cross-site" : "none"; // webmail vs a mail app
  // People read mail a minute to two days after it arrives.
  let at = inInbox + rng.logBetween(MINUTE, 48 * HOUR);
  let score = rng.pick(mail.scale);
  const firstTap = at;
  // People without JavaScript still get the page's forms: they work without it.
  if (rng.chance(0.15)) {
    tags.push("view+choose");
    get("view", null, at, site);
    post("choose", score, (at += rng.int(5 * SECOND, 90 * SECOND)));
  } else {
    tags.push("tap");
    get("tap", score, at, site);
    if (rng.chance(0.15)) {
      tags.push("twice-in-a-row");
      get("tap", score, at + rng.int(200, 1_500), site);
    }
  }
  const firstScore = score;
  const changes = rng.weighted([[0, 70], [1, 25], [2, 5]] as const);
  for (let i = 0; i < changes; i++) {
    score = rng.pick(mail.scale.filter((s) => s !== score));
    if (rng.chance(0.4)) {
      tags.push("changed-by-tap");
      get("tap", score, (at += rng.logBetween(MINUTE, 24 * HOUR)), site);
    } else {
      tags.push("changed-by-form");
      post("choose", score, (at += rng.int(5 * SECOND, 2 * MINUTE)));
    }
  }
  if (rng.chance(0.3)) {
    tags.push("comment");
    post("comment", score, (at += rng.int(MINUTE, 10 * MINUTE)));
  }
  // Some gateways replay a person's POST from AS8075 ~35 s later, headers and form id included.
  if (posts.length > 0 && rng.chance(0.3)) {
    tags.push("post-replayed");
    const original = rng.pick(posts);
    const copied = rng.chance(0.5) ? original.headers : { "user-agent": original.headers["user-agent"] ?? UA.chromeWin };
    const { person: _person, ...replayed } = original;
    requests.push({ ...replayed, at: original.at + rng.int(30 * SECOND, 40 * SECOND), headers: copied, cf: MICROSOFT, ip: addressIn(rng, MICROSOFT) });
  }
  if (rng.chance(0.25)) {
    tags.push("revisited");
    requests.push(...scannerRevisit(rng, mail, device, firstScore, firstTap));
  }
  return { profile: tags.join(" "), events: toEvents(requests, rng), finalScore: score, mail, requests, device };
}

// ——— Posts from another site ———

const OTHER_SITES = ["https://evil.example", "https://survey-helper.example.net", "https://feedback.example.com.attacker.example"];

/**
 * A page on another site that posts the link's form (another score, a comment) or its beacon. It runs
 * in a real browser: often the person's own, who happened to visit it, so every other header is a
 * person's; the browser names the other site (Sec-Fetch-Site cross-site, same-site for a sibling
 * subdomain) or, without Sec-Fetch headers, its Origin. The one blind spot, an old browser on a page
 * that hides its origin (Origin: null), is left out as the unlisted single GET is for scanners: it
 * looks exactly like the person's own post.
 */
export function postsFromAnotherSite(rng: Rng, invitation: Invitation): SimRequest[] {
  const { mail, device } = invitation;
  const browser =
    device && rng.chance(0.6)
      ? { ua: device.ua, cf: device.cf, ip: device.address(), sendsSecFetch: device.sendsSecFetch, language: device.language }
      : (() => {
          const cf = rng.chance(0.8) ? rng.pick(RESIDENTIAL) : rng.pick(SANDBOX_CLOUDS);
          return { ua: rng.pick(MODERN_UAS), cf, ip: addressIn(rng, cf), sendsSecFetch: true, language: "en-US,en;q=0.9" };
        })();
  const last = Math.max(mail.delivered, ...invitation.requests.map((r) => r.at));
  return Array.from({ length: rng.int(1, 3) }, (): SimRequest => {
    const kind = rng.weighted([["choose", 45], ["comment", 35], ["signal", 20]] as const);
    const form = kind !== "signal" && rng.chance(0.7); // a form submitted, or a fetch() in the background
    const headers: Record<string, string> = {
      "user-agent": browser.ua,
      "accept-language": browser.language,
      origin: browser.sendsSecFetch && rng.chance(0.3) ? "null" : rng.pick(OTHER_SITES),
      ...(browser.sendsSecFetch
        ? {
            "sec-fetch-site": rng.chance(0.85) ? "cross-site" : "same-site",
            "sec-fetch-mode": form ? "navigate" : "no-cors",
            "sec-fetch-dest": form ? "document" : "empty",
          }
        : {}),
    };
    return {
      kind,
      score: kind === "signal" ? null : rng.pick(mail.scale),
      // Any time from delivery to a day after the last request: before, between or after the person's choices.
      at: Math.round(rng.between(mail.delivered, last + 24 * HOUR)),
      headers,
      cf: browser.cf,
      ip: browser.ip,
      ...(kind === "signal" ? { trusted: true } : rng.chance(0.5) ? { nonce: mail.nonce() } : {}),
    };
  });
}
