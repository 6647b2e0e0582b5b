import { createActivities } from '../../src/activities';
import type { PterodactylClient } from '../../src/provider';
import type { AllocatedSlot, ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order } from '../../src/workflows/contract';
import { ownExternalId, type ServerClaim } from '../../src/workflows/own-server';
import { placeForeignServer } from './foreign-servers';
import { activityDeps, type PanelHarness, panelError, paperOrder, serversOf, usePanel } from './panel-harness';

// The refusals and look-ups of create and deleteServer that the mutation run (npm run mutation) found unpinned.

describe('create and deleteServer: refusals and look-ups', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  const place = (order: Order): Promise<AllocatedSlot> => activities.allocate({ order, excludeAllocationIds: [] });
  const claimOf = (order: Order): ServerClaim => ({
    externalId: ownExternalId(order.orderId),
    userId: order.userId,
    name: order.name,
  });
  const withClient = (wrap: (client: PterodactylClient) => PterodactylClient) =>
    createActivities(activityDeps(panel, { provider: wrap(panel.client()) }));

  usePanel((started) => (panel = started));
  beforeEach(() => {
    activities = createActivities(activityDeps(panel));
  });

  it.each(['conflict', 'allocation_taken'] as const)(
    'adopts the server a %s answer hid (the panel saved it), creating no second one',
    async (kind) => {
      const order = paperOrder(`refusal-saved-${kind}`);
      const hiding = withClient((client) => ({
        ...client,
        createServer: async (body) => {
          await client.createServer(body);
          throw panelError(kind, 'POST', '/servers', kind === 'conflict' ? 409 : 422);
        },
      }));
      const slot = await hiding.allocate({ order, excludeAllocationIds: [] });
      const result = await hiding.create({ order, slot, externalId: ownExternalId(order.orderId) });
      expect(result.adopted).toBe(true);
      expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
    },
  );

  it('fails AllocationTaken, naming the allocation, when the panel gave the slot to another server', async () => {
    const order = paperOrder('refusal-taken');
    const taken = withClient((client) => ({
      ...client,
      createServer: async () => {
        throw panelError('allocation_taken', 'POST', '/servers', 422);
      },
    }));
    const slot = await taken.allocate({ order, excludeAllocationIds: [] });
    await expect(taken.create({ order, slot, externalId: ownExternalId(order.orderId) })).rejects.toMatchObject({
      type: 'AllocationTaken',
      nonRetryable: true,
      message: `allocation ${slot.allocationId} is no longer free: simulated allocation_taken`,
      details: [{ allocationId: slot.allocationId }],
    });
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(0);
  });

  it('reports already_gone for a recorded server the panel no longer has (404), deleting nothing', async () => {
    const order = paperOrder('refusal-gone');
    const { server } = await activities.create({
      order,
      slot: await place(order),
      externalId: claimOf(order).externalId,
    });
    await panel.client().deleteServer(server.id, { force: true });
    await expect(
      activities.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).resolves.toEqual({ outcome: 'already_gone', serverId: null });
  });

  it('fails retryably when reading the recorded server fails on a 5xx, deleting nothing', async () => {
    const order = paperOrder('refusal-read-5xx');
    const { server } = await activities.create({
      order,
      slot: await place(order),
      externalId: claimOf(order).externalId,
    });
    const down = withClient((client) => ({
      ...client,
      getServer: async () => {
        throw panelError('unavailable', 'GET', `/servers/${server.id}`);
      },
    }));
    await expect(
      down.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).rejects.toMatchObject({ type: 'PanelUnavailable', nonRetryable: false });
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
  });

  it('rethrows a DELETE refused for a reason other than the daemon, and never forces it', async () => {
    const order = paperOrder('refusal-delete-409');
    const { server } = await activities.create({
      order,
      slot: await place(order),
      externalId: claimOf(order).externalId,
    });
    const refusing = withClient((client) => ({
      ...client,
      deleteServer: async (id, options) => {
        if (options?.force) return client.deleteServer(id, options);
        throw panelError('conflict', 'DELETE', `/servers/${id}`, 409);
      },
    }));
    await expect(
      refusing.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).rejects.toMatchObject({ type: 'PanelConflict' });
    expect(serversOf(await panel.state(), order.orderId)).toHaveLength(1);
  });

  it("confirms the delete when the order's external_id now names a server not of the order", async () => {
    const order = paperOrder('refusal-foreign-after');
    const externalId = claimOf(order).externalId;
    const { server } = await activities.create({ order, slot: await place(order), externalId });
    const replaced = withClient((client) => ({
      ...client,
      deleteServer: async (id, options) => {
        const result = await client.deleteServer(id, options);
        await placeForeignServer(panel, externalId, { user: 2 });
        return result;
      },
    }));
    await expect(
      replaced.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).resolves.toEqual({ outcome: 'deleted', serverId: server.id });
  });

  it('says why it deletes nothing for a rollback without a claim, and why a DELETE is not confirmed', async () => {
    const order = paperOrder('refusal-messages');
    await expect(activities.deleteServer({ orderId: order.orderId })).rejects.toMatchObject({
      type: 'ForeignServer',
      message: expect.stringContaining(`the rollback of order ${order.orderId} names no owner`),
    });
    const { server } = await activities.create({
      order,
      slot: await place(order),
      externalId: claimOf(order).externalId,
    });
    const ignoring = withClient((client) => ({ ...client, deleteServer: async () => 'deleted' as const }));
    await expect(
      ignoring.deleteServer({ orderId: order.orderId, serverId: server.id, claim: claimOf(order) }),
    ).rejects.toMatchObject({ message: `server ${server.id} is still on the panel after deleted` });
  });
});
