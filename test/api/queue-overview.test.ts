import { orderWorkflowId } from '../../src/workflows/contract';
import { planningTaskQueue, providerTaskQueue } from '../../src/workflows/flow-contract';
import { auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

let h: ApiHarness;

const place = async (tier: string, userId: number): Promise<string> => {
  const orderId = uniqueOrderId(`overview-${tier}`);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId, tier, userId })).expect(202);
  return orderId;
};

beforeAll(async () => {
  h = await startApiHarness({ queryTimeoutMs: 300, maxInflightPerUser: 7 });
  await place('premium', 50);
  await place('premium', 51);
  await place('standard', 52);
  await place('free', 53);
  const finished = await place('free', 54);
  await h.client.workflow.getHandle(orderWorkflowId(finished)).terminate('test: no longer waiting');
  await h.awaitCensus();
});

afterAll(async () => {
  await h?.stop();
});

describe('GET /v1/queue (no worker: orders wait QUEUED)', () => {
  it('counts the waiting orders by tier and status, and nothing in progress', async () => {
    const res = await h.http().get('/v1/queue').set(auth).expect(200);
    const none = { WAITING_FOR_CAPACITY: 0, WAITING_FOR_PROVIDER: 0 };
    expect(res.body.backlog).toEqual({
      total: 4,
      byTier: {
        premium: { QUEUED: 2, ...none, total: 2 },
        standard: { QUEUED: 1, ...none, total: 1 },
        free: { QUEUED: 1, ...none, total: 1 },
      },
      byStatus: { QUEUED: 4, ...none },
    });
    expect(res.body.inProgress).toEqual({
      total: 0,
      byStatus: { PROVISIONING: 0, COMPENSATING: 0 },
    });
    expect(res.body.limits).toEqual({ maxInflightPerUser: 7 });
    expect(Date.parse(res.body.generatedAt)).not.toBeNaN();
    expect(res.body.census).toMatchObject({ state: 'fresh', intervalSeconds: 0.5, truncated: false });
    expect(res.body.census.ageSeconds).toBeLessThan(5);
  });

  it('reports no service rate while nothing was served and no provider budget is set', async () => {
    const res = await h.http().get('/v1/queue').set(auth).expect(200);
    expect(res.body.service).toEqual({ perOrderSeconds: null, source: null, windowSeconds: 600, completedInWindow: 0 });
  });

  it('says flow control has not started while no worker ever reported', async () => {
    const res = await h.http().get('/v1/queue').set(auth).expect(200);
    expect(res.body.flowControl).toEqual({ state: 'not_started' });
  });

  it("reports the task queues' backlog by priority from Temporal (a terminated order's task counts until a worker drops it)", async () => {
    const res = await h.http().get('/v1/queue').set(auth).expect(200);
    const { orders, provider, planning } = res.body.taskQueues;
    expect(orders.workflow).toMatchObject({
      name: h.taskQueue,
      kind: 'workflow',
      backlog: 5,
      rateLimitPerSecond: null,
    });
    expect(orders.workflow.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(orders.workflow.byPriority).toMatchObject({ 1: { backlog: 2 }, 3: { backlog: 1 }, 5: { backlog: 2 } });
    expect(orders.activity).toMatchObject({ name: h.taskQueue, kind: 'activity', backlog: 0 });
    expect(provider).toMatchObject({ name: providerTaskQueue(h.taskQueue), kind: 'activity', backlog: 0 });
    expect(planning).toMatchObject({ name: planningTaskQueue(h.taskQueue), kind: 'activity', backlog: 0 });
  });

  it('answers 401 without an API key', async () => {
    const res = await h.http().get('/v1/queue');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});
