import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../functions/security/webhook-url";

/**
 * Which URLs may receive webhooks, judged inside workerd, whose URL parser is the one fetch uses.
 * Each row: the URL, whether local development takes it, whether production takes it. The addresses
 * of the spellings are worked out by hand (10.0.0.1 = 167772161 = 0xa000001; 169.254.169.254 =
 * 2852039166 = 0xa9fea9fe; 192.168.1.1 = 3232235777).
 */
type Row = readonly [url: string, development: boolean, production: boolean];

const PUBLIC: Row[] = [
  ["https://hooks.slack.com/services/x", true, true],
  ["https://example.com:8443/x", true, true],
  ["https://hooks.example.com:65535/x", true, true],
  ["https://hooks.example.com:22/x", true, true],
  ["https://HOOKS.EXAMPLE.COM./x", true, true],
  ["https://münchen.de/hook", true, true],
  ["https://xn--mnchen-3ya.de/hook", true, true],
  ["https://[2606:4700:4700::1111]/hook", true, true],
  ["https://[2606:4700:4700:0:0:0:0:1111]:8443/hook", true, true],
  ["https://[2002:808:808::1]/", true, true], // 6to4 of 8.8.8.8
  ["https://1.1.1.1/hook", true, true],
  ["https://172.32.0.1/", true, true], // just past 172.16/12
  ["https://100.128.0.1/", true, true], // just past 100.64/10
  ["https://198.20.0.1/", true, true], // just past 198.18/15
  ["https://169.253.255.255/", true, true], // just before 169.254/16
  // The backslash ends the authority: fetch goes to hooks.slack.com, and so does the judgement.
  ["https://hooks.slack.com\\@10.0.0.1/", true, true],
];

/** This machine: only local development may call it, over http too. */
const LOOPBACK: Row[] = [
  ["http://127.0.0.1:8788/hook", true, false],
  ["https://[::1]:8787/", true, false],
  ["http://[0:0:0:0:0:0:0:1]/", true, false],
  ["https://localhost:22/", true, false],
  ["http://127.1:6379/", true, false],
  ["http://0x7f000001/", true, false],
  ["https://2130706433/", true, false],
  ["https://0x7f.1/", true, false],
  ["https://0177.0.0.1/", true, false],
  ["https://127.0.0.1./", true, false],
  ["https://127.255.255.254/", true, false],
  ["https://１２７．０．０．１/", true, false],
  ["https://127。0。0。1/", true, false],
  ["https://LOCALHOST./", true, false],
  ["https://ⓛocalhost/", true, false],
  ["https://ｌｏｃａｌｈｏｓｔ/", true, false],
  ["https://%6c%6fcalhost/", true, false],
  ["https://api.localhost/", true, false],
  ["https://127.0.0.1\\@hooks.slack.com/", true, false],
];

