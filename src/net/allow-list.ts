import ipaddr from 'ipaddr.js';
import { parseIp } from './address-policy';

type Block = [ipaddr.IPv4 | ipaddr.IPv6, number];

const HOSTNAME = /^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** A hostname as compared: lower case, without the trailing dot of a fully qualified name. */
export const normalHostname = (host: string): string => host.toLowerCase().replace(/\.$/, '');

/** An IPv4-mapped IPv6 address as the IPv4 address it is, so `10.0.0.0/8` also covers `::ffff:10.0.0.1`. */
function unmapped(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

function parseBlock(entry: string): Block | undefined {
  const [address, bits, ...rest] = entry.split('/');
  const ip = parseIp(address);
  if (!ip || rest.length) return undefined;
  if (bits === undefined) return [unmapped(ip), unmapped(ip).kind() === 'ipv4' ? 32 : 128];
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (ip.kind() === 'ipv4' ? 32 : 128)) return undefined;
  return [ip, Number(bits)];
}

/**
 * CALLBACK_ALLOWED_HOSTS: the exceptions to the outbound-address guard (src/net/outbound-guard.ts), for operators
 * whose callback receivers or webhook live on a private network. Comma-separated entries:
 * - a hostname (`panel.internal`), or `*.` and a domain for its subdomains (`*.panel.internal`): URLs naming it are
 *   trusted whatever it resolves to;
 * - an IP address (`127.0.0.1`, `::1`) or CIDR block (`10.0.0.0/8`, `fd00::/8`): URLs whose literal address or
 *   whose every resolved address lies inside one are allowed.
 */
export class HostAllowList {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly suffixes: readonly string[],
    private readonly blocks: readonly Block[],
    /** The entries as given, normalised (for logs and the docs' examples). */
    readonly entries: readonly string[],
  ) {}

  static readonly EMPTY = new HostAllowList(new Set(), [], [], []);

  /** Parses the comma-separated list; throws an Error naming the first bad entry's position (not its text). */
  static parse(text: string | undefined): HostAllowList {
    const entries = (text ?? '')
      .split(',')
      .map((e) => e.trim().toLowerCase())
      .filter(Boolean);
    const names = new Set<string>();
    const suffixes: string[] = [];
    const blocks: Block[] = [];
    entries.forEach((entry, i) => {
      const name = normalHostname(entry);
      const numeric = /^[\d./]+$|:/.test(entry);
      const block = numeric ? parseBlock(entry) : undefined;
      if (block) blocks.push(block);
      else if (!numeric && HOSTNAME.test(name) && name.length <= 253) {
        if (name.startsWith('*.')) suffixes.push(name.slice(1));
        else names.add(name);
      } else {
        throw new Error(`entry ${i + 1} is neither a hostname, an IP address nor a CIDR block such as 10.0.0.0/8`);
      }
    });
    return new HostAllowList(names, suffixes, blocks, entries);
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** True when `hostname` (not an IP address) is listed by name or under a listed `*.` domain. */
  allowsName(hostname: string): boolean {
    const host = normalHostname(hostname);
    return this.names.has(host) || this.suffixes.some((suffix) => host.endsWith(suffix));
  }

  /** True when the IP address lies in a listed address or block. */
  allowsAddress(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
    const address = unmapped(ip);
    return this.blocks.some(([base, bits]) => {
      if (base.kind() !== address.kind()) return false;
      return address.kind() === 'ipv4'
        ? (address as ipaddr.IPv4).match(base as ipaddr.IPv4, bits)
        : (address as ipaddr.IPv6).match(base as ipaddr.IPv6, bits);
    });
  }
}
