import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { HostAllowList } from '../../src/net/allow-list';
import { guardedPost } from '../../src/net/guarded-fetch';
import { OutboundGuard, OutboundRefusedError, urlRefusal, type Resolver } from '../../src/net/outbound-guard';

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });
/** A resolver answering from a table; unknown names are not found. */
const table =
  (answers: Record<string, LookupAddress[]>): Resolver =>
  async (hostname) => {
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };

/** The guard's full verdict on `url`: the check without DNS, then the resolved addresses of a hostname. */
async function verdict(guard: OutboundGuard, url: string): Promise<'allowed' | string> {
  const target = new URL(url);
  try {
    guard.checkUrl(target);
    if (!/^\[|^[\d.]+$/.test(target.hostname)) await guard.resolveChecked(target.hostname);
    return 'allowed';
  } catch (err) {
    if (err instanceof OutboundRefusedError) return err.reason;
    throw err;
  }
}

const resolver = table({
  'loopback.test': [v4('127.0.0.1')],
  'loopback6.test': [v6('::1')],
  'metadata.test': [v4('169.254.169.254')],
  'mapped.test': [v6('::ffff:10.0.0.1')],
  'mixed.test': [v4('93.184.215.14'), v4('10.0.0.1')],
  'mixed6.test': [v6('2606:4700::1111'), v6('fd12::1')],
  'public.test': [v4('93.184.215.14'), v6('2606:4700::1111')],
  'panel.internal': [v4('10.0.0.7')],
});

describe('outbound guard: refused address forms', () => {
  const guard = new OutboundGuard({ resolve: resolver });

  it.each([
    ['decimal', 'http://2130706433/', 'loopback address'],
    ['octal', 'http://0177.0.0.1/', 'loopback address'],
    ['hex', 'http://0x7f000001/', 'loopback address'],
    ['dotted hex', 'http://0x7f.1/', 'loopback address'],
    ['octal, one part', 'http://017700000001/', 'loopback address'],
    ['short', 'http://127.1/', 'loopback address'],
    ['loopback with a port', 'https://127.0.0.1:8443/cb', 'loopback address'],
    ['unspecified v4', 'http://0.0.0.0/', 'unspecified address'],
    ['zero', 'http://0/', 'unspecified address'],
    ['unspecified v6', 'http://[::]/', 'unspecified address'],
    ['loopback v6', 'http://[::1]/', 'loopback address'],
    ['IPv4-mapped, dotted', 'http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback address'],
    ['IPv4-mapped, hex', 'http://[::ffff:7f00:1]/', 'IPv4-mapped loopback address'],
    ['IPv4-mapped private', 'http://[::ffff:10.0.0.1]/', 'IPv4-mapped private address'],
    ['IPv4-translated', 'http://[::ffff:0:7f00:1]/', 'IPv4-translated loopback address'],
    ['IPv4-compatible', 'http://[::127.0.0.1]/', 'IPv4-compatible address'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data/', 'link-local address'],
    ['private 10/8', 'http://10.0.0.1/', 'private address'],
    ['private 172.16/12', 'http://172.16.0.1/', 'private address'],
    ['private 172.31', 'http://172.31.255.254/', 'private address'],
    ['private 192.168/16', 'http://192.168.1.1/', 'private address'],
    ['CGNAT', 'http://100.64.0.1/', 'carrier-grade NAT address'],
    ['unique-local v6', 'http://[fd00::1]/', 'unique-local address'],
    ['link-local v6', 'http://[fe80::1]/', 'link-local address'],
    ['multicast v4', 'http://224.0.0.1/', 'multicast address'],
    ['multicast v6', 'http://[ff02::1]/', 'multicast address'],
    ['broadcast', 'http://255.255.255.255/', 'broadcast address'],
    ['reserved 240/4', 'http://240.0.0.1/', 'reserved address'],
    ['documentation v4', 'http://192.0.2.10/', 'reserved address'],
    ['documentation v6', 'http://[2001:db8::1]/', 'documentation address'],
    ['benchmarking', 'http://198.18.0.1/', 'benchmarking address'],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]/', 'NAT64 loopback address'],
    ['NAT64 of metadata', 'http://[64:ff9b::a9fe:a9fe]/', 'NAT64 link-local address'],
    ['6to4 of private', 'http://[2002:a00:1::1]/', '6to4 private address'],
    ['Teredo', 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'special-purpose address'],
    ['localhost', 'http://localhost/', 'loopback name'],
    ['LOCALHOST.', 'http://LOCALHOST./', 'loopback name'],
    ['*.localhost', 'http://panel.localhost:8080/', 'loopback name'],
    ['a name resolving to loopback', 'http://loopback.test/', 'resolves to a loopback address'],
    ['a name resolving to ::1', 'http://loopback6.test/', 'resolves to a loopback address'],
    ['a name resolving to metadata', 'http://metadata.test/', 'resolves to a link-local address'],
    ['a name resolving to an IPv4-mapped private', 'http://mapped.test/', 'resolves to an IPv4-mapped private address'],
    ['a name resolving to public and private', 'http://mixed.test/', 'resolves to a private address'],
    ['a name resolving to public and unique-local', 'http://mixed6.test/', 'resolves to a unique-local address'],
  ])('refuses %s: %s', async (_label, url, reason) => {
    expect(await verdict(guard, url)).toBe(reason);
  });

  it('refuses a name the system resolver maps to loopback (localhost without the name check)', async () => {
    await expect(new OutboundGuard().resolveChecked('localhost')).rejects.toBeInstanceOf(OutboundRefusedError);
  });
});

describe('outbound guard: allowed', () => {
  const guard = new OutboundGuard({ resolve: resolver });

  it.each([
    'http://93.184.215.14/',
    'https://8.8.8.8:8443/cb',
    'http://[2606:4700::1111]/',
    'http://[64:ff9b::808:808]/',
    'http://public.test/callback',
  ])('allows the public %s', async (url) => {
    expect(await verdict(guard, url)).toBe('allowed');
  });

  it('allows what CALLBACK_ALLOWED_HOSTS lists, and nothing next to it', async () => {
    const allow = HostAllowList.parse(' 127.0.0.1 , panel.internal, 10.1.0.0/16,fd00::/8 ');
    const listed = new OutboundGuard({ allow, resolve: resolver });
    expect(await verdict(listed, 'http://127.0.0.1:8080/cb')).toBe('allowed');
    expect(await verdict(listed, 'http://[::ffff:127.0.0.1]/cb')).toBe('allowed');
    expect(await verdict(listed, 'http://loopback.test/')).toBe('allowed');
    expect(await verdict(listed, 'http://panel.internal/')).toBe('allowed');
    expect(await verdict(listed, 'http://10.1.200.3/')).toBe('allowed');
    expect(await verdict(listed, 'http://[fd00::1]/')).toBe('allowed');
    expect(await verdict(listed, 'http://127.0.0.2/')).toBe('loopback address');
    expect(await verdict(listed, 'http://10.2.0.1/')).toBe('private address');
    expect(await verdict(listed, 'http://[::1]/')).toBe('loopback address');
    expect(await verdict(listed, 'http://localhost/')).toBe('loopback name');
    expect(await verdict(listed, 'http://metadata.test/')).toBe('resolves to a link-local address');
  });

  it('lets a listed name or *.domain resolve anywhere', async () => {
    const allow = HostAllowList.parse('localhost,*.corp.internal');
    const listed = new OutboundGuard({
      allow,
      resolve: table({ localhost: [v4('127.0.0.1')], 'a.corp.internal': [v4('10.9.9.9')] }),
    });
    expect(await verdict(listed, 'http://localhost/')).toBe('allowed');
    expect(await verdict(listed, 'http://a.corp.internal/')).toBe('allowed');
    expect(urlRefusal(new URL('http://corp.internal.evil.com/'), allow)).toBeUndefined();
    expect(allow.allowsName('corp.internal.evil.com')).toBe(false);
  });
});

describe('CALLBACK_ALLOWED_HOSTS parsing', () => {
  it.each(['1.2.3', '10.0.0.0/33', '::1/129', 'panel internal', 'x/8', '-panel.example', 'http://panel.internal'])(
    'refuses the entry %s, naming its position only',
    (entry) => {
      expect(() => HostAllowList.parse(`127.0.0.1,${entry}`)).toThrow(/^entry 2 is neither/);
    },
  );

  it('is empty when unset or blank', () => {
    expect(HostAllowList.parse(undefined).isEmpty).toBe(true);
    expect(HostAllowList.parse(' , ').isEmpty).toBe(true);
  });
});

describe('outbound guard: DNS answers are pinned for the connection', () => {
  it('answers a rebinding name with the checked (public) address; the later private answer is never used', async () => {
    const answers = [[v4('93.184.215.14')], [v4('127.0.0.1')]];
    const calls: string[] = [];
    const guard = new OutboundGuard({
      resolve: async (hostname) => {
        calls.push(hostname);
        return answers[calls.length - 1];
      },
    });
    const looked = await new Promise<unknown>((resolve, reject) =>
      guard.lookup('rebind.test', { all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
    );
    expect(looked).toEqual([v4('93.184.215.14')]);
    expect(calls).toEqual(['rebind.test']);
    // A second resolution (which a check-then-fetch would make) sees the private answer, and is refused.
    await expect(guard.resolveChecked('rebind.test')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('answers the single-address form too, and passes a refusal to the socket', async () => {
    const guard = new OutboundGuard({ resolve: resolver });
    const single = await new Promise<unknown[]>((resolve) =>
      guard.lookup('public.test', { family: 6 }, (err, address, family) => resolve([err, address, family])),
    );
    expect(single).toEqual([null, '2606:4700::1111', 6]);
    const refused = await new Promise<unknown>((resolve) => guard.lookup('mixed.test', {}, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(OutboundRefusedError);
  });

  describe('guardedPost', () => {
    let server: http.Server;
    let port: number;
    const hosts: Array<string | undefined> = [];
    beforeAll(async () => {
      server = http.createServer((req, res) => {
        hosts.push(req.headers.host);
        req.resume();
        req.on('end', () => res.writeHead(302, { Location: 'http://10.0.0.1/', 'Retry-After': '3' }).end('x'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });
    beforeEach(() => {
      hosts.length = 0;
    });
    const post = (guard: OutboundGuard, url: string) => guardedPost(guard, url, { headers: {}, body: '{}' });

    it('resolves once and connects to the address it checked; a 3xx is the answer, not followed', async () => {
      const calls: string[] = [];
      const guard = new OutboundGuard({
        allow: HostAllowList.parse('127.0.0.1'),
        resolve: async (hostname) => {
          calls.push(hostname);
          return calls.length === 1 ? [v4('127.0.0.1')] : [v4('10.0.0.1')];
        },
      });
      const res = await post(guard, `http://pinned.test:${port}/cb`);
      expect(res.status).toBe(302);
      expect(res.headers.get('retry-after')).toBe('3');
      expect(calls).toEqual(['pinned.test']);
      expect(hosts).toEqual([`pinned.test:${port}`]);
    });

    it('connects to nothing when the name resolves to a refused address', async () => {
      const guard = new OutboundGuard({ resolve: table({ 'evil.test': [v4('127.0.0.1')] }) });
      await expect(post(guard, `http://evil.test:${port}/cb`)).rejects.toBeInstanceOf(OutboundRefusedError);
      await expect(post(guard, `http://127.0.0.1:${port}/cb`)).rejects.toBeInstanceOf(OutboundRefusedError);
      await expect(post(guard, `http://[::ffff:127.0.0.1]:${port}/cb`)).rejects.toBeInstanceOf(OutboundRefusedError);
      expect(hosts).toEqual([]);
    });
  });
});
