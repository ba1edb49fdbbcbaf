import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../functions/security/webhook-url";

// Each refused IPv4 block at its first and last address, and the addresses just outside it. The
// blocks and their reasons are IANA's IPv4 Special-Purpose Address Registry; the edges are worked out
// by hand from each prefix (a /n block spans 2^(32−n) addresses from its base).
const problem = (url: string, localDevelopment = false) => {
  const check = checkWebhookUrl(url, { localDevelopment });
  return check.ok ? null : check.problem;
};

const blocks: [first: string, last: string, reason: RegExp][] = [
  ["0.0.0.0", "0.255.255.255", /unspecified address \(0\.0\.0\.0\/8\)/],
  ["10.0.0.0", "10.255.255.255", /private address \(10\/8\)/],
  ["100.64.0.0", "100.127.255.255", /carrier-grade NAT address \(100\.64\/10\)/],
  ["127.0.0.0", "127.255.255.255", /loopback address \(127\/8\)/],
  ["169.254.0.0", "169.254.255.255", /link-local address \(169\.254\/16\)/],
  ["172.16.0.0", "172.31.255.255", /private address \(172\.16\/12\)/],
  ["192.0.0.0", "192.0.0.255", /IETF protocol address \(192\.0\.0\/24\)/],
  ["192.0.2.0", "192.0.2.255", /documentation address \(192\.0\.2\/24\)/],
  ["192.88.99.0", "192.88.99.255", /6to4 relay address \(192\.88\.99\/24\)/],
  ["192.168.0.0", "192.168.255.255", /private address \(192\.168\/16\)/],
  ["198.18.0.0", "198.19.255.255", /benchmarking address \(198\.18\/15\)/],
  ["198.51.100.0", "198.51.100.255", /documentation address \(198\.51\.100\/24\)/],
  ["203.0.113.0", "203.0.113.255", /documentation address \(203\.0\.113\/24\)/],
  ["224.0.0.0", "239.255.255.255", /multicast address \(224\/4\)/],
  ["240.0.0.0", "255.255.255.254", /reserved address \(240\/4\)/],
  ["255.255.255.255", "255.255.255.255", /the broadcast address/],
];

// The address before each block's first and after each block's last, where that is a public address.
const justOutside = [
  "1.0.0.0",
  "9.255.255.255",
  "11.0.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "126.255.255.255",
  "128.0.0.0",
  "169.253.255.255",
  "169.255.0.0",
  "172.15.255.255",
  "172.32.0.0",
  "191.255.255.255",
  "192.0.1.0",
  "192.0.3.0",
  "192.88.98.255",
  "192.88.100.0",
  "192.167.255.255",
  "192.169.0.0",
  "198.17.255.255",
  "198.20.0.0",
  "198.51.99.255",
  "198.51.101.0",
  "203.0.112.255",
  "203.0.114.0",
  "223.255.255.255",
];

describe("webhook URL: refused IPv4 blocks at their edges", () => {
  it.each(blocks)("refuses %s and %s", (first, last, reason) => {
    expect(problem(`https://${first}/hook`)).toMatch(reason);
    expect(problem(`https://${last}/hook`)).toMatch(reason);
  });

  it.each(justOutside)("accepts %s, just outside a block", (address) => {
    expect(problem(`https://${address}/hook`)).toBeNull();
  });
});

describe("webhook URL: schemes and names", () => {
  it("refuses a scheme other than http and https, in development too", () => {
    expect(problem("ftp://example.com/hook")).toBe("must be an https URL");
    expect(problem("ftp://example.com/hook", true)).toBe("must be an https URL");
    // In development loopback is allowed, but only over http(s).
    expect(problem("ftp://localhost/hook", true)).toBe("must be an https URL");
    expect(problem("ws://127.0.0.1/hook", true)).toBe("must be an https URL");
  });

  // The URL parser reads a host as IPv4 only when its last label is all digits (or 0x and hex digits);
  // a top-level label that merely starts or ends with digits, or 0x followed by other letters, is a name.
  it.each(["https://hooks.web3/", "https://hooks.3com/", "https://hooks.0xyz/", "https://a.b.c2/"])("accepts the name %s", (url) => {
    expect(problem(url)).toBeNull();
  });
});

describe("webhook URL: IPv6 hosts", () => {
  it("accepts a global address written with all eight groups (no ::)", () => {
    expect(problem("https://[2a00:1450:4001:81c:1:2:3:4]/hook")).toBeNull();
  });
});

describe("webhook URL: 6to4 only inside 2002::/16", () => {
  // 2a00:a00:1::1 is in 2000::/3 but not in 2002::/16: its bits 16–48 (0a00:0001, read as 10.0.0.1)
  // mean nothing, so it is an ordinary public address.
  it("accepts a global address whose middle bits would read as a private IPv4 address", () => {
    expect(problem("https://[2a00:a00:1::1]/hook")).toBeNull();
    expect(problem("https://[2a00:c0a8:101::1]/hook")).toBeNull();
  });

  it("refuses the same bits inside 2002::/16", () => {
    expect(problem("https://[2002:a00:1::1]/hook")).toMatch(/6to4 address \(2002::\/16\) of a private address \(10\/8\)/);
  });
});
