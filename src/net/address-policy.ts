import ipaddr from 'ipaddr.js';

/**
 * Which IP addresses the service may call on a caller's behalf (order callbacks, the operator webhook): public
 * unicast only. Everything a request could use to reach the service's own host or network is refused: loopback,
 * private, link-local (with cloud metadata at 169.254.169.254), CGNAT, unique-local, multicast, unspecified,
 * broadcast, reserved and documentation ranges, and IPv6 forms that carry one of those IPv4 addresses (IPv4-mapped,
 * IPv4-translated, IPv4-compatible, NAT64, 6to4). Operators open exceptions with CALLBACK_ALLOWED_HOSTS.
 */

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

/** IPv4 names of ipaddr.js's ranges, as a refusal reason reads them. */
const V4_RANGES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  reserved: 'reserved',
};

const v4Block = (text: string) => ipaddr.IPv4.parseCIDR(text);
const v6Block = (text: string) => ipaddr.IPv6.parseCIDR(text);

/** Special-purpose IPv4 blocks ipaddr.js 1.x counts as unicast. */
const V4_EXTRA: Array<[[IPv4, number], string]> = [[v4Block('198.18.0.0/15'), 'benchmarking']];

/** Global unicast IPv6 is 2000::/3; inside it, these blocks are refused (or, for 6to4, judged by their IPv4). */
const V6_GLOBAL = v6Block('2000::/3');
const V6_IETF = v6Block('2001::/23'); // IETF protocol assignments: Teredo, benchmarking, ORCHID, ...
const V6_DOCUMENTATION = v6Block('2001:db8::/32');
const V6_6TO4 = v6Block('2002::/16');
const V6_NAT64_WELL_KNOWN = v6Block('64:ff9b::/96');
const V6_NAT64_LOCAL = v6Block('64:ff9b:1::/48');
const V6_IPV4_COMPATIBLE = v6Block('::/96');
const V6_IPV4_MAPPED = v6Block('::ffff:0:0/96');
const V6_IPV4_TRANSLATED = v6Block('::ffff:0:0:0/96');

const V6_RANGES: Record<string, string> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
};

/** The IPv4 address in the last 32 bits of `v6`. */
const lastFour = (v6: IPv6): IPv4 => {
  const [high, low] = v6.parts.slice(-2);
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
};

function refusalOfV4(v4: IPv4): string | undefined {
  const range = v4.range();
  if (range !== 'unicast') return V4_RANGES[range] ?? range;
  for (const [block, reason] of V4_EXTRA) if (v4.match(block)) return reason;
  return undefined;
}

function embedded(v4: IPv4, form: string): string | undefined {
  const reason = refusalOfV4(v4);
  return reason === undefined ? undefined : `${form} ${reason}`;
}

function refusalOfV6(v6: IPv6): string | undefined {
  const within = (block: [IPv6, number]) => v6.match(block);
  const range = v6.range();
  if (V6_RANGES[range]) return V6_RANGES[range];
  if (within(V6_IPV4_MAPPED)) return embedded(lastFour(v6), 'IPv4-mapped');
  if (within(V6_IPV4_TRANSLATED)) return embedded(lastFour(v6), 'IPv4-translated');
  if (within(V6_IPV4_COMPATIBLE)) return 'IPv4-compatible';
  if (within(V6_NAT64_WELL_KNOWN)) return embedded(lastFour(v6), 'NAT64');
  if (within(V6_NAT64_LOCAL)) return 'local NAT64';
  if (within(V6_6TO4)) {
    const [, high, low] = v6.parts;
    return embedded(new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]), '6to4');
  }
  if (within(V6_DOCUMENTATION)) return 'documentation';
  if (within(V6_IETF)) return 'special-purpose';
  if (!within(V6_GLOBAL)) return 'not global unicast';
  return undefined;
}

/** `address` parsed when it is an IP address (IPv6 with or without brackets), else undefined. */
export function parseIp(address: string): IPv4 | IPv6 | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

/**
 * Why the service must not connect to the IP address `ip` (e.g. `loopback`, `IPv4-mapped private`), or undefined
 * when it is public. Only canonical forms count as addresses: `ip` is a resolver's answer or a hostname as the WHATWG
 * URL parser leaves it (which turns `http://2130706433/` and `http://0x7f.1/` into 127.0.0.1).
 */
export function addressRefusal(ip: IPv4 | IPv6): string | undefined {
  return ip.kind() === 'ipv4' ? refusalOfV4(ip as IPv4) : refusalOfV6(ip as IPv6);
}
