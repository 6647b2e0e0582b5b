import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureSearchAttributes } from '../../src/temporal-search-attributes';
import { startDevServerEnv } from '../engines';
import { READINESS_CACHE_MS } from '../../src/api/routes/health';
import { auth, startApiHarness, type ApiHarness } from './harness';

describe('health endpoints', () => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ readinessTimeoutMs: 500 });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('GET /healthz answers 200 without an API key', async () => {
    const res = await h.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 without an API key while Temporal answers', async () => {
    const res = await h.http().get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', temporal: 'reachable' });
  });

  it('asks Temporal at most once a second however often /readyz is called', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const service = h.client.connection.workflowService;
    const spy = jest.spyOn(service, 'getSystemInfo');
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, () => h.http().get('/readyz')));
      expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
      expect(spy.mock.calls.length).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('answers 404 in the error format for an unknown route', async () => {
    const res = await h.http().get('/v1/nothing-here').set(auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'no route for GET /v1/nothing-here', details: null },
    });
  });

  it('answers 405 with Allow for a method a served path does not take', async () => {
    const trace = await h.http().trace('/v1/queue').set(auth);
    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD');
    expect(trace.body.error).toMatchObject({ code: 'method_not_allowed' });
    const put = await h.http().put('/v1/orders/some-order').set(auth);
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, HEAD');
  });

  it('GET /readyz answers 503 once Temporal is down (after its cached answer expires), while /healthz stays 200', async () => {
    await h.stopTemporal();
    await new Promise((r) => setTimeout(r, READINESS_CACHE_MS));
    const started = Date.now();
    const res = await h.http().get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual({
      code: 'not_ready',
      message: 'Temporal is not reachable',
      details: { temporal: 'unreachable' },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    await h.http().get('/healthz').expect(200);
  });
});

describe('search attribute registration', () => {
  let env: TestWorkflowEnvironment | undefined;
  afterEach(async () => {
    await env?.teardown();
  });

  it('registers the order and server attributes once and is a no-op afterwards', async () => {
    env = await startDevServerEnv({ searchAttributes: false });
    const { connection } = env;
    expect(await ensureSearchAttributes(connection, 'default')).toEqual({
      ok: true,
      added: ['OrderStatus', 'UserId', 'Tier', 'ServerStatus', 'NodeId'],
    });
    expect(await ensureSearchAttributes(connection, 'default')).toEqual({ ok: true, added: [] });
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    const T = temporal.api.enums.v1.IndexedValueType;
    expect(customAttributes).toMatchObject({
      OrderStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
      UserId: T.INDEXED_VALUE_TYPE_INT,
      Tier: T.INDEXED_VALUE_TYPE_KEYWORD,
      ServerStatus: T.INDEXED_VALUE_TYPE_KEYWORD,
      NodeId: T.INDEXED_VALUE_TYPE_INT,
    });
  });

  it('reports an attribute registered with another type instead of overwriting it', async () => {
    env = await startDevServerEnv({ searchAttributes: false });
    const { connection } = env;
    await connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { UserId: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
    const outcome = await ensureSearchAttributes(connection, 'default');
    expect(outcome).toMatchObject({ ok: false, unreachable: false, reason: expect.stringContaining('UserId') });
    expect(outcome.ok ? '' : outcome.howToFix).toContain(
      'temporal operator search-attribute create --namespace default --name UserId --type Int',
    );
  });
});
