import { describe, expect, it } from "vitest";
import { CLOUD_ASNS, HOSTING_ASNS, addressPrefix, chromeMajor, classifyUserAgent, requestFacts } from "../../functions/counting/request-signals";
import { type ClientClass } from "../../functions/storage/events";

const userAgents: Record<Exclude<ClientClass, "admin">, Record<string, string>> = {
  browser: {
    "Chrome desktop (Windows)":
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Chrome desktop (macOS)":
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Chrome Android": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    "Chrome iOS":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "Firefox desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Firefox Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Firefox Android": "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
    "Safari macOS":
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Safari iPhone":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Safari iPad":
      "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Edge desktop (Outlook desktop opening the default browser)":
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Edge Android":
      "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
    "Samsung Internet":
      "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
    "iOS Mail / WKWebView":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Android WebView":
      "Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.39 Mobile Safari/537.36",
    "Gmail app in-app browser (iOS)":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Google app (GSA) in-app browser":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/300.0.598994205 Mobile/15E148 Safari/604.1",
    "Outlook for Android in-app browser (WebView)":
      "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.81 Mobile Safari/537.36",
    "LinkedIn app in-app browser":
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.1",
    "Cubot phone (a model name ending in 'bot')":
      "Mozilla/5.0 (Linux; Android 11; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    "IE 11": "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
  },
  headless: {
    HeadlessChrome:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
    "HeadlessChrome on Linux (Puppeteer default)":
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.0 Safari/537.36",
    "Puppeteer-tagged": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Puppeteer",
    "Playwright-tagged": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Playwright/1.49",
    PhantomJS: "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
    Lighthouse:
      "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
  },
  bot: {
    "Slackbot-LinkExpanding": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    facebookexternalhit: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    Twitterbot: "Twitterbot/1.0",
    LinkedInBot: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    WhatsApp: "WhatsApp/2.23.20.0 A",
    TelegramBot: "TelegramBot (like TwitterBot)",
    Discordbot: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    Googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    bingbot: "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    BingPreview:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b Chrome/120.0.0.0 Safari/537.36",
    "Microsoft Office/16.0 (Outlook link check)":
      "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)",
    "ms-office (Office protocol discovery)": "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
    SkypeUriPreview:
      "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "Mimecast (self-named)": "Mozilla/5.0 (compatible; Mimecast URL Protect)",
    "Barracuda Sentinel": "Barracuda Sentinel (EE)",
    "Proofpoint URL Defense (self-named)": "Proofpoint URL Defense/1.0",
    "Google image proxy": "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    "Yahoo mail proxy": "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html",
    "Uptime monitor": "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
  },
  tool: {
    curl: "curl/8.5.0",
    wget: "Wget/1.21.4",
    "python-requests": "python-requests/2.32.3",
    "Python urllib": "Python-urllib/3.12",
    "Go-http-client": "Go-http-client/2.0",
    okhttp: "okhttp/4.12.0",
    Java: "Java/17.0.9",
    "Apache-HttpClient": "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "node-fetch": "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    axios: "axios/1.7.7",
    PostmanRuntime: "PostmanRuntime/7.42.0",
    PowerShell: "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.6",
    "Anything else (not Mozilla/5.0)": "AcmeFetcher/3.1",
    "Old MSIE (no engine token)": "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)",
  },
  empty: { empty: "", "only spaces": "   " },
};

describe("classifyUserAgent", () => {
  const rows = Object.entries(userAgents).flatMap(([expected, table]) =>
    Object.entries(table).map(([name, ua]) => ({ name, ua, expected: expected as ClientClass })),
  );
  it.each(rows)("$name → $expected", ({ ua, expected }) => {
    expect(classifyUserAgent(ua)).toBe(expected);
  });

  it("no User-Agent header at all → empty", () => {
    expect(classifyUserAgent(null)).toBe("empty");
  });

  it("classifies a PowerShell request that borrows Mozilla/5.0 as a tool, not a browser", () => {
    // It has no engine token (AppleWebKit/Gecko/Trident), which every real browser sends.
    expect(classifyUserAgent(userAgents.tool.PowerShell!)).toBe("tool");
  });
});

const chrome = userAgents.browser["Chrome desktop (Windows)"]!;
const facts = (headers: Record<string, string>, cf?: Record<string, unknown>) => requestFacts(new Headers(headers), cf);
/** FNV-1a (32 bits) of the Chrome UA above, worked out apart from the code (Python: h = (h ^ c) * 16777619 mod 2^32 from 2166136261). */
const CHROME_AGENT = "10ea5ab7";

