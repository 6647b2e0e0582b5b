import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { QueueFigures } from '../../src/api/queue-figures';
import { createApiMetrics } from '../../src/metrics/api-metrics';
import { DEFAULT_FLOW_POLICY, type FlowPolicy } from '../../src/workflows/flow-contract';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from '../api/harness';
import { sample } from './prom-text';

const POLICY: FlowPolicy = { ...DEFAULT_FLOW_POLICY, premium: { ...DEFAULT_FLOW_POLICY.premium, maxQueueWaitMs: 50 } };
const UI = 'http://temporal-ui.example:8233/';

describe('GET /metrics on the API', () => {
  let h: ApiHarness;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    h = await startApiHarness();
    const logger = pino({ level: 'silent' });
    const queueFigures = new QueueFigures(h.client, h.taskQueue, POLICY, logger, 100);
    app = createApp({
      client: h.client,
      taskQueue: h.taskQueue,
      apiKey: API_KEY,
      logger,
      queryTimeoutMs: 200,
      flowPolicy: POLICY,
      temporalUiUrl: UI,
      queueFigures,
      metrics: createApiMetrics({
        client: h.client,
        taskQueue: h.taskQueue,
        flowPolicy: POLICY,
        logger,
        cacheMs: 0,
        processMetrics: false,
        census: queueFigures.census,
      }),
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('serves HTTP request metrics by route and status, and orders by status and tier, without an API key', async () => {
    const orderId = uniqueOrderId('metrics');
    await request(app)
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, tier: 'premium' }))
      .expect(202);
    await request(app).get('/v1/orders').expect(401);
    await request(app).get('/v1/orders/no-such-order').set(auth).expect(404);
    await request(app).get('/nowhere').expect(404);

    const scrape = () =>
      request(app)
        .get('/metrics')
        .set(auth)
        .expect(200)
        .then((res) => res.text);
    const text = await waitFor(
      scrape,
      (t) => sample(t, 'server_queue_orders', { status: 'QUEUED', tier: 'premium' }) === 1,
    );
    expect(sample(text, 'server_queue_orders', { status: 'QUEUED', tier: 'premium', role: 'api' })).toBe(1);
    expect(sample(text, 'server_queue_orders', { status: 'ACTIVE', tier: 'standard' })).toBe(0);
    expect(sample(text, 'server_queue_orders_over_queue_wait', { tier: 'premium' })).toBe(1);
    expect(sample(text, 'server_queue_orders_over_queue_wait', { tier: 'free' })).toBe(0);
    expect(sample(text, 'server_queue_visibility_up')).toBe(1);
    expect(
      sample(text, 'server_queue_task_queue_backlog', { task_queue: h.taskQueue, kind: 'workflow' }),
    ).toBeGreaterThanOrEqual(0);

    expect(
      sample(text, 'server_queue_http_requests_total', { method: 'POST', route: '/v1/orders', status: '202' }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_http_requests_total', { method: 'GET', route: '/v1/orders/:id', status: '404' }),
    ).toBe(1);
    expect(sample(text, 'server_queue_http_requests_total', { method: 'GET', route: 'unmatched', status: '401' })).toBe(
      1,
    );
    expect(sample(text, 'server_queue_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(
      1,
    );
    expect(
      sample(text, 'server_queue_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/v1/orders',
        status: '202',
      }),
    ).toBe(1);
    expect(text).not.toContain('no-such-order');
  });

  it('links each order to its history in the Temporal UI when TEMPORAL_UI_URL is set', async () => {
    const orderId = uniqueOrderId('ui-link');
    await request(app).post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const link = `http://temporal-ui.example:8233/namespaces/default/workflows/order-${orderId}`;
    const one = await request(app).get(`/v1/orders/${orderId}`).set(auth).expect(200);
    expect(one.body.links).toEqual({
      self: `/v1/orders/${orderId}`,
      cancel: `/v1/orders/${orderId}/cancel`,
      temporalUi: link,
    });
    const listed = await waitFor(
      () =>
        request(app)
          .get('/v1/orders?limit=100')
          .set(auth)
          .then((res) => res.body.orders as Array<{ orderId: string; links: object }>),
      (orders) => orders.some((o) => o.orderId === orderId),
    );
    expect(listed.find((o) => o.orderId === orderId)?.links).toMatchObject({ temporalUi: link });
    const plain = await h.http().get(`/v1/orders/${orderId}`).set(auth).expect(200);
    expect(plain.body.links).not.toHaveProperty('temporalUi');
  });

  it('is served by every app, with process metrics by default', async () => {
    await h.http().get('/metrics').expect(401);
    const res = await h.http().get('/metrics').set(auth).expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('server_queue_http_requests_total');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});
