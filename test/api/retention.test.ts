import { isWorkflowNotFound } from '../../src/temporal-errors';
import { auth, orderBody, startApiHarness, uniqueOrderId, waitFor, type ApiHarness } from './harness';

jest.setTimeout(180_000);

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true });
});

afterAll(async () => {
  await h?.stop();
});

/**
 * What retention does to a closed workflow once its time is up (its DeleteHistoryEventTask): the execution, its
 * history and its visibility record are deleted. Server 1.29.1 keeps closed workflows at least an hour (the constant
 * namespace.MinRetentionLocal; no dynamic config lowers it), so the test deletes the order's execution the same way,
 * through DeleteWorkflowExecution, once it has closed. The execution is gone from describe at once; its history, which
 * a query of a closed workflow replays, goes a little later, so the order view turns to the entity within seconds.
 */
async function retentionPassed(orderId: string): Promise<void> {
  await h.client.workflow.getHandle(`order-${orderId}`).result();
  await h.client.workflowService.deleteWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: `order-${orderId}` },
  });
  await waitFor(
    () =>
      h.client.workflow
        .getHandle(`order-${orderId}`)
        .describe()
        .then(
          () => false,
          (err: unknown) => isWorkflowNotFound(err),
        ),
    (gone) => gone,
  );
}

const get = (path: string) => h.http().get(path).set(auth);

describe("after retention removed an ACTIVE order's workflow", () => {
  it('the order and its server stay readable and operable through the entity', async () => {
    const orderId = uniqueOrderId('retained');
    await h.http().post('/v1/orders').set(auth).send(orderBody({ orderId })).expect(202);
    const active = await waitFor(
      () => get(`/v1/orders/${orderId}`),
      (r) => r.body.status === 'ACTIVE' && r.body.source === 'workflow',
    );
    await retentionPassed(orderId);

    const order = await waitFor(
      () => get(`/v1/orders/${orderId}`),
      (r) => r.body.source === 'entity',
      60_000,
    );
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      orderId,
      status: 'ACTIVE',
      source: 'entity',
      server: active.body.server,
      createdAt: active.body.createdAt,
      timeline: active.body.timeline.slice(0, order.body.timeline.length),
      links: { server: `/v1/servers/${orderId}` },
    });
    expect(order.body.timeline.map((t: { status: string }) => t.status)).toContain('ACTIVE');
    expect((await get(`/v1/servers/${orderId}`)).body.status).toBe('ACTIVE');
    expect((await get(`/v1/orders/${orderId}/operations`)).status).toBe(200);

    const suspend = await h.http().post(`/v1/orders/${orderId}/operations`).set(auth).send({ operation: 'suspend' });
    expect(suspend.status).toBe(202);
    const done = await waitFor(
      () => get(suspend.body.links.self),
      (r) => r.body.status === 'COMPLETED',
    );
    expect(done.body.operation).toBe('suspend');
    const server = await waitFor(
      () => get(`/v1/servers/${orderId}`),
      (r) => r.body.status === 'SUSPENDED',
    );
    expect(server.body.suspendedBy).toEqual({ billing: false, operator: true });
  });
});