describe("requestFacts: prefetch", () => {
  it.each([
    ["Purpose", "prefetch"],
    ["Sec-Purpose", "prefetch"],
    ["Sec-Purpose", "prefetch;prerender"],
    ["Sec-Purpose", "prefetch;anonymous-client-ip"],
    ["X-Moz", "prefetch"],
    ["X-Purpose", "preview"],
    ["X-Purpose", "Preview"],
  ])("%s: %s → prefetch", (header, value) => {
    expect(facts({ "user-agent": chrome, [header]: value }).signals.prefetch).toBe(true);
  });

  it("a plain navigation is not a prefetch", () => {
    expect(facts({ "user-agent": chrome, "sec-fetch-mode": "navigate" }).signals).not.toHaveProperty("prefetch");
  });

  it("an unrelated Purpose value is not a prefetch", () => {
    expect(facts({ "user-agent": chrome, purpose: "navigate" }).signals).not.toHaveProperty("prefetch");
  });
});

describe("requestFacts: Sec-Fetch-* and Accept-Language", () => {
  it("captures a browser navigation from a mail app", () => {
    const { client, signals } = facts({
      "user-agent": chrome,
      "sec-fetch-mode": "navigate",
      "sec-fetch-site": "none",
      "sec-fetch-dest": "document",
      "sec-fetch-user": "?1",
      "accept-language": "nl-NL,nl;q=0.9,en;q=0.8",
    });
    expect(client).toBe("browser");
    expect(signals).toEqual({ fetch_mode: "navigate", fetch_site: "none", fetch_dest: "document", fetch_user: true, accept_language: true, agent: CHROME_AGENT, chrome: "131" });
  });

  it("captures a same-origin form post", () => {
    const { signals } = facts({ "user-agent": chrome, "sec-fetch-mode": "navigate", "sec-fetch-site": "same-origin", "sec-fetch-dest": "document" });
    expect(signals).toMatchObject({ fetch_mode: "navigate", fetch_site: "same-origin", fetch_dest: "document" });
  });

  it("lower-cases and shortens header values so a request cannot store arbitrary text", () => {
    const { signals } = facts({ "sec-fetch-mode": "NAVIGATE", "sec-fetch-site": "x".repeat(500) });
    expect(signals.fetch_mode).toBe("navigate");
    expect(signals.fetch_site).toHaveLength(32);
  });

  it("Sec-Fetch-User other than ?1 is not user activation", () => {
    expect(facts({ "sec-fetch-user": "?0" }).signals).not.toHaveProperty("fetch_user");
  });

  it("a scanner's bare HTTP client sends none of them", () => {
    expect(facts({ "user-agent": "python-requests/2.32.3" }).signals).toEqual({ agent: "d3997e17" });
  });

  it("empty header values are not recorded", () => {
    expect(facts({ "sec-fetch-mode": "", "accept-language": "" }).signals).toEqual({});
  });
});

describe("requestFacts: request.cf", () => {
  it("reads a valid ASN and country", () => {
    expect(facts({}, { asn: 3320, country: "DE" })).toMatchObject({ asn: 3320, country: "DE" });
  });

  it("keeps Cloudflare's special country codes (Tor T1, unknown XX)", () => {
    expect(facts({}, { country: "T1" }).country).toBe("T1");
    expect(facts({}, { country: "XX" }).country).toBe("XX");
  });

  it.each([
    ["a string", "8075"],
    ["a fraction", 8075.5],
    ["zero", 0],
    ["negative", -1],
    ["beyond 32 bits", 2 ** 32],
    ["NaN", Number.NaN],
    ["null", null],
  ])("refuses an ASN that is %s", (_name, asn) => {
    expect(facts({}, { asn }).asn).toBeNull();
  });

  it.each([
    ["lower-case", "de"],
    ["too long", "DEU"],
    ["too short", "D"],
    ["not a string", 49],
    ["empty", ""],
  ])("refuses a country that is %s", (_name, country) => {
    expect(facts({}, { country }).country).toBeNull();
  });

  it("no request.cf (local dev) → no ASN, no country, no cloud flag", () => {
    expect(facts({ "user-agent": chrome }, undefined)).toEqual({ client: "browser", asn: null, country: null, signals: { agent: CHROME_AGENT, chrome: "131" } });
  });
});

describe("requestFacts: cloud networks", () => {
  it.each([8075, 16509, 15169, 396982, 14061, 24940, 30031, 26211, 15324])("AS%i is a cloud or scanner network", (asn) => {
    expect(CLOUD_ASNS.has(asn)).toBe(true);
    expect(facts({}, { asn }).signals.cloud).toBe(true);
  });

  it.each([3320, 7922, 1136, 3215, 2856, 701])("residential/mobile AS%i is not", (asn) => {
    expect(facts({}, { asn }).signals).not.toHaveProperty("cloud");
  });

  it("never records the IP or the full user agent", () => {
    const result = facts(
      { "user-agent": chrome, "cf-connecting-ip": "203.0.113.7", "x-forwarded-for": "203.0.113.7" },
      { asn: 8075, country: "NL" },
    );
    expect(JSON.stringify(result)).not.toContain("203.0.113.7");
    expect(JSON.stringify(result)).not.toContain("Chrome/131");
  });
});

