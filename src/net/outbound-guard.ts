import { promises as dns, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressRefusal, parseIp } from './address-policy';
import { HostAllowList, normalHostname } from './allow-list';

/** Resolves a hostname to every address it has (default: the system resolver, as Node's own connections use it). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * The guard refused an outbound URL: its host is, or resolves to, an address the service must not call. The message
 * names the address and belongs in the worker's log only; callers are told a generic reason.
 */
export class OutboundRefusedError extends Error {
  readonly code = 'ERR_OUTBOUND_ADDRESS_REFUSED';
  constructor(
    readonly host: string,
    /** e.g. `loopback address`, `resolves to a private address`. */
    readonly reason: string,
    readonly address?: string,
  ) {
    super(`outbound request to ${host} refused: ${reason}${address ? ` (${address})` : ''}`);
    this.name = 'OutboundRefusedError';
  }
}

/** `a loopback address`, `an IPv4-mapped private address`: a refusal reason after a verb. */
export const withArticle = (phrase: string): string => `${/^(?:[aeio]|u(?!ni))/i.test(phrase) ? 'an' : 'a'} ${phrase}`;

const isLoopbackName = (host: string) => {
  const name = normalHostname(host);
  return name === 'localhost' || name.endsWith('.localhost');
};

/**
 * Why the service must not call `url`, judged without DNS (the API's check of a callbackUrl; the guard's first step):
 * a scheme other than http(s), a literal IP address that is not public (in any form the URL parser accepts: it
 * normalises `http://2130706433/` or `http://0x7f.1/` to 127.0.0.1), or a `localhost` name; unless allow-listed.
 * Undefined when nothing is wrong so far: a hostname is judged by its addresses when it is resolved.
 */
export function urlRefusal(url: URL, allow: HostAllowList = HostAllowList.EMPTY): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'not an http(s) URL';
  const ip = parseIp(url.hostname);
  if (ip) {
    if (allow.allowsAddress(ip)) return undefined;
    const reason = addressRefusal(ip);
    return reason === undefined ? undefined : `${reason} address`;
  }
  if (!allow.allowsName(url.hostname) && isLoopbackName(url.hostname)) return 'loopback name';
  return undefined;
}

export interface OutboundGuardOptions {
  /** CALLBACK_ALLOWED_HOSTS; default empty (public addresses only). */
  allow?: HostAllowList;
  /** For tests; default the system resolver. */
  resolve?: Resolver;
}

/**
 * The outbound-address guard of every request the service makes on a caller's behalf (order callbacks, the operator
 * webhook): only public addresses, unless allow-listed (CALLBACK_ALLOWED_HOSTS). A hostname is resolved once, by
 * `lookup`, which every address it has must pass, and the connection is made to exactly those addresses: a DNS answer
 * that changes between the check and the connection (rebinding) cannot redirect it. See src/net/guarded-fetch.ts.
 */
export class OutboundGuard {
  readonly allow: HostAllowList;
  private readonly resolve: Resolver;

  constructor(options: OutboundGuardOptions = {}) {
    this.allow = options.allow ?? HostAllowList.EMPTY;
    this.resolve = options.resolve ?? systemResolver;
  }

  /** Throws OutboundRefusedError when `url` is refused before any DNS (see urlRefusal). */
  checkUrl(url: URL): void {
    const reason = urlRefusal(url, this.allow);
    if (reason !== undefined) throw new OutboundRefusedError(url.hostname, reason);
  }

  /**
   * Resolves `hostname` once and returns its addresses when every one may be called (a name with one refused address
   * is refused altogether); throws OutboundRefusedError otherwise. Allow-listed names are not checked.
   */
  async resolveChecked(hostname: string, family?: number): Promise<LookupAddress[]> {
    const answers = await this.resolve(hostname);
    const addresses = family === 4 || family === 6 ? answers.filter((a) => a.family === family) : answers;
    if (!addresses.length)
      throw Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND', hostname });
    if (this.allow.allowsName(hostname)) return addresses;
    for (const { address } of addresses) {
      const ip = parseIp(address);
      const reason = ip ? (this.allow.allowsAddress(ip) ? undefined : addressRefusal(ip)) : 'unparsable';
      if (reason !== undefined)
        throw new OutboundRefusedError(hostname, `resolves to ${withArticle(reason)} address`, address);
    }
    return addresses;
  }

  /** A `lookup` for net/http/https connections: the checked addresses, in the shape the caller asked for. */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const family = ({ 4: 4, 6: 6, IPv4: 4, IPv6: 6 } as Record<string, number>)[String(options.family)];
    this.resolveChecked(hostname, family).then(
      (addresses) => {
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}
