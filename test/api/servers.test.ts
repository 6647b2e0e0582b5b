import { createPterodactylClient } from '../../src/provider';
import { ownExternalId } from '../../src/workflows/own-server';
import { SIM_KEY, auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

jest.setTimeout(120_000);

const READ_KEY = 'servers-read-key-0123456789abcdef';
const MINUTE = 60_000;

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    worker: true,
    apiKeys: [{ name: 'dashboard', role: 'read', secret: READ_KEY }],
    billing: { graceMs: { premium: MINUTE, standard: MINUTE, free: MINUTE }, warningLeadMs: 500 },
  });
});

afterAll(async () => {
  await h?.stop();
});

const getServer = (orderId: string) => h.http().get(`/v1/servers/${orderId}`).set(auth);
const billing = (orderId: string, body: unknown) =>
  h
    .http()
    .post(`/v1/servers/${orderId}/billing`)
    .set(auth)
    .send(body as object);
const panelServer = (orderId: string) =>
  createPterodactylClient({ baseUrl: h.sim!.url, apiKey: SIM_KEY }).getServerByExternalId(ownExternalId(orderId));

async function activeOrder(label: string): Promise<string> {
  const orderId = uniqueOrderId(label);
  await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
  await waitFor(
    () => h.http().get(`/v1/orders/${orderId}`).set(auth),
    (r) => r.body.status === 'ACTIVE',
  );
  await waitFor(
    () => getServer(orderId),
    (r) => r.status === 200,
  );
  return orderId;
}

describe('GET /v1/servers/:id', () => {
  it('shows the server of an ACTIVE order with its billing clock stopped', async () => {
    const orderId = await activeOrder('server-view');
    const res = await getServer(orderId);
    expect(res.body).toMatchObject({
      orderId,
      status: 'ACTIVE',
      suspendedBy: { billing: false, operator: false },
      billing: { state: 'current', suspendAt: null, deleteAt: null, next: null },
      links: {
        self: `/v1/servers/${orderId}`,
        order: `/v1/orders/${orderId}`,
        billing: `/v1/servers/${orderId}/billing`,
      },
    });
    expect(res.body.server.id).toBe((await panelServer(orderId))!.id);
  });

  it('answers 404 server_not_found for an order without a server', async () => {
    const res = await getServer('no-such-order');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: 'server_not_found', details: { orderId: 'no-such-order' } });
  });
});

describe('POST /v1/servers/:id/billing', () => {
  it('suspends an overdue server at suspendAt and lifts the suspension when paid', async () => {
    const orderId = await activeOrder('overdue-paid');
    const suspendAt = new Date(Date.now() + 1500).toISOString();
    const overdue = await billing(orderId, { state: 'overdue', suspendAt });
    expect(overdue.status).toBe(202);
    expect(overdue.body.billing).toMatchObject({
      state: 'overdue',
      suspendAt,
      deleteAt: new Date(Date.parse(suspendAt) + MINUTE).toISOString(),
      next: { action: 'suspension_warning', at: new Date(Date.parse(suspendAt) - 500).toISOString() },
    });

    const suspended = await waitFor(
      () => getServer(orderId),
      (r) => r.body.status === 'SUSPENDED',
    );
    expect(suspended.body.suspendedBy).toEqual({ billing: true, operator: false });
    expect(suspended.body.billing.next).toMatchObject({ action: 'deletion_warning' });
    expect((await panelServer(orderId))!.suspended).toBe(true);

    const paid = await billing(orderId, { state: 'paid' });
    expect(paid.status).toBe(202);
    expect(paid.body.billing).toMatchObject({ state: 'current', next: null });
    const active = await waitFor(
      () => getServer(orderId),
      (r) => r.body.status === 'ACTIVE',
    );
    expect(active.body.suspendedBy).toEqual({ billing: false, operator: false });
    expect((await panelServer(orderId))!.suspended).toBe(false);
  });

  it('deletes the server at deleteAt and then answers 409 server_gone', async () => {
    const orderId = await activeOrder('overdue-deleted');
    const now = Date.now();
    await billing(orderId, {
      state: 'overdue',
      suspendAt: new Date(now).toISOString(),
      deleteAt: new Date(now + 1000).toISOString(),
    }).expect(202);
    await waitFor(
      () => getServer(orderId),
      (r) => r.body.status === 'DELETED',
    );
    expect(await panelServer(orderId)).toBeNull();
    const late = await billing(orderId, { state: 'paid' });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'server_gone', details: { orderId } });
  });

  it('answers 400 naming the field for a notice it cannot apply', async () => {
    const orderId = await activeOrder('billing-400');
    const unknownState = await billing(orderId, { state: 'late' });
    expect(unknownState.status).toBe(400);
    expect(unknownState.body.error.details.issues).toEqual([{ field: 'state', reason: 'must be overdue or paid' }]);
    const badTime = await billing(orderId, { state: 'overdue', suspendAt: 'tomorrow' });
    expect(badTime.body.error.details.issues).toEqual([
      { field: 'suspendAt', reason: 'must be an ISO 8601 time with its offset' },
    ]);
    const backwards = await billing(orderId, {
      state: 'overdue',
      suspendAt: '2030-01-02T00:00:00Z',
      deleteAt: '2030-01-01T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.details.issues).toEqual([
      { field: 'deleteAt', reason: 'must not be before suspendAt' },
    ]);
    expect((await getServer(orderId)).body.billing.state).toBe('current');
  });

  it('refuses a read key with 403 and changes nothing', async () => {
    const orderId = await activeOrder('billing-403');
    const res = await h
      .http()
      .post(`/v1/servers/${orderId}/billing`)
      .set({ Authorization: `Bearer ${READ_KEY}` })
      .send({ state: 'overdue' });
    expect(res.status).toBe(403);
    expect((await getServer(orderId)).body.billing.state).toBe('current');
  });
});
