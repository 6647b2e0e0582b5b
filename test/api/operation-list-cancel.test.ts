import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

afterEach(() => {
  h.sim!.panel.context.faults.replace({ rateLimitPerMinute: 100_000 });
});

const operate = (orderId: string, body: object) =>
  h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send(body);
const list = (orderId: string) => h.http().get(`/v1/orders/${orderId}/operations`).set(auth);
const get = (path: string) => h.http().get(path).set(auth);
const ended = (res: { body: { status?: string } }) =>
  ['COMPLETED', 'FAILED', 'CANCELLED'].includes(res.body.status ?? '');

async function activeOrder(): Promise<string> {
  const orderId = uniqueOrderId('oplist');
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  const res = await waitFor(
    () => get(`/v1/orders/${orderId}`),
    (r) => r.body.status === 'ACTIVE',
  );
  expect(res.body.status).toBe('ACTIVE');
  return orderId;
}

async function finished(orderId: string, body: object): Promise<string> {
  const accepted = await operate(orderId, body).expect(202);
  expect((await waitFor(() => get(accepted.body.links.self), ended)).body.status).toBe('COMPLETED');
  return accepted.body.operationId as string;
}

describe('GET /v1/orders/:id/operations', () => {
  it("lists the server's operations newest first, with their final state", async () => {
    const orderId = await activeOrder();
    expect((await list(orderId)).body).toEqual({ orderId, operations: [] });
    const suspend = await finished(orderId, { operation: 'suspend' });
    const unsuspend = await finished(orderId, { operation: 'unsuspend' });
    const res = await waitFor(
      () => list(orderId),
      (r) => r.body.operations?.length === 2,
    );
    expect(res.status).toBe(200);
    expect(res.body.operations).toEqual([
      expect.objectContaining({
        operationId: unsuspend,
        operation: 'unsuspend',
        status: 'COMPLETED',
        changed: true,
        source: 'result',
      }),
      expect.objectContaining({
        operationId: suspend,
        operation: 'suspend',
        status: 'COMPLETED',
        changed: true,
        source: 'result',
      }),
    ]);
    expect(res.body.operations[0].links.self).toBe(`/v1/orders/${orderId}/operations/${unsuspend}`);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await list(uniqueOrderId('missing'));
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('order_not_found');
  });
});

describe('POST /v1/orders/:id/operations/:operationId/cancel', () => {
  it('cancels a reinstall waiting for its installation (202), which ends CANCELLED; a second cancel answers 409', async () => {
    const orderId = await activeOrder();
    h.sim!.panel.context.faults.replace({ rateLimitPerMinute: 100_000, installMs: 10 * 60_000 });
    const accepted = await operate(orderId, { operation: 'reinstall' }).expect(202);
    const { operationId } = accepted.body;
    await waitFor(
      () => get(accepted.body.links.self),
      (r) => r.body.step === 'install',
    );
    const cancelPath = `${accepted.body.links.self}/cancel`;
    const res = await h.http().post(cancelPath).set(auth).send({ reason: 'customer asked to stop' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      operationId,
      orderId,
      status: 'RUNNING',
      cancelRequested: true,
      links: accepted.body.links,
    });
    const done = await waitFor(() => get(accepted.body.links.self), ended);
    expect(done.body).toMatchObject({
      status: 'CANCELLED',
      error: { step: 'install', type: 'Cancelled', message: 'customer asked to stop' },
    });
    const again = await h.http().post(cancelPath).set(auth).send({});
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'operation_finished',
      details: { orderId, operationId, status: 'CANCELLED' },
    });
    expect(await finished(orderId, { operation: 'suspend' })).toEqual(expect.any(String));
  });

  it('answers 404 for an unknown operation and 400 for a reason that is not a string', async () => {
    const orderId = await activeOrder();
    const missing = await h.http().post(`/v1/orders/${orderId}/operations/no-such-run/cancel`).set(auth).send({});
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('operation_not_found');
    const bad = await h
      .http()
      .post(`/v1/orders/${orderId}/operations/no-such-run/cancel`)
      .set(auth)
      .send({ reason: 7 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].field).toBe('reason');
  });
});
