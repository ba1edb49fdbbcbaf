import { describe, expect, it } from "vitest";
import { checkWebhookUrl } from "../../functions/security/webhook-url";

// A refused webhook URL answers 400 with the reason: it must name the block or name family the host is
// in (IANA's special-purpose registries, RFC 6761/6762/8375), so that the person can see what to change.
const problem = (url: string, localDevelopment = false) => {
  const check = checkWebhookUrl(url, { localDevelopment });
  return check.ok ? null : check.problem;
};

describe("webhook URL reasons", () => {
  it.each([
    ["0.1.2.3", /0\.1\.2\.3 is an unspecified address \(0\.0\.0\.0\/8\)/],
    ["10.20.30.40", /private address \(10\/8\)/],
    ["100.64.0.1", /carrier-grade NAT address \(100\.64\/10\)/],
    ["100.127.255.255", /carrier-grade NAT address \(100\.64\/10\)/],
    ["127.1.2.3", /loopback address \(127\/8\)/],
    ["169.254.0.1", /link-local address \(169\.254\/16\)/],
    ["172.31.255.255", /private address \(172\.16\/12\)/],
    ["192.0.0.9", /IETF protocol address \(192\.0\.0\/24\)/],
    ["192.0.2.1", /documentation address \(192\.0\.2\/24\)/],
    ["192.88.99.1", /6to4 relay address \(192\.88\.99\/24\)/],
    ["192.168.255.1", /private address \(192\.168\/16\)/],
    ["198.19.255.255", /benchmarking address \(198\.18\/15\)/],
    ["198.51.100.7", /documentation address \(198\.51\.100\/24\)/],
    ["203.0.113.7", /documentation address \(203\.0\.113\/24\)/],
    ["224.0.0.1", /multicast address \(224\/4\)/],
    ["239.255.255.255", /multicast address \(224\/4\)/],
    ["240.0.0.1", /reserved address \(240\/4\)/],
    ["255.255.255.254", /reserved address \(240\/4\)/],
    ["255.255.255.255", /the broadcast address/],
  ])("names the IPv4 block of %s", (host, why) => {
    expect(problem(`https://${host}/hook`)).toMatch(why);
  });

  it.each([
    ["[::]", /the unspecified address \(::\)/],
    ["[::1]", /the loopback address \(::1\)/],
    ["[::ffff:10.0.0.1]", /IPv4-mapped address \(::ffff:0:0\/96\)/],
    ["[::10.0.0.1]", /IPv4-compatible address \(::\/96\)/],
    ["[64:ff9b::8.8.8.8]", /NAT64 address \(64:ff9b::\/96\)/],
    ["[64:ff9b:1::1]", /local NAT64 address \(64:ff9b:1::\/48\)/],
    ["[fd12:3456::1]", /unique local address \(fc00::\/7\)/],
    ["[fe80::1]", /link-local address \(fe80::\/10\)/],
    ["[fec0::1]", /site-local address \(fec0::\/10\)/],
    ["[ff02::1]", /multicast address \(ff00::\/8\)/],
    ["[100::1]", /not a global unicast address \(2000::\/3\)/],
    ["[2001:0:1::1]", /IETF protocol address \(2001::\/23/],
    ["[2001:db8::1]", /documentation address \(2001:db8::\/32\)/],
    ["[3fff::1]", /documentation address \(3fff::\/20\)/],
    ["[2002:c0a8:101::1]", /a 6to4 address \(2002::\/16\) of a private address \(192\.168\/16\)/],
  ])("names the IPv6 block of %s", (host, why) => {
    expect(problem(`https://${host}/hook`)).toMatch(why);
  });

  it.each([
    ["printer.localdomain", /a local name/],
    ["printer.local", /multicast DNS name \(\.local\)/],
    ["metadata.internal", /private-use name \(\.internal\)/],
    ["router.home.arpa", /home network name \(\.home\.arpa\)/],
    ["1.0.0.127.in-addr.arpa", /infrastructure name \(\.arpa\)/],
    ["nas.lan", /local network name \(\.lan\)/],
    ["nas.home", /local network name \(\.home\)/],
    ["wiki.corp", /local network name \(\.corp\)/],
    ["portal.intranet", /local network name \(\.intranet\)/],
    ["box.private", /local network name \(\.private\)/],
    ["hooks.test", /reserved name \(\.test\)/],
    ["hooks.invalid", /reserved name \(\.invalid\)/],
    ["app.localhost", /this machine \(localhost\)/],
  ])("names the kind of name %s is", (host, why) => {
    expect(problem(`https://${host}/hook`)).toMatch(why);
  });

  it("says what would be accepted, which depends on local development", () => {
    expect(problem("https://10.0.0.1/")).toBe("must reach a public host; 10.0.0.1 is a private address (10/8)");
    expect(problem("https://10.0.0.1/", true)).toBe("must reach a public host (or this machine, in local development); 10.0.0.1 is a private address (10/8)");
    expect(problem("http://hooks.example.com/", true)).toBe("must be an https URL (plain http only to this machine)");
    expect(problem("ftp://hooks.example.com/")).toBe("must be an https URL");
    expect(problem("https://hooks.example.com:0/")).toBe("must not use port 0");
    expect(problem("https://a..example.com/")).toMatch(/not a valid host name/);
  });

  it("lets loopback through only in local development, and over plain http there", () => {
    expect(checkWebhookUrl("http://127.0.0.1:8787/hook", { localDevelopment: true }).ok).toBe(true);
    expect(checkWebhookUrl("http://[::1]:8787/hook", { localDevelopment: true }).ok).toBe(true);
    expect(checkWebhookUrl("http://app.localhost/hook", { localDevelopment: true }).ok).toBe(true);
    expect(checkWebhookUrl("http://10.0.0.1/hook", { localDevelopment: true }).ok).toBe(false);
    expect(checkWebhookUrl("http://127.0.0.1:8787/hook", { localDevelopment: false }).ok).toBe(false);
  });
});
