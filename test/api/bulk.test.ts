import { bulkActivities } from '../../src/activities/bulk';
import { ownExternalId } from '../../src/workflows/own-server';
import { orderWorkflowId } from '../../src/workflows/contract';
import { auth, orderWithServer, simPanel, startApiHarness, waitFor, waitingOrder, type ApiHarness } from './harness';

jest.setTimeout(180_000);

const READ_KEY = 'bulk-read-key-0123456789abcdef';
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({
    worker: true,
    installMs: 50,
    apiKeys: [{ name: 'dashboard', role: 'read', secret: READ_KEY }],
    bulkPace: { perSecond: 4, concurrency: 2 },
  });
});

afterAll(async () => {
  await h?.stop();
});

const panel = () => simPanel(h);
const bulk = (body: object, key = auth) => h.http().post('/v1/bulk').set(key).send(body);
const progress = (path: string) => h.http().get(path).set(auth);
const finished = (r: { body: { status?: string } }) => ['COMPLETED', 'CANCELLED'].includes(r.body.status ?? '');

async function activeOrders(count: number, overrides: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await orderWithServer(h, 'bulk', overrides));
  return ids;
}

const suspended = async (orderId: string) => (await panel().getServerByExternalId(ownExternalId(orderId)))?.suspended;

describe('POST /v1/bulk', () => {
  it('suspends every server of a user within the provider budget, then lifts them all: 0 x 429', async () => {
    const ids = await activeOrders(3, { userId: 2, tier: 'premium' });
    const other = (await activeOrders(1, { userId: 3 }))[0];
    await waitFor(
      () => h.http().get('/v1/servers?userId=2').set(auth),
      (r) => r.body.servers?.length === 3,
    );
    const started = await bulk({ action: 'suspend', filter: { userId: 2 }, reason: 'account closed' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ action: 'suspend', filter: { userId: 2 }, status: 'LISTING' });
    expect(started.headers.location).toBe(started.body.links.self);
    const done = await waitFor(() => progress(started.body.links.self), finished, 60_000);
    expect(done.body).toMatchObject({ status: 'COMPLETED', total: 3, done: 3, skipped: 0, failed: 0, failures: [] });
    for (const orderId of ids) expect(await suspended(orderId)).toBe(true);
    expect(await suspended(other)).toBe(false);
    await waitFor(
      () => h.http().get('/v1/servers?userId=2&status=SUSPENDED').set(auth),
      (r) => r.body.servers?.length === 3,
    );

    const lifted = await bulk({ action: 'unsuspend', filter: { userId: 2, status: 'SUSPENDED' } });
    const liftedDone = await waitFor(() => progress(lifted.body.links.self), finished, 60_000);
    expect(liftedDone.body).toMatchObject({ status: 'COMPLETED', total: 3, done: 3, failed: 0 });
    for (const orderId of ids) expect(await suspended(orderId)).toBe(false);
    expect(h.sim!.panel.context.calls.snapshot().rateLimited).toBe(0);
  });

  it('reports each failure with its reason: an operator cannot lift a billing suspension', async () => {
    const [orderId] = await activeOrders(1, { userId: 3, tier: 'free' });
    await h
      .http()
      .post(`/v1/servers/${orderId}/billing`)
      .set(auth)
      .send({ state: 'overdue', suspendAt: new Date().toISOString() })
      .expect(202);
    await waitFor(
      () => h.http().get(`/v1/servers/${orderId}`).set(auth),
      (r) =>
        r.body.status === 'SUSPENDED' && r.body.operations.every((o: { status: string }) => o.status !== 'PENDING'),
    );
    await waitFor(
      () => h.http().get('/v1/servers?tier=free&status=SUSPENDED').set(auth),
      (r) => r.body.servers?.some((s: { orderId: string }) => s.orderId === orderId),
    );
    const started = await bulk({ action: 'unsuspend', filter: { tier: 'free', status: 'SUSPENDED' } });
    const done = await waitFor(() => progress(started.body.links.self), finished, 60_000);
    expect(done.body).toMatchObject({ status: 'COMPLETED', failed: 1 });
    expect(done.body.failures).toEqual([
      { orderId, reason: expect.stringContaining('a payment lifts that suspension') },
    ]);
    expect(await suspended(orderId)).toBe(true);
  });

  it('stops between targets when cancelled half-way and ends CANCELLED with its counts', async () => {
    const ids = await activeOrders(4, { userId: 1, tier: 'standard' });
    await waitFor(
      () => h.http().get('/v1/servers?userId=1&tier=standard&status=ACTIVE').set(auth),
      (r) => r.body.servers?.length >= 4,
    );
    const slow = await bulk({ action: 'suspend', filter: { userId: 1, tier: 'standard', status: 'ACTIVE' } });
    await waitFor(
      () => progress(slow.body.links.self),
      (r) => r.body.done >= 1,
      60_000,
    );
    const cancel = await h.http().post(`${slow.body.links.cancel}`).set(auth);
    expect(cancel.status).toBe(202);
    expect(cancel.body).toEqual({ bulkId: slow.body.bulkId, cancelRequested: true });
    const ended = await waitFor(() => progress(slow.body.links.self), finished, 60_000);
    expect(ended.body.status).toBe('CANCELLED');
    expect(ended.body.done).toBeLessThan(ended.body.total);
    const states = await Promise.all(ids.map(suspended));
    expect(states.filter((s) => s === false).length).toBeGreaterThan(0);
    const again = await h.http().post(`${slow.body.links.cancel}`).set(auth);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('bulk_finished');
  });

  it('cancels the orders still waiting for capacity, noting who asked and why; an order no longer waiting is skipped', async () => {
    const orderId = await waitingOrder(h, 'bulk-wait', { userId: 2, tier: 'standard' });
    const started = await bulk({ action: 'cancel', filter: { userId: 2, tier: 'standard' }, reason: 'payment failed' });
    const done = await waitFor(() => progress(started.body.links.self), finished, 60_000);
    expect(done.body).toMatchObject({ status: 'COMPLETED', total: 1, done: 1, skipped: 0, failed: 0 });
    const order = h.client.workflow.getHandle(orderWorkflowId(orderId));
    const ended = await order.result();
    expect(ended.status).toBe('CANCELLED');
    expect(ended.timeline.map((t: { detail: string }) => t.detail)).toContain(
      'cancellation requested by default: payment failed',
    );

    const [active] = await activeOrders(1, { userId: 2, tier: 'standard' });
    const { bulkApply } = bulkActivities({ client: h.client });
    expect(await bulkApply({ action: 'cancel', orderId: active, filter: {}, requestedBy: 'ops' })).toEqual({
      outcome: 'skipped',
      reason: 'no longer waiting: ACTIVE',
    });
    expect(await bulkApply({ action: 'cancel', orderId, filter: {}, requestedBy: 'ops' })).toEqual({
      outcome: 'skipped',
      reason: 'no longer waiting: CANCELLED',
    });
  });

  it('skips a target that is gone by its turn: a server entity that no longer runs, an order that no longer exists', async () => {
    const { bulkApply } = bulkActivities({ client: h.client });
    const target = { orderId: 'never-ordered', filter: {}, requestedBy: 'ops' };
    expect(await bulkApply({ ...target, action: 'suspend' })).toEqual({
      outcome: 'skipped',
      reason: 'its server entity no longer runs',
    });
    expect(await bulkApply({ ...target, action: 'cancel' })).toEqual({
      outcome: 'skipped',
      reason: 'the order no longer exists',
    });
  });

  it('answers 400 naming the field for a filter the action cannot take, and 403 to a read key', async () => {
    const noFilter = await bulk({ action: 'delete', filter: {} });
    expect(noFilter.status).toBe(400);
    expect(noFilter.body.error.details.issues).toEqual([
      { field: 'filter', reason: 'delete needs at least one filter' },
    ]);
    const node = await bulk({ action: 'retry', filter: { node: 1 } });
    expect(node.body.error.details.issues).toEqual([
      { field: 'filter.node', reason: 'filters servers only, not retry' },
    ]);
    const unknown = await bulk({ action: 'reboot', filter: { userId: 1 } });
    expect(unknown.body.error.details.issues[0].field).toBe('action');
    const forbidden = await bulk({ action: 'cancel', filter: { userId: 1 } }, { Authorization: `Bearer ${READ_KEY}` });
    expect(forbidden.status).toBe(403);
    const missing = await progress('/v1/bulk/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('bulk_not_found');
  });
});
