import { createActivities } from '../../src/activities';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import { ownExternalId, type ServerClaim } from '../../src/workflows/own-server';
import { placeForeignServer, touchable, touchableAll } from './foreign-servers';
import { activityDeps, type PanelHarness, paperOrder, runActivity, serversOf, usePanel } from './panel-harness';

describe("rollbacks and operations touch only the order's own server", () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  /** Creates the order's server with its marker, as a workflow started with it does; returns the server id. */
  const created = async (orderId: string): Promise<number> => {
    const order = paperOrder(orderId);
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    return (await activities.create({ order, slot, externalId: ownExternalId(orderId) })).server.id;
  };
  const claim = (orderId: string, externalId = ownExternalId(orderId)): ServerClaim => ({
    externalId,
    userId: 2,
    name: paperOrder(orderId).name,
  });

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
  });

  it("spares a foreign server under the order's marker or bare orderId when no server was recorded", async () => {
    const foreign = [await placeForeignServer(panel, ownExternalId('2001')), await placeForeignServer(panel, '2002')];
    const before = touchableAll(await panel.state(), foreign);
    await expect(
      runActivity(activities.deleteServer, { orderId: '2001', claim: claim('2001'), createSent: true }),
    ).resolves.toEqual({ outcome: 'already_gone', serverId: null, sparedServerId: foreign[0] });
    await expect(
      runActivity(activities.deleteServer, { orderId: '2002', claim: claim('2002', '2002') }),
    ).resolves.toEqual({ outcome: 'already_gone', serverId: null, sparedServerId: foreign[1] });
    expect(touchableAll(await panel.state(), foreign)).toEqual(before);
  });

  it('deletes the recorded server only, leaving a foreign one under the bare orderId', async () => {
    const ours = await created('2003');
    const foreign = await placeForeignServer(panel, '2003', { user: 2 });
    const before = touchable(await panel.state(), foreign);
    await expect(
      runActivity(activities.deleteServer, { orderId: '2003', serverId: ours, claim: claim('2003') }),
    ).resolves.toEqual({ outcome: 'deleted', serverId: ours });
    const state = await panel.state();
    expect(serversOf(state, '2003')).toEqual([]);
    expect(touchable(state, foreign)).toEqual(before);
  });

  it("refuses (ForeignServer) to delete a recorded server that no longer carries the order's external_id", async () => {
    const ours = await created('2004');
    await panel.client().updateDetails(ours, { name: 'taken over', user: 3, external_id: 'their-2004' });
    await expect(
      runActivity(activities.deleteServer, { orderId: '2004', serverId: ours, claim: claim('2004') }),
    ).rejects.toMatchObject({ type: 'ForeignServer', nonRetryable: true });
    expect(touchable(await panel.state(), ours)).toMatchObject({ external_id: 'their-2004', user: 3 });
  });

  it('deletes nothing for a rollback input without a claim (scheduled by an earlier version)', async () => {
    const foreign = await placeForeignServer(panel, '2005');
    await expect(runActivity(activities.deleteServer, { orderId: '2005' })).rejects.toMatchObject({
      type: 'ForeignServer',
      nonRetryable: true,
    });
    expect(touchable(await panel.state(), foreign)).toBeDefined();
  });

  it("refuses (ForeignServer) to suspend, reinstall or resize a server that no longer carries the order's external_id", async () => {
    const ours = await created('2006');
    await panel.client().updateDetails(ours, { name: 'taken over', user: 3, external_id: 'their-2006' });
    const before = touchable(await panel.state(), ours);
    const ref = { orderId: '2006', serverId: ours, externalId: ownExternalId('2006') };
    const refused = { type: 'ForeignServer', nonRetryable: true };
    await expect(runActivity(activities.suspendServer, ref)).rejects.toMatchObject(refused);
    await expect(runActivity(activities.reinstallServer, ref)).rejects.toMatchObject(refused);
    const limits = { memory: 4096, swap: 0, disk: 20_480, io: 500, cpu: 300 };
    await expect(runActivity(activities.applyBuild, { ...ref, limits })).rejects.toMatchObject(refused);
    expect(touchable(await panel.state(), ours)).toEqual(before);
  });
});
