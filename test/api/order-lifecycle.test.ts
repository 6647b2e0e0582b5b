import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

const getOrder = (orderId: string) => h.http().get(`/v1/orders/${orderId}`).set(auth);
const settled = (res: { body: { status?: string } }) =>
  ['ACTIVE', 'FAILED', 'CANCELLED'].includes(res.body.status ?? '');

describe('GET /v1/orders/:id with the worker running', () => {
  it('reports the order as its workflow sees it, through to ACTIVE with the server', async () => {
    const orderId = uniqueOrderId('active');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const res = await waitFor(() => getOrder(orderId), settled);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      orderId,
      status: 'ACTIVE',
      tier: 'standard',
      userId: 1,
      step: null,
      error: null,
      compensationErrors: [],
      source: 'workflow',
      links: { self: `/v1/orders/${orderId}`, cancel: `/v1/orders/${orderId}/cancel` },
    });
    expect(res.body.server).toMatchObject({
      id: expect.any(Number),
      allocation: { ip: expect.any(String), port: expect.any(Number) },
    });
    const statuses = (res.body.timeline as Array<{ status: string }>).map((t) => t.status);
    expect(statuses[0]).toBe('QUEUED');
    expect(statuses.at(-1)).toBe('ACTIVE');
    expect(statuses).toEqual(
      expect.arrayContaining(['ALLOCATING', 'CREATING', 'INSTALLING', 'CONFIGURING', 'VERIFYING']),
    );
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));
  });

  it('reports a failed order with the step and reason', async () => {
    const orderId = uniqueOrderId('failed');
    await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, eggId: 999 }))
      .expect(202);
    const res = await waitFor(() => getOrder(orderId), settled);
    expect(res.body).toMatchObject({ orderId, status: 'FAILED', source: 'workflow', server: null });
    expect(res.body.error).toMatchObject({
      step: expect.any(String),
      type: expect.any(String),
      message: expect.any(String),
    });
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await getOrder('no-such-order');
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'order_not_found',
      message: 'order no-such-order does not exist',
      details: { orderId: 'no-such-order' },
    });
  });

  it('answers 400 naming the id for an order id that cannot exist', async () => {
    const res = await getOrder('bad%20id');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_path',
      details: { issues: [{ field: 'id', reason: expect.any(String) }] },
    });
  });

  it('answers 401 without an API key', async () => {
    await h.http().get('/v1/orders/anything').expect(401);
  });
});

describe('POST /v1/orders/:id/cancel on finished orders', () => {
  it('answers 409 for an order that is already ACTIVE', async () => {
    const orderId = uniqueOrderId('done');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    await waitFor(() => getOrder(orderId), settled);
    const res = await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({ reason: 'too late' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'order_finished', details: { orderId, status: 'ACTIVE' } });
    expect((await getOrder(orderId)).body.status).toBe('ACTIVE');
  });

  it('answers 404 for an order that does not exist', async () => {
    const res = await h.http().post('/v1/orders/ghost/cancel').set(auth).send({});
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('order_not_found');
  });
});