describe("requestFacts: Origin", () => {
  const OURS = "https://feedback.example.com";
  const withOrigin = (origin: string) => requestFacts(new Headers({ "user-agent": chrome, origin }), undefined, OURS).signals;

  it.each(["https://evil.example", "http://feedback.example.com", "https://feedback.example.com:8443", "https://sub.feedback.example.com"])(
    "an Origin of another origin, %s, is kept as a mismatch",
    (origin) => {
      expect(withOrigin(origin)).toEqual({ origin_mismatch: true, agent: CHROME_AGENT, chrome: "131" });
    },
  );

  it.each([
    ["ours", OURS],
    ["ours in capitals", "HTTPS://Feedback.Example.com"],
    ['"null" (our pages\' no-referrer policy)', "null"],
    ["empty", ""],
  ])("an Origin that is %s is no mismatch", (_what, origin) => {
    expect(withOrigin(origin)).toEqual({ agent: CHROME_AGENT, chrome: "131" });
  });

  it("without our origin to compare with, no mismatch is recorded", () => {
    expect(requestFacts(new Headers({ origin: "https://evil.example" }), undefined).signals).toEqual({});
  });
});

describe("requestFacts: which client and device", () => {
  const tool = "python-requests/2.32.3";

  it("keeps a 16-bit hash of the address's /24 and the user agent, never the address", () => {
    const { signals } = facts({ "user-agent": tool, "cf-connecting-ip": "203.0.113.77" });
    expect(signals).toEqual({ agent: "d3997e17", peer: "5edf" });
    expect(JSON.stringify(signals)).not.toContain("203.0.113");
  });

  it("another address of the same /24 is the same client; another /24 or another browser is not", () => {
    const peer = (ip: string, ua = tool) => facts({ "user-agent": ua, "cf-connecting-ip": ip }).signals.peer;
    expect(peer("203.0.113.1")).toBe(peer("203.0.113.254"));
    expect(peer("203.0.114.1")).not.toBe(peer("203.0.113.1"));
    expect(peer("203.0.113.1", chrome)).not.toBe(peer("203.0.113.1"));
  });

  it("IPv6 addresses are grouped by /48", () => {
    expect(facts({ "user-agent": tool, "cf-connecting-ip": "2001:db8:1234:5678::1" }).signals.peer).toBe("b840");
    expect(addressPrefix("2001:DB8:1234:ffff:1:2:3:4")).toBe("2001:db8:1234");
    expect(addressPrefix("2001:db8::1")).toBe("2001:db8:0");
  });

  it("no address, or one that is not an address, keeps no peer", () => {
    expect(facts({ "user-agent": tool }).signals).not.toHaveProperty("peer");
    expect(addressPrefix("unknown")).toBeNull();
    expect(addressPrefix(null)).toBeNull();
    expect(addressPrefix("198.51.100.7")).toBe("198.51.100");
  });

  it("reads Chrome's major version from Chromium user agents, headless and iOS included", () => {
    expect(chromeMajor(chrome)).toBe(131);
    expect(chromeMajor(userAgents.browser["Chrome iOS"]!)).toBe(131);
    expect(chromeMajor(userAgents.browser["Samsung Internet"]!)).toBe(122);
    expect(chromeMajor("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/109.0.5414.74 Safari/537.36")).toBe(109);
    expect(chromeMajor(userAgents.browser["Firefox desktop"]!)).toBeNull();
    expect(chromeMajor(null)).toBeNull();
  });

  it("marks networks of machines only as hosting; Microsoft, Google and Cloudflare carry people too", () => {
    for (const asn of [16509, 396982, 14061, 24940, 30031, 26211, 15324]) expect(facts({}, { asn }).signals, `AS${asn}`).toMatchObject({ cloud: true, hosting: true });
    for (const asn of [8075, 15169, 13335]) expect(facts({}, { asn }).signals, `AS${asn}`).not.toHaveProperty("hosting");
    expect([...HOSTING_ASNS].every((asn) => CLOUD_ASNS.has(asn))).toBe(true);
  });

  it("Apple Mail's renderer (Mail Privacy Protection's proxy) is no browser; iOS Mail's web view still is", () => {
    expect(classifyUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)")).toBe("bot");
    expect(classifyUserAgent(userAgents.browser["iOS Mail / WKWebView"]!)).toBe("browser");
    expect(classifyUserAgent(userAgents.browser["Safari macOS"]!)).toBe("browser");
  });
});
