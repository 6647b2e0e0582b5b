import { createActivities, createReservationLedger, type AllocationReservations } from '../../src/activities';
import type { PterodactylClient } from '../../src/provider';
import type { DeleteServerInput, ProvisioningActivities } from '../../src/workflows/activity-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  type PanelHarness,
  paperOrder,
  runActivity,
  serversOf,
  usePanel,
} from './panel-harness';

describe('compensation activities', () => {
  let panel: PanelHarness;
  let reservations: AllocationReservations;
  let activities: ProvisioningActivities;

  const created = async (orderId: string): Promise<number> => {
    const order = paperOrder(orderId);
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    return (await activities.create({ order, slot, externalId: ownExternalId(orderId) })).server.id;
  };
  /** The rollback's input for an order whose create's answer was lost (no recorded server id). */
  const undo = (orderId: string, extra: Partial<DeleteServerInput> = {}): DeleteServerInput => ({
    orderId,
    claim: { externalId: ownExternalId(orderId), userId: paperOrder(orderId).userId },
    ...extra,
  });
  /** The real client, with the daemon failing (sim errorRate 1) exactly while the plain DELETE is sent. */
  const daemonFailsOnPlainDelete = (client: PterodactylClient): PterodactylClient => ({
    ...client,
    deleteServer: async (id, options) => {
      if (options?.force) return client.deleteServer(id, options);
      await panel.faults({ errorRate: 1 });
      try {
        return await client.deleteServer(id, options);
      } finally {
        await panel.faults({});
      }
    },
  });

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    reservations = createReservationLedger();
    activities = createActivities(activityDeps(panel, { reservations }));
  });

  it("deletes the order's server and confirms it is gone", async () => {
    const serverId = await created('undo-create');
    const result = await runActivity(activities.deleteServer, undo('undo-create'));
    expect(result).toEqual({ outcome: 'deleted', serverId });
    const state = await panel.state();
    expect(serversOf(state, 'undo-create')).toEqual([]);
    expect(state.allocations.filter((a) => a.server === serverId)).toEqual([]);
  });

  it('reports already_gone when the order never got a server', async () => {
    await expect(runActivity(activities.deleteServer, undo('never-created'))).resolves.toEqual({
      outcome: 'already_gone',
      serverId: null,
    });
  });

  it('falls back to a forced delete when the daemon fails the normal one', async () => {
    const serverId = await created('undo-force');
    const forcing = createActivities(activityDeps(panel, { provider: daemonFailsOnPlainDelete(panel.client()) }));
    const result = await runActivity(forcing.deleteServer, undo('undo-force'));
    expect(result).toEqual({ outcome: 'force_deleted', serverId });
    const state = await panel.state();
    expect(serversOf(state, 'undo-force')).toEqual([]);
    expect(callCount(state, 'DELETE /servers/{id}/force')).toBe(1);
  });

  it('confirms a DELETE whose answer was lost without forcing it', async () => {
    const serverId = await created('undo-lost-answer');
    await panel.faults({ deleteTimeoutButSucceedsRate: 1 });
    const result = await runActivity(activities.deleteServer, undo('undo-lost-answer'));
    expect(result).toEqual({ outcome: 'deleted', serverId });
    const state = await panel.state();
    expect(serversOf(state, 'undo-lost-answer')).toEqual([]);
    expect(callCount(state, 'DELETE /servers/{id}/force')).toBe(0);
  });

  it('deletes a server a create with a lost answer finished after the first look-up', async () => {
    const order = paperOrder('undo-late-create');
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    await panel.faults({ createDelayMs: 800 });
    await expect(activities.create({ order, slot, externalId: ownExternalId(order.orderId) })).rejects.toMatchObject({
      type: 'PanelTimeout',
    });
    const settling = createActivities({ ...activityDeps(panel), createSettleMs: 1000 });
    const result = await runActivity(settling.deleteServer, undo(order.orderId, { createSent: true }));
    expect(result).toEqual({ outcome: 'deleted', serverId: expect.any(Number) });
    expect(serversOf(await panel.state(), order.orderId)).toEqual([]);
  });

  it('fails retryably, leaving the server reported, while the panel is down', async () => {
    await created('undo-outage');
    await panel.faults({ outage: true });
    await expect(runActivity(activities.deleteServer, undo('undo-outage'))).rejects.toMatchObject({
      type: 'PanelUnavailable',
      nonRetryable: false,
    });
    await panel.faults({});
    expect(serversOf(await panel.state(), 'undo-outage')).toHaveLength(1);
  });

  it("releases the order's reservation, idempotently", async () => {
    const slot = await activities.allocate({ order: paperOrder('undo-allocate'), excludeAllocationIds: [] });
    await expect(runActivity(activities.releaseAllocation, { orderId: 'undo-allocate' })).resolves.toEqual({
      released: [slot.allocationId],
    });
    await expect(runActivity(activities.releaseAllocation, { orderId: 'undo-allocate' })).resolves.toEqual({
      released: [],
    });
    expect(reservations.list()).toEqual([]);
  });
});
