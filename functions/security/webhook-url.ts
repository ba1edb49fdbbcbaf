/**
 * Which URLs may receive webhooks: a public host over https, so that a webhook can never make the
 * Worker call something only it can reach (a cloud metadata service, a router, the machine running
 * `wrangler dev`). Local development alone may also call this machine (loopback), over http too.
 *
 * The URL is judged as `new URL()` parses it, which is how fetch will read it: the WHATWG parser
 * already turns every IPv4 spelling (2130706433, 0x7f000001, 0x7f.1, 0177.0.0.1, 127.1, full-width
 * digits, a trailing dot) into dotted decimal, decodes percent-escapes, lowercases and applies IDNA
 * (ⓛocalhost is localhost). What is left to do here is judging the address or name it yields.
 *
 * Out of reach: what a public host name resolves to. A Worker has no resolver of its own and cannot
 * pin the address fetch connects to, so a name pointing at 127.0.0.1 (or DNS rebinding) passes this
 * check. On Cloudflare's edge fetch does not reach private address space anyway; under local
 * `wrangler dev` it would, which is why only development allows loopback at all.
 *
 * Ports: any port on a public host. A public host's ports are open to anyone on the internet, so the
 * Worker reaching them gives nobody access they lacked, and https puts a TLS handshake before any
 * byte of ours reaches a non-HTTP service; receivers on 8443 or 8080 are common.
 */

export interface WebhookUrlRules {
  /** Local development (`isDevelopment(env)`): loopback receivers are allowed, over plain http too. */
  localDevelopment: boolean;
}

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; problem: string };

const refuse = (problem: string): WebhookUrlCheck => ({ ok: false, problem });

export function checkWebhookUrl(raw: string, rules: WebhookUrlRules): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("must be a URL");
  }
  // A user name is also the oldest trick to make a URL look like another host's (https://good.com@127.0.0.1/).
  if (url.username || url.password) return refuse("must not carry a user name or password");
  if (url.protocol !== "https:" && url.protocol !== "http:") return refuse("must be an https URL");
  if (url.port === "0") return refuse("must not use port 0");
  const host = classifyHost(url.hostname);
  if (host.kind === "loopback" && rules.localDevelopment) return { ok: true, url };
  if (host.kind !== "public") {
    const allowed = rules.localDevelopment ? "a public host (or this machine, in local development)" : "a public host";
    return refuse(`must reach ${allowed}; ${url.hostname} is ${host.what}`);
  }
  if (url.protocol !== "https:") return refuse(rules.localDevelopment ? "must be an https URL (plain http only to this machine)" : "must be an https URL");
  return { ok: true, url };
}

type HostClass = { kind: "public" } | { kind: "loopback" | "internal"; what: string };

const PUBLIC: HostClass = { kind: "public" };
const internal = (what: string): HostClass => ({ kind: "internal", what });
const loopback = (what: string): HostClass => ({ kind: "loopback", what });

/** Classifies a hostname as `URL.hostname` gives it: a name, dotted-decimal IPv4 or a bracketed IPv6. */
function classifyHost(hostname: string): HostClass {
  // Stryker disable next-line LogicalOperator,StringLiteral: URL.hostname starts with "[" exactly when it ends with "]" (an IPv6 address), so either test alone decides
  if (hostname.startsWith("[") && hostname.endsWith("]")) {
    const address = parseIpv6(hostname.slice(1, -1));
    // Stryker disable next-line StringLiteral: unreachable: new URL() refuses an invalid IPv6 address, so the parse never fails here
    return address === null ? internal("not an IPv6 address") : classifyIpv6(address);
  }
  // One trailing dot is the fully qualified spelling of the same name (localhost. is localhost).
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  const labels = name.split(".");
  // A host ending in a number is an IPv4 address to the URL parser, which writes it as dotted decimal:
  // any other spelling still here came from a parser that did not, so it is not trusted.
  // Stryker disable next-line StringLiteral: split() always yields at least one label, so the fallback is never used
  if (/^(?:0x[0-9a-f]*|[0-9]+)$/i.test(labels.at(-1) ?? "")) {
    const address = parseDottedDecimal(name);
    // Stryker disable next-line StringLiteral: unreachable: new URL() writes every IPv4 host as dotted decimal, which always parses
    return address === null ? internal("an IPv4 address in an unusual spelling") : classifyIpv4(address);
  }
  if (labels.some((label) => label === "")) return internal("not a valid host name");
  for (const [suffix, what] of SPECIAL_NAMES) {
    if (name === suffix || name.endsWith(`.${suffix}`)) return suffix === "localhost" ? loopback(what) : internal(what);
  }
  if (labels.length < 2) return internal("a name without a domain, which only resolves inside a network");
  return PUBLIC;
}

