import { ownExternalId } from '../../src/workflows/own-server';
import { auth, orderBody, simPanel, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 10 * 60_000 });
});

afterAll(async () => {
  await h?.stop();
});

const getOrder = (orderId: string) => h.http().get(`/v1/orders/${orderId}`).set(auth);

async function installingOrder(): Promise<string> {
  const orderId = uniqueOrderId('cancel');
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  const res = await waitFor(
    () => getOrder(orderId),
    (r) => r.body.status === 'INSTALLING',
  );
  expect(res.body.status).toBe('INSTALLING');
  return orderId;
}

describe('POST /v1/orders/:id/cancel', () => {
  it('answers 202 and the order ends CANCELLED with nothing left behind', async () => {
    const orderId = await installingOrder();
    const panel = simPanel(h);
    expect(await panel.getServerByExternalId(ownExternalId(orderId))).not.toBeNull();
    const res = await h
      .http()
      .post(`/v1/orders/${orderId}/cancel`)
      .set(auth)
      .send({ reason: 'customer changed their mind' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      orderId,
      status: 'PROVISIONING',
      cancelRequested: true,
      links: { self: `/v1/orders/${orderId}`, cancel: `/v1/orders/${orderId}/cancel` },
    });

    const done = await waitFor(
      () => getOrder(orderId),
      (r) => r.body.status === 'CANCELLED',
    );
    expect(done.body).toMatchObject({
      status: 'CANCELLED',
      error: { step: 'cancel', message: 'customer changed their mind' },
      compensationErrors: [],
    });
    expect(await panel.getServerByExternalId(ownExternalId(orderId))).toBeNull();
  });

  it('answers 409 when the order is already cancelled', async () => {
    const orderId = await installingOrder();
    await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).expect(202);
    await waitFor(
      () => getOrder(orderId),
      (r) => r.body.status === 'CANCELLED',
    );
    const again = await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'order_finished', details: { orderId, status: 'CANCELLED' } });
  });

  it('answers 400 for a reason that is not a string, and cancels nothing', async () => {
    const orderId = await installingOrder();
    const res = await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({ reason: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ field: 'reason', reason: expect.stringContaining('string') }]);
    expect((await getOrder(orderId)).body.status).toBe('INSTALLING');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await h
      .http()
      .post('/v1/orders/anything/cancel')
      .set(auth)
      .set('Content-Type', 'text/plain')
      .send('now');
    expect(res.status).toBe(415);
  });

  it('answers 401 without an API key, and cancels nothing', async () => {
    const orderId = await installingOrder();
    await h.http().post(`/v1/orders/${orderId}/cancel`).send({}).expect(401);
    expect((await getOrder(orderId)).body.status).toBe('INSTALLING');
  });
});