/** Refused everywhere. */
const INTERNAL: Row[] = [
  ["https://169.254.169.254/latest/meta-data/", false, false],
  ["https://2852039166/", false, false],
  ["https://0xa9fea9fe/", false, false],
  ["https://169.254.169.254./", false, false],
  ["https://10.0.0.1/", false, false],
  ["https://167772161/", false, false],
  ["https://0xa000001/", false, false],
  ["https://0x0a.1/", false, false],
  ["https://012.0.0.1/", false, false],
  ["https://10.1/", false, false],
  ["https://%31%30.0.0.1/", false, false],
  ["https://１０．０．０．１/", false, false],
  ["https://172.16.0.1/", false, false],
  ["https://172.31.255.255/", false, false],
  ["https://192.168.1.1:8443/", false, false],
  ["https://3232235777/", false, false],
  ["https://0300.0250.1.1/", false, false],
  ["https://0xc0.0xa8.0x1.0x1/", false, false],
  ["https://100.64.0.1/", false, false],
  ["https://100.127.255.255/", false, false],
  ["https://0.0.0.0/", false, false],
  ["https://0/", false, false],
  ["https://255.255.255.255/", false, false],
  ["https://224.0.0.1/", false, false],
  ["https://239.255.255.250/", false, false],
  ["https://240.0.0.1/", false, false],
  ["https://192.0.0.8/", false, false],
  ["https://192.0.2.1/", false, false],
  ["https://198.51.100.7/", false, false],
  ["https://203.0.113.9/", false, false],
  ["https://198.18.0.1/", false, false],
  ["https://198.19.255.255/", false, false],
  ["https://[::ffff:127.0.0.1]/", false, false],
  ["https://[::ffff:7f00:1]/", false, false],
  ["https://[::ffff:10.0.0.1]/", false, false],
  ["https://[::ffff:0:a9fe:a9fe]/", false, false],
  ["https://[::127.0.0.1]/", false, false],
  ["https://[::a00:1]/", false, false],
  ["https://[64:ff9b::10.0.0.1]/", false, false],
  ["https://[64:ff9b::a9fe:a9fe]/", false, false],
  ["https://[64:ff9b:1::1]/", false, false],
  ["https://[2002:a00:1::]/", false, false], // 6to4 of 10.0.0.1
  ["https://[fe80::1]/", false, false],
  ["https://[FE80::1]/", false, false],
  ["https://[febf::1]/", false, false],
  ["https://[fec0::1]/", false, false],
  ["https://[fc00::1]/", false, false],
  ["https://[fd12:3456::1]/", false, false],
  ["https://[ff02::1]/", false, false],
  ["https://[::]/", false, false],
  ["https://[100::1]/", false, false],
  ["https://[2001:db8::1]/", false, false],
  ["https://[2001::1]/", false, false],
  ["https://[3fff::1]/", false, false],
  ["https://metadata.google.internal/computeMetadata/v1/", false, false],
  ["https://METADATA.GOOGLE.INTERNAL./", false, false],
  ["https://metadata/", false, false],
  ["https://intranet./", false, false],
  ["https://printer.local/", false, false],
  ["https://router.home.arpa/", false, false],
  ["https://1.0.0.127.in-addr.arpa/", false, false],
  ["https://nas.lan/", false, false],
  ["https://wiki.corp/", false, false],
  ["https://db.localdomain/", false, false],
  ["https://hooks.test/", false, false],
  ["https://a..b/", false, false],
  ["https://.example.com/", false, false],
];

/** Not a receiver whatever the address: the wrong scheme, credentials, not a URL. */
const MALFORMED: Row[] = [
  ["http://hooks.example.com/x", false, false],
  ["http://10.0.0.1/", false, false],
  ["ftp://hooks.example.com/x", false, false],
  ["ws://hooks.example.com/x", false, false],
  ["javascript:alert(1)", false, false],
  ["file:///etc/passwd", false, false],
  ["https://user:pw@hooks.example.com/x", false, false],
  ["https://good.com@127.0.0.1/", false, false],
  ["https://hooks.slack.com@10.0.0.1/", false, false],
  ["https://example.com:0/", false, false],
  ["https://999.1.1.1/", false, false],
  ["https://4294967296/", false, false],
  ["https://[::1%25eth0]/", false, false],
  ["//hooks.example.com/x", false, false],
  ["not a url", false, false],
  ["", false, false],
];

describe("webhook URLs", () => {
  it.each([...PUBLIC, ...LOOPBACK, ...INTERNAL, ...MALFORMED])("%s: development %s, production %s", (url, development, production) => {
    expect(checkWebhookUrl(url, { localDevelopment: true }).ok).toBe(development);
    expect(checkWebhookUrl(url, { localDevelopment: false }).ok).toBe(production);
  });

  it.each([
    ["https://169.254.169.254/", /169\.254\.169\.254 is a link-local address/],
    ["https://0xa9fea9fe/", /169\.254\.169\.254 is a link-local address/],
    ["https://10.1/", /10\.0\.0\.1 is a private address/],
    ["https://[::ffff:127.0.0.1]/", /IPv4-mapped/],
    ["https://[64:ff9b::10.0.0.1]/", /NAT64/],
    ["https://[2002:a00:1::]/", /6to4 .* private address/],
    ["https://metadata.google.internal/", /\.internal/],
    ["https://metadata/", /without a domain/],
    ["https://127.0.0.1/", /127\.0\.0\.1 is a loopback address/],
    ["https://localhost/", /localhost/],
    ["https://good.com@127.0.0.1/", /user name or password/],
    ["http://hooks.example.com/", /^must be an https URL$/],
    ["not a url", /^must be a URL$/],
  ])("%s is refused in production saying why", (url, why) => {
    const check = checkWebhookUrl(url, { localDevelopment: false });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(why);
  });

  it("answers the parsed URL it judged, which is the one fetch will call", () => {
    const check = checkWebhookUrl("https://HOOKS.example.com:443/x", { localDevelopment: false });
    expect(check.ok && check.url.href).toBe("https://hooks.example.com/x");
  });
});
