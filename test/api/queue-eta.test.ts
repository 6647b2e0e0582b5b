import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;
const served: string[] = [];

const place = async (tier: string, userId: number, expected = 202): Promise<string> => {
  const orderId = uniqueOrderId(`eta-${tier}`);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, tier, userId })).expect(expected);
  return orderId;
};
const getOrder = (orderId: string) => h.http().get(`/v1/orders/${orderId}`).set(auth);
const overview = async () => (await h.http().get('/v1/queue').set(auth).expect(200)).body;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50, queryTimeoutMs: 300, maxInflightPerUser: 2 });
  for (const userId of [1, 2, 3, 1, 2]) served.push(await place('standard', userId));
  for (const orderId of served)
    await waitFor(
      () => getOrder(orderId),
      (r) => r.body.status === 'ACTIVE',
      60_000,
    );
  await waitFor(
    overview,
    (body) => body.service?.completedInWindow === served.length && body.census?.state === 'fresh',
  );
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('queue ETA and flow control with a worker that has served orders', () => {
  it('has no queue place once an order is ACTIVE', async () => {
    const res = await getOrder(served[0]).expect(200);
    expect(res.body).toMatchObject({ status: 'ACTIVE', queue: null });
  });

  it('measures the per-order service time from the orders served in the window', async () => {
    const { service } = await overview();
    expect(service).toMatchObject({ source: 'completions', windowSeconds: 600, completedInWindow: 5 });
    expect(service.perOrderSeconds).toBeGreaterThanOrEqual(600 / 5);
  });

  it('shows the provider budget, breakers and node capacity the worker reports', async () => {
    const { flowControl, taskQueues } = await waitFor(overview, (body) => body.flowControl?.state === 'reporting');
    expect(flowControl.state).toBe('reporting');
    expect(flowControl.budget).toMatchObject({ limitPerMinute: expect.any(Number), ratePerMinute: expect.any(Number) });
    expect(Array.isArray(flowControl.breakers)).toBe(true);
    expect(flowControl.nodes.length).toBeGreaterThan(0);
    expect(flowControl.nodes[0]).toMatchObject({
      nodeId: expect.any(Number),
      memory: { capacity: expect.any(Number) },
    });
    expect(taskQueues.provider.rateLimitPerSecond).toBeGreaterThan(0);
  });

  it('gives waiting orders an ETA of their position times the per-order service time', async () => {
    await h.stopWorker();
    const premium = await place('premium', 63);
    const standard = await place('standard', 64);
    await h.awaitCensus();
    const { service } = await overview();
    const first = await getOrder(premium).expect(200);
    expect(first.body).toMatchObject({ status: 'QUEUED', queue: { position: 0, etaSeconds: 0 } });
    const second = await getOrder(standard).expect(200);
    expect(second.body.queue).toEqual({
      position: 1,
      etaSeconds: Math.ceil(service.perOrderSeconds),
      asOf: expect.any(String),
    });
  });

  it('answers 429 with a Retry-After of at least 5 s once recent orders finished faster than that', async () => {
    await place('free', 65);
    await place('free', 65);
    const res = await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId: uniqueOrderId('eta-over'), userId: 65 }));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error.details).toMatchObject({ userId: 65, limit: 2, retryAfterSeconds: 5 });
  });
});
