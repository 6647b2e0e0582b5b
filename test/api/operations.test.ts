import { ownExternalId } from '../../src/workflows/own-server';
import { auth, orderBody, simPanel, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

const panel = () => simPanel(h);
const getOrder = (orderId: string) => h.http().get(`/v1/orders/${orderId}`).set(auth);
const operate = (orderId: string, body: object) =>
  h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send(body);
const getOperation = (path: string) => h.http().get(path).set(auth);
const finished = (res: { body: { status?: string } }) => ['COMPLETED', 'FAILED'].includes(res.body.status ?? '');

async function settledOrder(
  overrides: Record<string, unknown> = {},
): Promise<{ orderId: string; status: string; serverId: number | null }> {
  const orderId = uniqueOrderId('ops');
  await h
    .http()
    .post('/v1/orders')
    .set(auth)
    .send(orderBody({ orderId, ...overrides }))
    .expect(202);
  const res = await waitFor(
    () => getOrder(orderId),
    (r) => ['ACTIVE', 'FAILED'].includes(r.body.status),
  );
  return { orderId, status: res.body.status, serverId: res.body.server?.id ?? null };
}

async function installTakes(installMs: number): Promise<void> {
  const res = await fetch(`${h.sim!.url}/_sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ installMs, rateLimitPerMinute: 100_000 }),
  });
  expect(res.ok).toBe(true);
}

async function completed(orderId: string, body: object) {
  const accepted = await operate(orderId, body).expect(202);
  return waitFor(() => getOperation(accepted.body.links.self), finished);
}

describe('POST /v1/orders/:id/operations', () => {
  it('answers 202 for a suspend of an ACTIVE order; its state ends COMPLETED and the server is suspended', async () => {
    const { orderId, serverId } = await settledOrder();
    const res = await operate(orderId, { operation: 'suspend' });
    expect(res.status).toBe(202);
    const { operationId } = res.body;
    const self = `/v1/orders/${orderId}/operations/${operationId}`;
    expect(res.body).toEqual({
      operationId: expect.any(String),
      orderId,
      serverId,
      operation: 'suspend',
      status: 'RUNNING',
      links: { self, order: `/v1/orders/${orderId}` },
    });
    expect(res.headers.location).toBe(self);
    // The run reports COMPLETED by query a moment before it closes; the view then comes from its result.
    const done = await waitFor(
      () => getOperation(self),
      (r) => finished(r) && r.body.source === 'result',
    );
    expect(done.body).toMatchObject({
      operationId,
      orderId,
      serverId,
      operation: 'suspend',
      status: 'COMPLETED',
      changed: true,
      error: null,
      source: 'result',
    });
    expect(done.body.timeline.at(-1)).toMatchObject({ status: 'COMPLETED' });
    expect((await panel().getServer(serverId!)).suspended).toBe(true);
  });

  it('resizes to the given build', async () => {
    const { orderId, serverId } = await settledOrder();
    const build = { memory: 2048, swap: 0, disk: 8192, io: 500, cpu: 150 };
    const done = await completed(orderId, { operation: 'resize', build });
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      build: { requested: build, previous: { memory: 1024, disk: 5120 } },
    });
    expect((await panel().getServer(serverId!)).limits).toMatchObject(build);
  });

  it.each([
    [{ operation: 'stop' }, 'operation'],
    [{}, 'operation'],
    [{ operation: 'resize' }, 'build'],
    [{ operation: 'suspend', build: { memory: 1, swap: 0, disk: 1, io: 500, cpu: 1 } }, 'build'],
    [{ operation: 'resize', build: { memory: 1024, swap: 0, disk: 1024, io: 5, cpu: 100 } }, 'build.io'],
    [{ operation: 'resize', build: { memory: 1024, disk: 1024, io: 500, cpu: 100 } }, 'build.swap'],
    [{ operation: 'suspend', force: true }, 'force'],
  ])('answers 400 naming the field for %j', async (body, field) => {
    const res = await operate('any-order', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_body',
      details: { issues: [{ field, reason: expect.any(String) }] },
    });
  });

  it('answers 404 for an unknown order', async () => {
    const res = await operate('no-such-order', { operation: 'suspend' });
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'order_not_found', details: { orderId: 'no-such-order' } });
  });

  it('answers 409 order_not_active for a FAILED order, but accepts its delete (nothing left to remove)', async () => {
    const { orderId, status } = await settledOrder({ eggId: 999 });
    expect(status).toBe('FAILED');
    const res = await operate(orderId, { operation: 'suspend' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'order_not_active', details: { orderId, status: 'FAILED' } });
    const deleted = await completed(orderId, { operation: 'delete' });
    expect(deleted.body).toMatchObject({
      status: 'COMPLETED',
      deprovisioned: true,
      deleted: { outcome: 'already_gone' },
    });
  });

  it('answers 409 order_not_active for every operation, delete included, while the order is still provisioning', async () => {
    await installTakes(60_000);
    const orderId = uniqueOrderId('ops-installing');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    await waitFor(
      () => getOrder(orderId),
      (r) => r.body.status === 'INSTALLING',
    );
    await installTakes(50);
    for (const operation of ['suspend', 'delete']) {
      const res = await operate(orderId, { operation });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'order_not_active', details: { orderId, status: 'INSTALLING' } });
    }
    await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).send({}).expect(202);
  });

  it('answers 409 operation_in_progress with the running operation while another one runs', async () => {
    const { orderId } = await settledOrder();
    await installTakes(2500);
    const reinstall = await operate(orderId, { operation: 'reinstall' }).expect(202);
    const refused = await operate(orderId, { operation: 'suspend' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'operation_in_progress',
      details: { orderId, operationId: reinstall.body.operationId, operation: 'reinstall' },
    });
    const running = await getOperation(reinstall.body.links.self);
    expect(running.body).toMatchObject({ status: 'RUNNING', source: 'workflow', operation: 'reinstall' });
    await installTakes(50);
    const done = await waitFor(() => getOperation(reinstall.body.links.self), finished);
    expect(done.body.status).toBe('COMPLETED');
    await operate(orderId, { operation: 'suspend' }).expect(202);
  });

  it('deletes the server; the order stays ACTIVE, later operations but delete answer 409 server_deleted', async () => {
    const { orderId, serverId } = await settledOrder();
    const done = await completed(orderId, { operation: 'delete' });
    expect(done.body).toMatchObject({
      status: 'COMPLETED',
      deprovisioned: true,
      deleted: { outcome: 'deleted', serverId },
    });
    expect(await panel().getServerByExternalId(ownExternalId(orderId))).toBeNull();
    expect((await getOrder(orderId)).body.status).toBe('ACTIVE');
    const entity = await waitFor(
      () => h.http().get(`/v1/servers/${orderId}`).set(auth),
      (r) => r.body.status === 'DELETED',
    );
    expect(entity.body.operations).toEqual([expect.objectContaining({ operationId: done.body.operationId })]);
    const refused = await operate(orderId, { operation: 'unsuspend' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'server_deleted',
      details: { orderId, operationId: done.body.operationId },
    });
    const again = await completed(orderId, { operation: 'delete' });
    expect(again.body).toMatchObject({ status: 'COMPLETED', deleted: { outcome: 'already_gone' } });
  });
});

describe('GET /v1/orders/:id/operations/:operationId', () => {
  it('answers 404 for an unknown operation of a known order, and for an unknown order', async () => {
    const { orderId } = await settledOrder();
    const unknown = await getOperation(`/v1/orders/${orderId}/operations/4b0bd4c5-0b7a-4b33-9f3e-9b1c1e0f1a2b`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'operation_not_found', details: { orderId } });
    const noOrder = await getOperation('/v1/orders/ghost/operations/4b0bd4c5-0b7a-4b33-9f3e-9b1c1e0f1a2b');
    expect(noOrder.status).toBe(404);
    expect(noOrder.body.error.code).toBe('order_not_found');
  });

  it('answers 400 for an operation id that cannot exist, and 401 without an API key', async () => {
    const res = await getOperation('/v1/orders/any/operations/bad%20id');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'invalid_path',
      details: { issues: [{ field: 'operationId', reason: expect.any(String) }] },
    });
    await h.http().get('/v1/orders/any/operations/x').expect(401);
    await h.http().post('/v1/orders/any/operations').send({ operation: 'suspend' }).expect(401);
  });
});