/** Names that never lead to a public host: special-use (RFC 6761, 6762, 8375), ICANN's private-use .internal, and the usual LAN suffixes. */
const SPECIAL_NAMES: readonly (readonly [string, string])[] = [
  ["localhost", "this machine (localhost)"],
  ["localdomain", "a local name"],
  ["local", "a multicast DNS name (.local)"],
  ["internal", "a private-use name (.internal)"],
  ["home.arpa", "a home network name (.home.arpa)"],
  ["arpa", "an infrastructure name (.arpa)"],
  ["lan", "a local network name (.lan)"],
  ["home", "a local network name (.home)"],
  ["corp", "a local network name (.corp)"],
  ["intranet", "a local network name (.intranet)"],
  ["private", "a local network name (.private)"],
  ["test", "a reserved name (.test)"],
  ["invalid", "a reserved name (.invalid)"],
];

// ── IPv4 ──

function parseDottedDecimal(text: string): number | null {
  const parts = text.split(".");
  // Stryker disable next-line LogicalOperator,MethodExpression: only ever given new URL()'s dotted decimal or this file's own block bases, all four valid parts
  if (parts.length !== 4 || !parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((address, part) => address * 256 + Number(part), 0);
}

/** Every IPv4 block IANA's special-purpose registry does not call globally reachable; the first match names it. */
const IPV4_BLOCKS: readonly (readonly [string, string])[] = [
  ["0.0.0.0/8", "an unspecified address (0.0.0.0/8)"],
  ["10.0.0.0/8", "a private address (10/8)"],
  ["100.64.0.0/10", "a carrier-grade NAT address (100.64/10)"],
  ["127.0.0.0/8", "a loopback address (127/8)"],
  ["169.254.0.0/16", "a link-local address (169.254/16), where cloud metadata services live"],
  ["172.16.0.0/12", "a private address (172.16/12)"],
  ["192.0.0.0/24", "an IETF protocol address (192.0.0/24)"],
  ["192.0.2.0/24", "a documentation address (192.0.2/24)"],
  ["192.88.99.0/24", "a 6to4 relay address (192.88.99/24)"],
  ["192.168.0.0/16", "a private address (192.168/16)"],
  ["198.18.0.0/15", "a benchmarking address (198.18/15)"],
  ["198.51.100.0/24", "a documentation address (198.51.100/24)"],
  ["203.0.113.0/24", "a documentation address (203.0.113/24)"],
  ["224.0.0.0/4", "a multicast address (224/4)"],
  ["255.255.255.255/32", "the broadcast address"],
  ["240.0.0.0/4", "a reserved address (240/4)"],
];

const ipv4Blocks = IPV4_BLOCKS.map(([cidr, what]) => {
  const [base, bits] = cidr.split("/") as [string, string];
  return { base: parseDottedDecimal(base)!, size: 2 ** (32 - Number(bits)), what };
});

const LOOPBACK_V4 = 0x7f000000;

function classifyIpv4(address: number): HostClass {
  const block = ipv4Blocks.find(({ base, size }) => address >= base && address < base + size);
  if (!block) return PUBLIC;
  return block.base === LOOPBACK_V4 ? loopback(block.what) : internal(block.what);
}

// ── IPv6 ──

/** The address as a 128-bit number; null unless it is hex groups with at most one `::` (and maybe a dotted IPv4 tail). */
function parseIpv6(text: string): bigint | null {
  let groups = text.toLowerCase();
  // Stryker disable next-line Regex: new URL() serializes IPv6 in hex groups only, never with a dotted IPv4 tail, and no block base here has one
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(groups);
  // Stryker disable next-line BlockStatement: never entered: see the line above
  if (tail) {
    const v4 = parseDottedDecimal(tail[2]!);
    if (v4 === null) return null;
    // Stryker disable next-line StringLiteral: never reached: see the tail pattern above
    groups = `${tail[1]}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = groups.split("::");
  // Stryker disable next-line ConditionalExpression: new URL()'s IPv6 serialization has at most one ::
  if (halves.length > 2) return null;
  const split = (half: string | undefined) => (half ? half.split(":") : []);
  const head = split(halves[0]);
  const rest = split(halves[1]);
  const missing = 8 - head.length - rest.length;
  // Stryker disable next-line EqualityOperator: new URL() compresses only runs of two or more zero groups, so with :: at least two are missing
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  // Stryker disable next-line ConditionalExpression,MethodExpression,Regex: new URL()'s IPv6 serialization is always eight lowercase hex groups of 1-4 digits
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.reduce((address, g) => (address << 16n) | BigInt(parseInt(g, 16)), 0n);
}

const ipv6Block = (cidr: string, what: string) => {
  const [base, bits] = cidr.split("/") as [string, string];
  const shift = BigInt(128 - Number(bits));
  return { base: parseIpv6(base)! >> shift, shift, what };
};
const inBlock = (address: bigint, block: { base: bigint; shift: bigint }) => address >> block.shift === block.base;

/** Named blocks outside 2000::/3, for a clear reason; anything else outside it is refused as well. */
const IPV6_OUTSIDE = [
  ipv6Block("::/128", "the unspecified address (::)"),
  // Stryker disable next-line StringLiteral: ::1 is answered as loopback before the table is searched, so this reason is never shown
  ipv6Block("::1/128", "the loopback address (::1)"),
  ipv6Block("::ffff:0:0/96", "an IPv4-mapped address (::ffff:0:0/96)"),
  ipv6Block("::/96", "an IPv4-compatible address (::/96)"),
  ipv6Block("64:ff9b::/96", "a NAT64 address (64:ff9b::/96), meaningful only inside a network with a NAT64 gateway"),
  ipv6Block("64:ff9b:1::/48", "a local NAT64 address (64:ff9b:1::/48)"),
  ipv6Block("fc00::/7", "a unique local address (fc00::/7)"),
  ipv6Block("fe80::/10", "a link-local address (fe80::/10)"),
  ipv6Block("fec0::/10", "a site-local address (fec0::/10)"),
  ipv6Block("ff00::/8", "a multicast address (ff00::/8)"),
];
// Stryker disable next-line StringLiteral: a block used only for membership: its reason is never shown
const GLOBAL_UNICAST = ipv6Block("2000::/3", "");
/** Not globally reachable although inside 2000::/3. */
const IPV6_INSIDE = [
  ipv6Block("2001::/23", "an IETF protocol address (2001::/23: Teredo, ORCHID, …)"),
  ipv6Block("2001:db8::/32", "a documentation address (2001:db8::/32)"),
  ipv6Block("3fff::/20", "a documentation address (3fff::/20)"),
];
// Stryker disable next-line StringLiteral: a block used only for membership: its reason is never shown
const SIX_TO_FOUR = ipv6Block("2002::/16", "");

function classifyIpv6(address: bigint): HostClass {
  if (address === 1n) return loopback("the loopback address (::1)");
  const outside = IPV6_OUTSIDE.find((block) => inBlock(address, block));
  if (outside) return internal(outside.what);
  if (!inBlock(address, GLOBAL_UNICAST)) return internal("not a global unicast address (2000::/3)");
  const inside = IPV6_INSIDE.find((block) => inBlock(address, block));
  if (inside) return internal(inside.what);
  // 6to4 carries an IPv4 address in bits 16–48: it is as public as that address.
  if (inBlock(address, SIX_TO_FOUR)) {
    const v4 = classifyIpv4(Number((address >> 80n) & 0xffffffffn));
    if (v4.kind !== "public") return internal(`a 6to4 address (2002::/16) of ${v4.what}`);
  }
  return PUBLIC;
}
