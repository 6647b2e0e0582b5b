import { createActivities, createReservationLedger, type AllocationReservations } from '../../src/activities';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import { activityDeps, directServer, type PanelHarness, paperOrder, runActivity, usePanel } from './panel-harness';

describe('allocate activity', () => {
  let panel: PanelHarness;
  let reservations: AllocationReservations;
  let activities: ProvisioningActivities;

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    reservations = createReservationLedger();
    activities = createActivities(activityDeps(panel, { reservations }));
  });

  it("reserves a free allocation in the order's location and returns the same one when repeated", async () => {
    const order = paperOrder('alloc-1');
    const first = await runActivity(activities.allocate, { order, excludeAllocationIds: [] });
    const again = await runActivity(activities.allocate, { order, excludeAllocationIds: [] });
    expect(again).toEqual(first);
    const state = await panel.state();
    const chosen = state.allocations.find((a) => a.id === first.allocationId);
    expect(chosen).toMatchObject({ assigned: false, node: expect.any(Number) });
    expect(state.nodes.find((n) => n.id === chosen?.node)).toMatchObject({ location_id: 1 });
    expect(reservations.list()).toEqual([expect.objectContaining({ orderId: 'alloc-1', allocationId: chosen?.id })]);
  });

  it('gives concurrent orders distinct allocations', async () => {
    const slots = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        activities.allocate({ order: paperOrder(`concurrent-${i}`), excludeAllocationIds: [] }),
      ),
    );
    expect(new Set(slots.map((s) => s.allocationId)).size).toBe(12);
    expect(reservations.list()).toHaveLength(12);
  });

  it('finds a free allocation past the first page of a full node', async () => {
    const nodeId = await panel.addNode({ location_id: 2, ports: { start: 30000, end: 30011 } });
    const setup = panel.client();
    const allocations = (await panel.state()).allocations.filter((a) => a.node === nodeId).sort((a, b) => a.id - b.id);
    for (const [i, a] of allocations.slice(0, 10).entries())
      await setup.createServer(directServer(`occupant-${i}`, a.id));
    const paged = createActivities(
      activityDeps(panel, { provider: panel.client({ allPagesPerPage: 4 }), reservations }),
    );
    const slot = await runActivity(paged.allocate, {
      order: paperOrder('paged', { locationIds: [2] }),
      excludeAllocationIds: [],
    });
    expect(slot.nodeId).toBe(nodeId);
    expect([allocations[10].id, allocations[11].id]).toContain(slot.allocationId);
    expect([30010, 30011]).toContain(slot.port);
  });

  it('never picks an excluded allocation', async () => {
    const order = paperOrder('exclude');
    const first = await activities.allocate({ order, excludeAllocationIds: [] });
    const second = await activities.allocate({ order, excludeAllocationIds: [first.allocationId] });
    expect(second.allocationId).not.toBe(first.allocationId);
    expect(reservations.list().map((r) => r.allocationId)).toEqual([second.allocationId]);
  });

  it("skips nodes in maintenance and counts overallocation and other orders' reservations", async () => {
    await panel.addNode({ location_id: 2, memory: 100_000, disk: 100_000, maintenance_mode: true });
    const small = await panel.addNode({ location_id: 2, memory: 1000, memory_overallocate: 150, disk: 100_000 });
    const limits = { memory: 2048, swap: 0, disk: 1024, io: 500, cpu: 100 };
    const first = await activities.allocate({
      order: paperOrder('fits-overallocated', { locationIds: [2], limits }),
      excludeAllocationIds: [],
    });
    expect(first.nodeId).toBe(small);
    await expect(
      runActivity(activities.allocate, {
        order: paperOrder('no-room-left', { locationIds: [2], limits }),
        excludeAllocationIds: [],
      }),
    ).rejects.toMatchObject({ type: 'NoCapacity', nonRetryable: true });
  });

  it('fails with NoCapacity, holding nothing, when no node of the locations fits', async () => {
    await expect(
      runActivity(activities.allocate, {
        order: paperOrder('nowhere', { locationIds: [2] }),
        excludeAllocationIds: [],
      }),
    ).rejects.toMatchObject({ type: 'NoCapacity', nonRetryable: true });
    expect(reservations.list()).toEqual([]);
  });
});
