import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { QueueFigures } from '../../src/api/queue-figures';
import { createApiMetrics } from '../../src/metrics/api-metrics';
import { CENSUS_INTERVAL_MS } from '../../src/workflows/census-contract';
import { API_KEY, auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

// The dev server with the production visibility limit (10/s) and the census at its production interval (10 s); no
// order worker, so every order stays QUEUED (in flight). Visibility requests are counted on the API's client and on
// the API worker's (the census).
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ queryTimeoutMs: 300, censusIntervalMs: CENSUS_INTERVAL_MS, maxInflightPerUser: 3 });
  await h.awaitCensus();
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const post = (body: Record<string, unknown>) => h.http().post('/v1/orders').set(auth).send(body);

describe('the visibility budget', () => {
  it("makes no visibility request to accept orders: new, repeated, conflicting and over the user's limit", async () => {
    const before = h.visibility.api.calls.length;
    const ids = Array.from({ length: 12 }, (_, i) => uniqueOrderId(`budget-${i}`));
    for (const [i, orderId] of ids.entries()) await post(orderBody({ orderId, userId: 100 + (i % 4) })).expect(202);
    await post(orderBody({ orderId: ids[0], userId: 100 })).expect(200);
    await post(orderBody({ orderId: ids[0], userId: 100, name: 'other' })).expect(409);
    await post(orderBody({ orderId: uniqueOrderId('over'), userId: 100 })).expect(429);
    expect(h.visibility.api.calls.slice(before)).toEqual([]);
  });

  it('makes none to show an order, its queue place and history, the queue overview and history or the metrics', async () => {
    const orderId = uniqueOrderId('read');
    await post(orderBody({ orderId, userId: 110 })).expect(202);
    const before = h.visibility.api.calls.length;
    await h.http().get(`/v1/orders/${orderId}`).set(auth).expect(200);
    await h.http().get(`/v1/orders/${orderId}/history`).set(auth).expect(200);
    await h.http().get('/v1/queue').set(auth).expect(200);
    await h.http().get('/v1/queue/history').set(auth).expect(200);
    await h.http().get('/metrics').set(auth).expect(200);
    expect(h.visibility.api.calls.slice(before)).toEqual([]);
  });

  it('stays under 2 requests/s for the whole service with 3 API processes, 6 dashboards and 1 s scrapes', async () => {
    const logger = pino({ level: 'silent' });
    const replicas = Array.from({ length: 3 }, () => {
      const queueFigures = new QueueFigures(h.client, h.taskQueue, undefined, logger);
      return createApp({
        client: h.client,
        taskQueue: h.taskQueue,
        apiKey: API_KEY,
        logger,
        queueFigures,
        maxInflightPerUser: 3,
        queryTimeoutMs: 300,
        metrics: createApiMetrics({
          client: h.client,
          taskQueue: h.taskQueue,
          logger,
          census: queueFigures.census,
          processMetrics: false,
        }),
      });
    });
    const waiting = uniqueOrderId('waiting');
    await request(replicas[0])
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId: waiting, userId: 120 }))
      .expect(202);
    const started = Date.now();
    const seconds = 20;
    for (let second = 0; second < seconds; second++) {
      const tick = Date.now();
      await Promise.all(
        replicas.flatMap((app, r) => [
          request(app).get('/metrics').set(auth).expect(200),
          ...[0, 1].map(async () => {
            // What the dashboard's 5-second refresh asks for, every second here.
            await request(app).get('/v1/queue').set(auth).expect(200);
            await request(app).get('/v1/queue/history').set(auth).expect(200);
            await request(app).get(`/v1/orders/${waiting}`).set(auth).expect(200);
            await request(app).get(`/v1/orders/${waiting}/history`).set(auth).expect(200);
          }),
          request(app)
            .post('/v1/orders')
            .set(auth)
            .send(orderBody({ orderId: uniqueOrderId(`steady-${r}`), userId: 200 + second * 3 + r })),
        ]),
      );
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - tick))));
    }
    const elapsed = (Date.now() - started) / 1000;
    const perSecond = (h.visibility.api.since(started) + h.visibility.apiWorker.since(started)) / elapsed;
    expect(h.visibility.api.since(started)).toBe(0);
    expect(perSecond).toBeLessThan(2);
    expect(perSecond).toBeGreaterThan(0);
    const queue = await waitFor(
      () =>
        request(replicas[1])
          .get('/v1/queue')
          .set(auth)
          .then((r) => r.body),
      (body) => body.census.state === 'fresh',
    );
    expect(queue.census).toMatchObject({ state: 'fresh', intervalSeconds: 10 });
  }, 90_000);
});
