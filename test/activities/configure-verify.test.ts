import { createActivities } from '../../src/activities';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import type { Order, ProvisionedServer } from '../../src/workflows/contract';
import { activityDeps, callCount, type PanelHarness, paperOrder, runActivity, usePanel } from './panel-harness';

describe('configure and verify activities', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;

  const installed = async (order: Order): Promise<ProvisionedServer> => {
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    const { server } = await activities.create({ order, slot });
    await runActivity(activities.install, { orderId: order.orderId, serverId: server.id, deadlineMs: 60_000 });
    return server;
  };
  const patches = async () => {
    const state = await panel.state();
    return callCount(state, 'PATCH /servers/{id}/startup') + callCount(state, 'PATCH /servers/{id}/build');
  };

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
  });

  it('changes nothing when the server already matches the order', async () => {
    const order = paperOrder('configure-noop');
    const server = await installed(order);
    expect(await runActivity(activities.configure, { order, serverId: server.id })).toEqual({ updated: [] });
    expect(await patches()).toBe(0);
  });

  it('makes no request at all when the server the install step saw already matches the order', async () => {
    const order = paperOrder('configure-observed');
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    const { server } = await activities.create({ order, slot });
    const result = await runActivity(activities.install, {
      orderId: order.orderId,
      serverId: server.id,
      deadlineMs: 60_000,
    });
    expect(result.server).toMatchObject({ id: server.id, status: null });
    const before = (await panel.state()).calls.total;
    expect(await runActivity(activities.configure, { order, serverId: server.id, observed: result.server })).toEqual({
      updated: [],
    });
    expect((await panel.state()).calls.total).toBe(before);
  });

  it('fails with ServerGone when the server it must patch has disappeared', async () => {
    const order = paperOrder('configure-gone');
    const server = await installed(order);
    const observed = { ...(await panel.client().getServer(server.id)) };
    observed.limits = { ...observed.limits, memory: 512 };
    await panel.client().deleteServer(server.id, { force: true });
    await expect(runActivity(activities.configure, { order, serverId: server.id, observed })).rejects.toMatchObject({
      type: 'ServerGone',
      nonRetryable: true,
    });
  });

  it('patches drifted limits and environment back to the order, then is a no-op when repeated', async () => {
    const order = paperOrder('configure-drift');
    const server = await installed(order);
    const client = panel.client();
    const drifted = await client.getServer(server.id);
    await client.updateBuild(server.id, {
      allocation: drifted.allocation,
      limits: { ...order.limits, memory: 512 },
      feature_limits: { databases: 0, backups: 0, allocations: 0 },
    });
    await client.updateStartup(server.id, {
      startup: drifted.container.startup_command,
      environment: { SERVER_JARFILE: 'other.jar' },
      egg: 1,
      image: drifted.container.image,
      skip_scripts: true,
    });
    expect(await runActivity(activities.configure, { order, serverId: server.id })).toEqual({
      updated: ['startup', 'build'],
    });
    const fixed = await client.getServer(server.id);
    expect(fixed.limits).toMatchObject(order.limits);
    expect(fixed.feature_limits).toEqual(order.featureLimits);
    expect(fixed.container.environment).toMatchObject({ SERVER_JARFILE: 'paper.jar' });
    const before = await patches();
    expect(await runActivity(activities.configure, { order, serverId: server.id })).toEqual({ updated: [] });
    expect(await patches()).toBe(before);
  });

  it('verifies an installed server that matches the order', async () => {
    const order = paperOrder('verify-ok');
    const server = await installed(order);
    await expect(runActivity(activities.verify, { order, server })).resolves.toEqual(server);
  });

  it('fails verification permanently for a suspended server', async () => {
    const order = paperOrder('verify-suspended');
    const server = await installed(order);
    await panel.client().suspend(server.id);
    await expect(runActivity(activities.verify, { order, server })).rejects.toMatchObject({
      type: 'VerificationFailed',
      nonRetryable: true,
      message: expect.stringContaining('suspended'),
    });
  });

  it('fails verification when limits or the allocation differ from the order', async () => {
    const order = paperOrder('verify-drift');
    const server = await installed(order);
    const client = panel.client();
    const allocationId = (await client.getServer(server.id)).allocation;
    await client.updateBuild(server.id, {
      allocation: allocationId,
      limits: { ...order.limits, disk: 1 },
      feature_limits: order.featureLimits,
    });
    const wrongAllocation = { ...server, allocation: { ...server.allocation, id: allocationId + 1 } };
    const failure = await runActivity(activities.verify, { order, server: wrongAllocation }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ type: 'VerificationFailed' });
    expect((failure as Error).message).toMatch(/limits .* differ/);
    expect((failure as Error).message).toMatch(/allocation is \d+, expected \d+/);
  });

  it('fails with ServerGone when verifying a server that no longer exists', async () => {
    const order = paperOrder('verify-gone');
    const server = await installed(order);
    await panel.client().deleteServer(server.id);
    await expect(runActivity(activities.verify, { order, server })).rejects.toMatchObject({ type: 'ServerGone' });
  });
});
