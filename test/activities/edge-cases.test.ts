import { createActivities } from '../../src/activities';
import { ProcessFlow } from '../../src/flow/process-flow';
import type { PterodactylClient } from '../../src/provider';
import type { AllocatedSlot, ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId, type ServerClaim } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  mockActivityEnv,
  type PanelHarness,
  panelError,
  paperOrder,
  runActivity,
  serversOf,
  silentLogger,
  usePanel,
} from './panel-harness';

// The cases the mutation run (npm run mutation) found untested in create and deleteServer.

describe('create and deleteServer: edge cases', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  const place = (order: Order): Promise<AllocatedSlot> => activities.allocate({ order, excludeAllocationIds: [] });
  const claimOf = (order: Order, slot?: AllocatedSlot): ServerClaim => ({
    externalId: ownExternalId(order.orderId),
    userId: order.userId,
    name: order.name,
    ...(slot ? { allocationId: slot.allocationId } : {}),
  });
  const withClient = (wrap: (client: PterodactylClient) => PterodactylClient) =>
    createActivities(activityDeps(panel, { provider: wrap(panel.client()) }));

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
  });

  it('looks the order up first on a retry (attempt 2) and adopts its server without a POST', async () => {
    const order = paperOrder('edge-retry');
    const slot = await place(order);
    const externalId = ownExternalId(order.orderId);
    const first = await activities.create({ order, slot, externalId });
    const retried = await runActivity(activities.create, { order, slot, externalId }, mockActivityEnv({ attempt: 2 }));
    expect(retried).toEqual({ ...first, adopted: true });
    expect(callCount(await panel.state(), 'POST /servers')).toBe(1);
  });

  it('creates when a look-first finds nothing', async () => {
    const order = paperOrder('edge-look-first');
    const slot = await place(order);
    const result = await activities.create({ order, slot, externalId: ownExternalId(order.orderId), lookFirst: true });
    expect(result.adopted).toBe(false);
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
  });

  it('adopts the server a 5xx hid (the panel saved it), creating no second one', async () => {
    const order = paperOrder('edge-5xx-saved');
    const created = withClient((client) => ({
      ...client,
      createServer: async (body) => {
        await client.createServer(body);
        throw panelError('unavailable', 'POST', '/servers');
      },
    }));
    const slot = await created.allocate({ order, excludeAllocationIds: [] });
    const result = await created.create({ order, slot, externalId: ownExternalId(order.orderId) });
    expect(result.adopted).toBe(true);
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
  });

  it('rethrows a refusal that cannot hide a success without looking the order up', async () => {
    const order = paperOrder('edge-400');
    const refusing = withClient((client) => ({
      ...client,
      createServer: async () => {
        throw panelError('bad_request', 'POST', '/servers');
      },
    }));
    const slot = await refusing.allocate({ order, excludeAllocationIds: [] });
    await expect(refusing.create({ order, slot, externalId: ownExternalId(order.orderId) })).rejects.toMatchObject({
      type: 'PanelBadRequest',
      details: [expect.objectContaining({ status: 500 }), { createdNothing: true }],
    });
    expect(callCount(await panel.state(), 'GET /servers/external/{external_id}')).toBe(0);
  });

  it('does not wait for a late create when the order already has its server', async () => {
    const order = paperOrder('edge-no-settle');
    const slot = await place(order);
    await activities.create({ order, slot, externalId: ownExternalId(order.orderId) });
    const settling = createActivities({ ...activityDeps(panel), createSettleMs: 30_000 });
    const started = Date.now();
    const result = await settling.deleteServer({
      orderId: order.orderId,
      createSent: true,
      claim: claimOf(order, slot),
    });
    expect(result.outcome).toBe('deleted');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("deletes while the node's breaker is open: a rollback is never refused", async () => {
    const order = paperOrder('edge-breaker');
    const flow = new ProcessFlow({ provider: panel.client(), logger: silentLogger, installPollMs: 25 });
    const withFlow = createActivities(activityDeps(panel, { flow }));
    const slot = await withFlow.allocate({ order, excludeAllocationIds: [] });
    const { server } = await withFlow.create({ order, slot, externalId: ownExternalId(order.orderId) });
    for (let i = 0; i < 10; i++) flow.breakers.node(server.node).record(false);
    expect(flow.breakers.node(server.node).current).toBe('open');
    const result = await withFlow.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) });
    expect(result).toEqual({ outcome: 'deleted', serverId: server.id });
    flow.stop();
  });

  it("gives the node's memory and disk back in the catalogue when it deletes, and counts them when it creates", async () => {
    const order = paperOrder('edge-capacity');
    const flow = new ProcessFlow({ provider: panel.client(), logger: silentLogger, installPollMs: 25 });
    const withFlow = createActivities(activityDeps(panel, { flow }));
    const slot = await withFlow.allocate({ order, excludeAllocationIds: [] });
    const used = () => flow.catalogue.cachedNodes().find((n) => n.id === slot.nodeId)!.allocated_resources;
    const before = { ...used() };
    const { server } = await withFlow.create({ order, slot, externalId: ownExternalId(order.orderId) });
    expect(used()).toEqual({ memory: before.memory + order.limits.memory, disk: before.disk + order.limits.disk });
    await withFlow.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) });
    expect(used()).toEqual(before);
    flow.stop();
  });

  it('rethrows a DELETE refused for a reason other than the daemon, without forcing', async () => {
    const order = paperOrder('edge-delete-409');
    const slot = await place(order);
    const { server } = await activities.create({ order, slot, externalId: ownExternalId(order.orderId) });
    const conflicted = withClient((client) => ({
      ...client,
      deleteServer: async () => {
        throw panelError('conflict', 'DELETE', `/servers/${server.id}`);
      },
    }));
    await expect(
      conflicted.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).rejects.toMatchObject({ type: 'PanelConflict' });
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
  });

  it('fails retryably with DeleteNotConfirmed when the server is still there after a DELETE the panel accepted', async () => {
    const order = paperOrder('edge-not-confirmed');
    const slot = await place(order);
    const { server } = await activities.create({ order, slot, externalId: ownExternalId(order.orderId) });
    const ignoring = withClient((client) => ({ ...client, deleteServer: async () => 'deleted' as const }));
    await expect(
      ignoring.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).rejects.toMatchObject({ type: 'DeleteNotConfirmed', nonRetryable: false });
  });
});
