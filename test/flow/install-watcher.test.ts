import { createActivities } from '../../src/activities';
import { ProcessFlow } from '../../src/flow/process-flow';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  activityDeps,
  callCount,
  directServer,
  type PanelHarness,
  paperOrder,
  runActivity,
  silentLogger,
  usePanel,
} from '../activities/panel-harness';

describe('batched install checks and the cached catalogue', () => {
  let panel: PanelHarness;
  let flow: ProcessFlow;
  let activities: ProvisioningActivities;

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    flow = new ProcessFlow({ provider: panel.client(), installPollMs: 300, logger: silentLogger });
    activities = createActivities(activityDeps(panel, { flow }));
  });
  afterEach(() => flow.stop());

  it('follows the installation of many servers with one list request per interval, matched exactly by their markers', async () => {
    await panel.faults({ installMs: 1_000 });
    const ids = ['batch-1', 'batch-10', 'batch-2', 'batch-3', 'batch-4', 'batch-5'];
    const servers: Array<{ id: number }> = [];
    for (const orderId of ids) {
      const order = paperOrder(orderId);
      const slot = await activities.allocate({ order, excludeAllocationIds: [] });
      servers.push((await activities.create({ order, slot, externalId: ownExternalId(orderId) })).server);
    }
    const before = await panel.state();
    const results = await Promise.all(
      ids.map((orderId, i) =>
        runActivity(activities.install, {
          orderId,
          serverId: servers[i].id,
          externalId: ownExternalId(orderId),
          deadlineMs: 60_000,
        }),
      ),
    );
    expect(results.map((r) => r.server?.external_id)).toEqual(ids.map(ownExternalId));
    const after = await panel.state();
    const listings = callCount(after, 'GET /servers') - callCount(before, 'GET /servers');
    expect(listings).toBeGreaterThanOrEqual(1);
    expect(listings).toBeLessThanOrEqual(6);
    expect(callCount(after, 'GET /servers/{id}')).toBe(callCount(before, 'GET /servers/{id}'));
  });

  it("reads nodes, eggs and each node's free allocations once for many orders", async () => {
    for (let i = 0; i < 5; i++) {
      const order = paperOrder(`cached-${i}`);
      const slot = await activities.allocate({ order, excludeAllocationIds: [] });
      await activities.create({ order, slot });
    }
    const state = await panel.state();
    expect(callCount(state, 'GET /nodes')).toBe(1);
    expect(callCount(state, 'GET /nodes/{id}/allocations')).toBeLessThanOrEqual(2);
    expect(callCount(state, 'GET /nests')).toBe(1);
    expect(callCount(state, 'POST /servers')).toBe(5);
    expect(state.calls.total).toBeLessThanOrEqual(5 + 1 + 2 + 1 + 2);
  });

  it("re-reads a node's free allocations when the panel refused one as taken", async () => {
    const order = paperOrder('refused');
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    await panel.client().createServer(directServer('intruder', slot.allocationId));
    await expect(runActivity(activities.create, { order, slot })).rejects.toMatchObject({ type: 'AllocationTaken' });
    const next = await activities.allocate({ order, excludeAllocationIds: [slot.allocationId] });
    expect(next.allocationId).not.toBe(slot.allocationId);
  });
});
