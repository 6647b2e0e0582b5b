import { orderWorkflowId } from '../../src/workflows/contract';
import { auth, orderBody, startApiHarness, uniqueOrderId, type ApiHarness } from './harness';

const LIMIT = 2;
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ queryTimeoutMs: 300, maxInflightPerUser: LIMIT });
});

afterAll(async () => {
  await h?.stop();
});

const post = (body: Record<string, unknown>) => h.http().post('/v1/orders').set(auth).send(body);

async function fill(userId: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < LIMIT; i++) {
    const orderId = uniqueOrderId(`u${userId}-${i}`);
    await post(orderBody({ orderId, userId })).expect(202);
    ids.push(orderId);
  }
  return ids;
}

describe('MAX_INFLIGHT_PER_USER', () => {
  it('answers 429 with Retry-After and the standard error body for the order beyond the limit', async () => {
    await fill(30);
    const res = await post(orderBody({ orderId: uniqueOrderId('u30-over'), userId: 30 }));
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
    expect(res.body).toEqual({
      error: {
        code: 'too_many_orders_in_flight',
        message: expect.stringContaining('user 30'),
        details: { userId: 30, inFlight: LIMIT, limit: LIMIT, retryAfterSeconds: Number(res.headers['retry-after']) },
      },
    });
    expect((await h.client.workflow.count('UserId = 30')).count).toBe(LIMIT);
  });

  it('refuses an order without an order id as well', async () => {
    await fill(31);
    const { orderId: _none, ...withoutId } = orderBody({ userId: 31 });
    await post(withoutId).expect(429);
  });

  it('accepts an order of another user while one user is at the limit', async () => {
    await fill(32);
    await post(orderBody({ orderId: uniqueOrderId('u33'), userId: 33 })).expect(202);
  });

  it('answers a resubmitted order id as before (200 same body, 409 other body) even at the limit', async () => {
    const [first] = await fill(34);
    const same = await post(orderBody({ orderId: first, userId: 34 }));
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ orderId: first, status: 'QUEUED', userId: 34 });
    const other = await post(orderBody({ orderId: first, userId: 34, name: 'another name' }));
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('order_conflict');
  });

  it('accepts the user again once an order in flight has finished', async () => {
    const [first] = await fill(35);
    await post(orderBody({ orderId: uniqueOrderId('u35-over'), userId: 35 })).expect(429);
    await h.client.workflow.getHandle(orderWorkflowId(first)).terminate('test: order finished');
    await post(orderBody({ orderId: uniqueOrderId('u35-again'), userId: 35 })).expect(202);
  });

  it('admits exactly the limit when one user sends many orders at once', async () => {
    const results = await Promise.all(
      Array.from({ length: LIMIT + 3 }, (_, i) => post(orderBody({ orderId: uniqueOrderId(`u36-${i}`), userId: 36 }))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(LIMIT).fill(202), ...Array(3).fill(429)]);
  });
});
