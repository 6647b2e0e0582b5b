import { isDuplicateExternalId, ProviderError, type RateLimitInfo } from '../../src/provider';
import { paperServer, SIM_KEY, startHarness, type SimHarness } from './sim-harness';

let h: SimHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.sim.close());
/** Each test starts from the seeded panel: no servers, no faults, fresh rate-limit windows, the same random draws. */
beforeEach(() => h.reset());

const mentionsKey = (err: ProviderError) =>
  [err.message, err.detail, err.stack, JSON.stringify(err)].join('\n').includes(SIM_KEY);

/** The ProviderError `p` rejects with; every one is checked not to mention the panel's API key. */
async function failure(p: Promise<unknown>): Promise<ProviderError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ProviderError)) throw new Error(`expected ProviderError, got ${String(err)}`);
  if (mentionsKey(err)) throw new Error(`a ${err.kind} error mentions the API key`);
  return err;
}

describe('panel errors from the simulated panel', () => {
  test('an invalid egg variable is a permanent validation error naming the field', async () => {
    const body = paperServer('bad-env', 1, {
      egg: 2,
      environment: { SERVER_JARFILE: 'server.jar', VANILLA_VERSION: 'latest', DIFFICULTY: 'impossible' },
    });
    const err = await failure(h.client().createServer(body));
    expect(err).toMatchObject({ kind: 'validation', retryable: false, status: 422, code: 'ValidationException' });
    expect(err.fields).toEqual(['environment.DIFFICULTY']);
  });

  test('an allocation taken by a concurrent order is allocation_taken', async () => {
    const client = h.client();
    await client.createServer(paperServer('first', 7));
    const err = await failure(client.createServer(paperServer('second', 7)));
    expect(err).toMatchObject({
      kind: 'allocation_taken',
      retryable: false,
      status: 422,
      fields: ['allocation.default'],
    });
    expect(await client.getServerByExternalId('second')).toBeNull();
  });

  test('a reused external_id is a validation error recognised as a duplicate', async () => {
    const client = h.client();
    await client.createServer(paperServer('dup', 8));
    const err = await failure(client.createServer(paperServer('dup', 9)));
    expect(err.kind).toBe('validation');
    expect(isDuplicateExternalId(err)).toBe(true);
  });

  test('deploying to a location without nodes is permanent no_capacity', async () => {
    const err = await failure(
      h.client().createServer(
        paperServer('nowhere', 1, {
          allocation: undefined,
          deploy: { locations: [2], dedicated_ip: false, port_range: [] },
        }),
      ),
    );
    expect(err).toMatchObject({ kind: 'no_capacity', retryable: false, status: 400, code: 'NoViableNodeException' });
  });

  test('a wrong key is a permanent auth error that does not reveal the key', async () => {
    const wrongKey = 'ptla_wrongKeyDoNotLeak123';
    const err = await failure(h.client({ apiKey: wrongKey }).listNodes());
    expect(err).toMatchObject({ kind: 'auth', retryable: false, status: 401, code: 'AuthenticationException' });
    expect(`${err.message}${JSON.stringify(err)}`).not.toContain(wrongKey);
  });

  test('getServer of an unknown id is not_found', async () => {
    expect(await failure(h.client().getServer(4242))).toMatchObject({
      kind: 'not_found',
      retryable: false,
      status: 404,
    });
  });
});

describe('injected faults', () => {
  test('429 carries retryAfterMs from Retry-After, and every response reports the rate-limit headers', async () => {
    await h.faults({ rateLimitPerMinute: 2 });
    const seen: RateLimitInfo[] = [];
    const client = h.client({ onRateLimit: (i) => seen.push(i) });
    await client.getNode(1);
    await client.getNode(2);
    const err = await failure(client.getNode(1));
    expect(err).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      status: 429,
      code: 'ThrottleRequestsException',
    });
    expect(err.retryAfterMs).toBeGreaterThan(0);
    expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(seen.map((s) => [s.limit, s.remaining])).toEqual([
      [2, 1],
      [2, 0],
      [2, 0],
    ]);
    expect(seen[2].resetAt).toBeGreaterThan(Date.now());
  });

  test('daemon errors (5xx) are retryable unavailable', async () => {
    await h.faults({ errorRate: 1 });
    const err = await failure(h.client().suspend(1));
    expect(err).toMatchObject({ kind: 'unavailable', retryable: true, code: 'DaemonConnectionException' });
    expect([500, 504]).toContain(err.status);
  });

  test('an outage behind the proxy (502 HTML page) is retryable unavailable', async () => {
    await h.faults({ outage: true });
    expect(await failure(h.client().listLocations())).toMatchObject({
      kind: 'unavailable',
      retryable: true,
      status: 502,
    });
  });

  test('a panel that never answers is a retryable timeout after timeoutMs', async () => {
    await h.faults({ timeoutRate: 1 });
    const started = Date.now();
    const err = await failure(h.client({ timeoutMs: 200 }).getServer(1));
    expect(err).toMatchObject({ kind: 'timeout', retryable: true, status: undefined });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a create that times out but succeeded is found by the external id look-up', async () => {
    await h.faults({ createTimeoutButSucceedsRate: 1 });
    const err = await failure(h.client({ timeoutMs: 200 }).createServer(paperServer('ghost', 11)));
    expect(err.kind).toBe('timeout');
    expect(await h.client({ timeoutMs: 5000 }).getServerByExternalId('ghost')).toMatchObject({
      external_id: 'ghost',
      allocation: 11,
    });
  });
});

describe('secrets', () => {
  test('no error of any kind mentions the API key', async () => {
    const client = h.client({ timeoutMs: 5000 });
    const errors = [
      await failure(client.createServer(paperServer('bad-env', 1, { egg: 2, environment: { DIFFICULTY: 'x' } }))),
      await failure(client.getServer(4242)),
    ];
    await h.faults({ errorRate: 1 });
    errors.push(await failure(client.listNodes()));
    await h.faults({ outage: true });
    errors.push(await failure(client.listNodes()));
    await h.faults({ timeoutRate: 1 });
    errors.push(await failure(h.client({ timeoutMs: 200 }).listNodes()));
    await h.faults({ rateLimitPerMinute: 1 });
    await client.listNodes();
    errors.push(await failure(client.listNodes()));
    expect(errors.map((e) => [e.kind, mentionsKey(e)])).toEqual([
      ['validation', false],
      ['not_found', false],
      ['unavailable', false],
      ['unavailable', false],
      ['timeout', false],
      ['rate_limited', false],
    ]);
  });
});
