import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createPterodactylClient,
  ProviderContractError,
  ProviderError,
  type ProviderLogger,
  type RateLimitInfo,
} from '../../src/provider';
import { panelError, serverAttributes, startCannedPanel, type CannedResponse } from './canned-panel';

const API_KEY = 'ptla_transportSecretKey987654321';
const serverItem = (o: Record<string, unknown> = {}) => ({ object: 'server', attributes: serverAttributes(o) });

let next: CannedResponse;
let panel: Awaited<ReturnType<typeof startCannedPanel>>;

beforeAll(async () => {
  panel = await startCannedPanel(() => next);
});
afterAll(() => panel.close());
beforeEach(() => panel.requests.splice(0));

const failure = async (p: Promise<unknown>): Promise<ProviderError> => {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderError)) throw new Error(`expected ProviderError, got ${String(err)}`);
  return err;
};

describe('requests', () => {
  test('sends bearer key, JSON accept and body under <base>/api/application, keeping a base path prefix', async () => {
    next = { status: 201, json: serverItem() };
    const client = createPterodactylClient({ baseUrl: `${panel.url}/panel/`, apiKey: API_KEY });
    const body = {
      name: 'mc',
      user: 1,
      egg: 1,
      docker_image: 'img',
      startup: 's',
      environment: { A: '1' },
      limits: { memory: 1, swap: 0, disk: 1, io: 500, cpu: 0 },
      feature_limits: { databases: 0, allocations: 1, backups: 0 },
      deploy: { locations: [1], dedicated_ip: false, port_range: ['25565-25570'] },
    };
    const created = await client.createServer(body);
    const [req] = panel.requests;
    expect(req.method).toBe('POST');
    expect(req.url.pathname).toBe('/panel/api/application/servers');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.body).toEqual(body);
    expect(created).toMatchObject({ id: 7, external_id: 'order-1', status: 'installing' });
    expect(created.container.installed).toBe(false);
  });

  test('an invalid id rejects before any request is sent', async () => {
    const client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY });
    await expect(client.getServer(Number.NaN)).rejects.toThrow(TypeError);
    await expect(client.suspend(-1)).rejects.toThrow(TypeError);
    expect(panel.requests).toHaveLength(0);
  });

  test('an empty or malformed key is refused when the client is built', () => {
    expect(() => createPterodactylClient({ baseUrl: panel.url, apiKey: '' })).toThrow('invalid characters');
    expect(() => createPterodactylClient({ baseUrl: panel.url, apiKey: 'ptla_a\nb' })).not.toThrow(/ptla_a/);
  });
});

describe('timeouts and network failures', () => {
  test('no answer within timeoutMs is a retryable timeout', async () => {
    next = { status: 200, hang: true };
    const client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY, timeoutMs: 150 });
    const started = Date.now();
    const err = await failure(client.getServer(7));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a body that stops arriving is a retryable timeout', async () => {
    next = { status: 200, json: serverItem(), stallBody: true };
    const client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY, timeoutMs: 150 });
    expect(await failure(client.getServer(7))).toMatchObject({ kind: 'timeout', retryable: true });
  });

  test('a refused connection is retryable unavailable', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const client = createPterodactylClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY });
    const err = await failure(client.listNodes());
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true, code: 'ECONNREFUSED' });
  });
});

describe('secrets', () => {
  test('the key appears in no error message, field or log line, even when the panel echoes it', async () => {
    next = {
      status: 401,
      json: { errors: [panelError(401, 'AuthenticationException', `Key ${API_KEY} is not valid.`)] },
    };
    const lines: string[] = [];
    const logger: ProviderLogger = {
      debug: (obj, msg) => lines.push(JSON.stringify(obj) + msg),
      warn: (obj, msg) => lines.push(JSON.stringify(obj) + msg),
    };
    const client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY, logger });
    const err = await failure(client.getServer(7));
    expect(err).toMatchObject({ kind: 'auth', retryable: false });
    expect(err.detail).toContain('[redacted]');
    const everything = [err.message, err.stack ?? '', JSON.stringify(err), JSON.stringify(err.errors), ...lines].join(
      '\n',
    );
    expect(everything).not.toContain(API_KEY);
    expect(lines.length).toBeGreaterThan(0);
  });
});

describe('rate-limit headers', () => {
  test('every response, success or failure, reports limit and remaining; a 429 also reports resetAt', async () => {
    const seen: RateLimitInfo[] = [];
    const client = createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY, onRateLimit: (i) => seen.push(i) });
    next = { status: 200, headers: { 'X-RateLimit-Limit': '240', 'X-RateLimit-Remaining': '239' }, json: serverItem() };
    await client.getServer(7);
    next = {
      status: 429,
      headers: { 'X-RateLimit-Limit': '240', 'X-RateLimit-Remaining': '0', 'Retry-After': '5' },
      json: { errors: [] },
    };
    const before = Date.now();
    await failure(client.getServer(7));
    expect(seen[0]).toEqual({ limit: 240, remaining: 239 });
    expect(seen[1]).toMatchObject({ limit: 240, remaining: 0 });
    expect(seen[1].resetAt).toBeGreaterThanOrEqual(before + 5000);
    expect(seen[1].resetAt).toBeLessThan(Date.now() + 5000 + 1000);
  });

  test('a throwing callback does not fail the request', async () => {
    const client = createPterodactylClient({
      baseUrl: panel.url,
      apiKey: API_KEY,
      onRateLimit: () => {
        throw new Error('boom');
      },
    });
    next = { status: 200, headers: { 'X-RateLimit-Limit': '240', 'X-RateLimit-Remaining': '1' }, json: serverItem() };
    await expect(client.getServer(7)).resolves.toMatchObject({ id: 7 });
  });
});

describe('contract violations', () => {
  const client = () => createPterodactylClient({ baseUrl: panel.url, apiKey: API_KEY });

  test('a 200 with a wrong shape is a non-retryable ProviderContractError naming the field', async () => {
    next = { status: 200, json: serverItem({ suspended: 'no' }) };
    const err = await failure(client().getServer(7));
    expect(err).toBeInstanceOf(ProviderContractError);
    expect(err).toMatchObject({ kind: 'contract', retryable: false, status: 200 });
    expect((err as ProviderContractError).issues.join()).toContain('attributes.suspended');
  });

  test('a 200 that is not JSON is a contract error', async () => {
    next = { status: 200, text: '<html>maintenance</html>' };
    expect(await failure(client().getNode(1))).toMatchObject({ kind: 'contract', retryable: false });
  });

  test('a 204 where an object is expected is a contract error', async () => {
    next = { status: 204 };
    expect(await failure(client().getServer(7))).toMatchObject({ kind: 'contract' });
  });
});
