import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { bulkActivities } from '../../src/activities/bulk';
import { orderWorkflowId } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { OPERATOR_REFUSALS } from '../../src/workflows/server-entity-contract';
import { auth, orderWithServer, simPanel, startApiHarness, waitFor, waitingOrder, type ApiHarness } from './harness';

jest.setTimeout(180_000);

// A bulk action's listing (bulkTargets) and its step on one target (bulkApply), called directly against the dev
// server and the simulated panel.
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

const panel = () => simPanel(h);
const apply = () => bulkActivities({ client: h.client }).bulkApply;

describe("a bulk action's targets", () => {
  it("lists a server action's running entities and a cancel's waiting orders, heartbeating the count", async () => {
    const filter = { userId: 3, tier: 'premium' as const };
    const active = await orderWithServer(h, 'bulk-list', filter);
    const waiting = await waitingOrder(h, 'bulk-list-wait', filter);
    await waitFor(
      () => h.client.workflow.count(`WorkflowType = 'serverLifecycle' AND UserId = 3`),
      (c) => c.count === 1,
    );
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (details: unknown) => beats.push(details));
    const { bulkTargets } = bulkActivities({ client: h.client });
    expect(await env.run(bulkTargets, { action: 'suspend' as const, filter })).toEqual({
      orderIds: [active],
      truncated: false,
    });
    expect(await env.run(bulkTargets, { action: 'cancel' as const, filter })).toEqual({
      orderIds: [waiting],
      truncated: false,
    });
    expect(beats).toEqual([1, 1]);
  });
});

describe("a bulk action's step on one target", () => {
  it("reports a server operation that fails on the panel as failed, naming the operation and the panel's error", async () => {
    const orderId = await orderWithServer(h, 'bulk-gone');
    const server = (await panel().getServerByExternalId(ownExternalId(orderId)))!;
    await panel().deleteServer(server.id, { force: true });
    const result = await apply()({ action: 'suspend', orderId, filter: {}, requestedBy: 'ops' });
    expect(result).toEqual({ outcome: 'failed', reason: expect.stringMatching(/^suspend failed: \S/) });
  });

  it('is retried later (a retryable OperationInProgress) while another operation holds the server', async () => {
    const orderId = await orderWithServer(h, 'bulk-busy');
    h.sim!.panel.context.faults.replace({ latencyMs: 1_500 });
    try {
      const held = await h.http().post(`/v1/servers/${orderId}/operations`).set(auth).send({ operation: 'suspend' });
      expect(held.status).toBe(202);
      const refused = await apply()({ action: 'unsuspend', orderId, filter: {}, requestedBy: 'ops' }).catch(
        (err: unknown) => err,
      );
      expect(refused).toBeInstanceOf(ApplicationFailure);
      expect(refused).toMatchObject({ type: OPERATOR_REFUSALS.busy, nonRetryable: false });
      expect((refused as Error).message).toContain('suspend is still running');
    } finally {
      h.sim!.panel.context.faults.replace({});
    }
    await waitFor(
      () => h.http().get(`/v1/servers/${orderId}`).set(auth),
      (r) => r.body.status === 'SUSPENDED',
    );
  });

  it('cancels a waiting order with a default reason when the bulk action gave none', async () => {
    const orderId = await waitingOrder(h, 'bulk-default-reason');
    expect(await apply()({ action: 'cancel', orderId, filter: {}, requestedBy: 'ops' })).toEqual({ outcome: 'done' });
    const ended = await h.client.workflow.getHandle(orderWorkflowId(orderId)).result();
    expect(ended.status).toBe('CANCELLED');
    expect(ended.timeline.map((t: { detail: string }) => t.detail)).toContain(
      'cancellation requested by ops: cancelled in bulk',
    );
  });
});
