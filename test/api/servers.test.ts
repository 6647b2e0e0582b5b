import { ownExternalId } from '../../src/workflows/own-server';
import { auth, orderWithServer, simPanel, startApiHarness, waitFor, type ApiHarness } from './harness';

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

const list = (query: string) => h.http().get(`/v1/servers${query}`).set(auth);
const getServer = (orderId: string) => h.http().get(`/v1/servers/${orderId}`).set(auth);
const billing = (orderId: string, body: unknown) =>
  h
    .http()
    .post(`/v1/servers/${orderId}/billing`)
    .set(auth)
    .send(body as object);
const panelServer = (orderId: string) => simPanel(h).getServerByExternalId(ownExternalId(orderId));

/** The started event of the latest run of `workflowId`: its parent, priority and search attributes. */
const startedEvent = async (workflowId: string) =>
  (await h.client.workflow.getHandle(workflowId).fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;

async function activeOrder(label: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const orderId = await orderWithServer(h, label, overrides);
  const order = await h.http().get(`/v1/orders/${orderId}`).set(auth);
  expect(order.body).toMatchObject({ status: 'ACTIVE', links: { server: `/v1/servers/${orderId}` } });
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
    const order = await startedEvent(`order-${orderId}`);
    const entity = await startedEvent(`server-${orderId}`);
    expect(order?.priority?.fairnessKey).toMatch(/^user-\d+$/);
    expect(entity?.parentWorkflowExecution).toBeFalsy();
    expect(entity?.priority).toMatchObject({
      priorityKey: order?.priority?.priorityKey,
      fairnessKey: order?.priority?.fairnessKey,
    });
    expect(entity?.searchAttributes?.indexedFields).toHaveProperty('ServerStatus');
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

describe('GET /v1/servers', () => {
  interface Summary {
    orderId: string;
    status: string;
  }
  const ids = (res: { body: { servers: Summary[] } }) => res.body.servers.map((s) => s.orderId).sort();

  it("lists a user's servers by status, tier and node from the entities' search attributes, a page at a time", async () => {
    const free = await activeOrder('list-free', { userId: 3, tier: 'free' });
    const premium = await activeOrder('list-premium', { userId: 3, tier: 'premium' });
    const both = await waitFor(
      () => list('?userId=3'),
      (r) => r.body.servers?.length === 2,
    );
    expect(ids(both)).toEqual([free, premium].sort());
    const node = (await getServer(free)).body.server.node as number;
    expect(both.body.servers.find((s: Summary) => s.orderId === free)).toEqual({
      orderId: free,
      status: 'ACTIVE',
      tier: 'free',
      userId: 3,
      node,
      createdAt: expect.any(String),
      closedAt: null,
      links: { self: `/v1/servers/${free}`, order: `/v1/orders/${free}`, billing: `/v1/servers/${free}/billing` },
    });
    expect(ids(await list('?userId=3&tier=premium'))).toEqual([premium]);
    expect(ids(await list(`?userId=3&node=${node}&tier=free`))).toEqual([free]);

    await billing(free, { state: 'overdue', suspendAt: new Date().toISOString() }).expect(202);
    const suspended = await waitFor(
      () => list('?userId=3&status=SUSPENDED'),
      (r) => r.body.servers?.length === 1,
    );
    expect(ids(suspended)).toEqual([free]);
    expect(ids(await list('?userId=3&status=ACTIVE'))).toEqual([premium]);

    const first = await list('?userId=3&limit=1');
    expect(first.body.servers).toHaveLength(1);
    const second = await list(`?userId=3&limit=1&cursor=${first.body.nextCursor}`);
    expect([...ids(first), ...ids(second)].sort()).toEqual([free, premium].sort());
    const mixed = await list(`?userId=3&tier=free&limit=1&cursor=${first.body.nextCursor}`);
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.details.issues).toEqual([
      { field: 'cursor', reason: 'belongs to a listing with other filters' },
    ]);
  });

  it('answers 400 naming the field for a filter it does not know', async () => {
    const status = await list('?status=PAUSED');
    expect(status.status).toBe(400);
    expect(status.body.error.details.issues).toEqual([
      { field: 'status', reason: 'must be one of ACTIVE, SUSPENDED, DELETING, DELETED, LOST' },
    ]);
    const node = await list('?node=first');
    expect(node.body.error.details.issues).toEqual([{ field: 'node', reason: 'must be a whole number' }]);
    const unknown = await list('?owner=3');
    expect(unknown.status).toBe(400);
  });
});

describe('POST /v1/servers/:id/operations', () => {
  const operate = (orderId: string, body: object, key = auth) =>
    h.http().post(`/v1/servers/${orderId}/operations`).set(key).send(body);

  it("suspends through the server's entity: 202 with the operation, which the order's operations show", async () => {
    const orderId = await activeOrder('entity-suspend');
    const res = await operate(orderId, { operation: 'suspend' });
    expect(res.status).toBe(202);
    const { operationId } = res.body;
    expect(res.body).toEqual({
      operationId: expect.any(String),
      orderId,
      serverId: (await panelServer(orderId))!.id,
      operation: 'suspend',
      status: 'RUNNING',
      links: { self: `/v1/orders/${orderId}/operations/${operationId}`, order: `/v1/orders/${orderId}` },
    });
    expect(res.headers.location).toBe(res.body.links.self);
    const done = await waitFor(
      () => h.http().get(res.body.links.self).set(auth),
      (r) => r.body.status === 'COMPLETED',
    );
    expect(done.body).toMatchObject({ operationId, operation: 'suspend' });
    expect(done.body.timeline[0].detail).toBe('suspend requested by default');
    const server = await waitFor(
      () => getServer(orderId),
      (r) => r.body.status === 'SUSPENDED',
    );
    expect(server.body.suspendedBy).toEqual({ billing: false, operator: true });
    expect(server.body.operations).toEqual([
      expect.objectContaining({ operationId, operation: 'suspend', status: 'COMPLETED' }),
    ]);
    expect((await panelServer(orderId))!.suspended).toBe(true);
  });

  it('answers 409 operation_not_allowed when an operator tries to lift a billing suspension', async () => {
    const orderId = await activeOrder('entity-billing-held');
    await billing(orderId, { state: 'overdue', suspendAt: new Date().toISOString() }).expect(202);
    await waitFor(
      () => getServer(orderId),
      (r) =>
        r.body.status === 'SUSPENDED' && r.body.operations.every((o: { status: string }) => o.status !== 'PENDING'),
    );
    const res = await operate(orderId, { operation: 'unsuspend' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'operation_not_allowed',
      message: expect.stringContaining('a payment lifts that suspension'),
      details: { orderId },
    });
    expect((await panelServer(orderId))!.suspended).toBe(true);
  });

  it('answers 404 server_not_found for an order without a server entity, and 403 to a read key', async () => {
    const missing = await operate('no-such-order', { operation: 'suspend' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'server_not_found', details: { orderId: 'no-such-order' } });
    const orderId = await activeOrder('entity-read-key');
    const forbidden = await operate(orderId, { operation: 'suspend' }, { Authorization: `Bearer ${READ_KEY}` });
    expect(forbidden.status).toBe(403);
    expect((await getServer(orderId)).body.operations).toEqual([]);
  });
});

describe('adoption', () => {
  it('gives a server whose entity stopped a new one on first use, with the limits it was ordered with', async () => {
    const orderId = await activeOrder('adopted', { limits: { memory: 1536, swap: 0, disk: 4096, io: 500, cpu: 150 } });
    const lost = h.client.workflow.getHandle(`server-${orderId}`);
    const { runId: lostRun } = await lost.describe();
    await lost.terminate('entity stopped by hand');

    const res = await billing(orderId, { state: 'overdue', suspendAt: '2099-01-01T00:00:00Z' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      orderId,
      status: 'ACTIVE',
      limits: { memory: 1536, swap: 0, disk: 4096, io: 500, cpu: 150 },
      server: { id: (await panelServer(orderId))!.id },
      billing: { state: 'overdue', suspendAt: '2099-01-01T00:00:00.000Z' },
    });
    expect((await lost.describe()).runId).not.toBe(lostRun);
    const adopted = await startedEvent(`server-${orderId}`);
    expect(adopted?.parentWorkflowExecution).toBeFalsy();
    expect(adopted?.priority).toMatchObject((await startedEvent(`order-${orderId}`))!.priority!);
    const suspend = await h.http().post(`/v1/servers/${orderId}/operations`).set(auth).send({ operation: 'suspend' });
    expect(suspend.status).toBe(202);
  });

  it('adopts on the first operation too, through POST /v1/orders/:id/operations', async () => {
    const orderId = await activeOrder('adopted-op');
    await h.client.workflow.getHandle(`server-${orderId}`).terminate('entity stopped by hand');
    const res = await h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send({ operation: 'suspend' });
    expect(res.status).toBe(202);
    const server = await waitFor(
      () => getServer(orderId),
      (r) => r.body.status === 'SUSPENDED',
    );
    expect(server.body.operations).toEqual([
      expect.objectContaining({ operationId: res.body.operationId, operation: 'suspend' }),
    ]);
  });
});
