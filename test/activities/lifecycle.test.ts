import { createActivities } from '../../src/activities';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { placeForeignServer } from './foreign-servers';
import {
  activitiesWithPanel,
  activityDeps,
  callCount,
  type PanelHarness,
  placeOwnServer,
  usePanel,
} from './panel-harness';

// Suspend, unsuspend and reinstall on the panel, one activity call at a time (the operation workflows run them).

describe('lifecycle activities: suspend, unsuspend, reinstall', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;

  usePanel((started) => (panel = started));
  beforeEach(() => {
    activities = createActivities(activityDeps(panel));
  });

  const placeOwn = (orderId: string, runScripts = false) => placeOwnServer(panel, orderId, runScripts);
  const onPanel = async (id: number) => (await panel.state()).servers.find((s) => s.id === id);
  const calls = async (route: string) => callCount(await panel.state(), route);
  const statusOf = async (id: number): Promise<string | null> => (await panel.client().getServer(id)).status;
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
  };
  /** Activities whose panel answers every read of a server with `status`. */
  const activitiesSeeing = (status: string): ProvisioningActivities => {
    const real = panel.client();
    return activitiesWithPanel(panel, { getServer: async (id: number) => ({ ...(await real.getServer(id)), status }) });
  };

  it('suspends a running server once: a repeat sends nothing', async () => {
    const ref = await placeOwn('suspend-once');
    expect(await activities.suspendServer(ref)).toEqual({ changed: true });
    expect((await onPanel(ref.serverId))?.suspended).toBe(true);
    expect(await activities.suspendServer(ref)).toEqual({ changed: false });
    expect(await calls('POST /servers/{id}/suspend')).toBe(1);
  });

  it('unsuspends a suspended server once, and sends nothing for one that is not suspended', async () => {
    const ref = await placeOwn('unsuspend-once');
    expect(await activities.unsuspendServer(ref)).toEqual({ changed: false });
    await panel.client().suspend(ref.serverId);
    expect(await activities.unsuspendServer(ref)).toEqual({ changed: true });
    expect((await onPanel(ref.serverId))?.suspended).toBe(false);
    expect(await calls('POST /servers/{id}/unsuspend')).toBe(1);
  });

  it('fails ServerGone, permanently, for a server gone from the panel', async () => {
    const ref = await placeOwn('suspend-gone');
    await panel.client().deleteServer(ref.serverId, { force: true });
    await expect(activities.suspendServer(ref)).rejects.toMatchObject({ type: 'ServerGone', nonRetryable: true });
    await expect(activities.reinstallServer(ref)).rejects.toMatchObject({ type: 'ServerGone', nonRetryable: true });
  });

  it('refuses ForeignServer and touches nothing when the server no longer carries the order marker', async () => {
    const foreignId = await placeForeignServer(panel, 'their-server');
    const ref = { orderId: 'not-theirs', serverId: foreignId, externalId: ownExternalId('not-theirs') };
    await expect(activities.suspendServer(ref)).rejects.toMatchObject({ type: 'ForeignServer', nonRetryable: true });
    await expect(activities.reinstallServer(ref)).rejects.toMatchObject({ type: 'ForeignServer', nonRetryable: true });
    expect((await onPanel(foreignId))?.suspended).toBe(false);
    expect(await calls('POST /servers/{id}/suspend')).toBe(0);
    expect(await calls('POST /servers/{id}/reinstall')).toBe(0);
  });

  it('acts on an input from before the marker (no externalId) without the ownership check', async () => {
    const { orderId, serverId } = await placeOwn('suspend-legacy');
    expect(await activities.suspendServer({ orderId, serverId })).toEqual({ changed: true });
  });

  it('starts a reinstall of an installed server', async () => {
    await panel.faults({ installMs: 10 });
    const ref = await placeOwn('reinstall-start', true);
    await until(async () => (await statusOf(ref.serverId)) === null);
    await panel.faults({ installMs: 60_000 });
    expect(await activities.reinstallServer(ref)).toEqual({ changed: true });
    expect(await statusOf(ref.serverId)).toBe('installing');
    expect(await calls('POST /servers/{id}/reinstall')).toBe(1);
  });

  it('sends no second reinstall while one is running', async () => {
    await panel.faults({ installMs: 60_000 });
    const ref = await placeOwn('reinstall-running', true);
    expect(await statusOf(ref.serverId)).toBe('installing');
    expect(await activities.reinstallServer(ref)).toEqual({ changed: false });
    expect(await calls('POST /servers/{id}/reinstall')).toBe(0);
  });

  it('reinstalls a server whose installation failed', async () => {
    await panel.faults({ installMs: 10, installFailRate: 1 });
    const ref = await placeOwn('reinstall-failed', true);
    await until(async () => (await statusOf(ref.serverId)) === 'install_failed');
    expect(await activities.reinstallServer(ref)).toEqual({ changed: true });
    expect(await calls('POST /servers/{id}/reinstall')).toBe(1);
  });

  it('reinstalls a server whose last reinstall failed', async () => {
    const ref = await placeOwn('reinstall-reinstall-failed');
    expect(await activitiesSeeing('reinstall_failed').reinstallServer(ref)).toEqual({ changed: true });
    expect(await calls('POST /servers/{id}/reinstall')).toBe(1);
  });

  it('refuses ServerStateUnexpected for a suspended server, and sends nothing', async () => {
    const ref = await placeOwn('reinstall-suspended');
    await panel.client().suspend(ref.serverId);
    await expect(activities.reinstallServer(ref)).rejects.toMatchObject({
      type: 'ServerStateUnexpected',
      nonRetryable: true,
      message: expect.stringContaining('unsuspend it before reinstalling'),
    });
    expect(await calls('POST /servers/{id}/reinstall')).toBe(0);
  });

  it('refuses ServerStateUnexpected for a server busy otherwise (restoring a backup), and sends nothing', async () => {
    const ref = await placeOwn('reinstall-restoring');
    await expect(activitiesSeeing('restoring_backup').reinstallServer(ref)).rejects.toMatchObject({
      type: 'ServerStateUnexpected',
      nonRetryable: true,
      message: expect.stringContaining('is restoring_backup'),
    });
    expect(await calls('POST /servers/{id}/reinstall')).toBe(0);
  });
});
