import { CancelledFailure } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import type { InstallProgress } from '../../src/activities/install';
import { ProcessFlow } from '../../src/flow/process-flow';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import {
  activityDeps,
  callCount,
  mockActivityEnv,
  type PanelHarness,
  paperOrder,
  rejectionOf,
  runActivity,
  silentLogger,
  usePanel,
} from './panel-harness';

describe('install activity', () => {
  let panel: PanelHarness;
  let activities: ProvisioningActivities;
  const REINSTALL = 'POST /servers/{id}/reinstall';

  const provision = async (orderId: string): Promise<number> => {
    const order = paperOrder(orderId);
    const slot = await activities.allocate({ order, excludeAllocationIds: [] });
    return (await activities.create({ order, slot })).server.id;
  };
  const statusOf = async (serverId: number) => (await panel.state()).servers.find((s) => s.id === serverId)?.status;
  const settled = async (serverId: number): Promise<void> => {
    while ((await statusOf(serverId)) === 'installing') await new Promise((r) => setTimeout(r, 20));
  };

  usePanel((started) => (panel = started));
  beforeEach(async () => {
    activities = createActivities(activityDeps(panel));
  });

  it('returns once the server is installed, heartbeating while it waits', async () => {
    await panel.faults({ installMs: 300 });
    const serverId = await provision('install-ok');
    const env = mockActivityEnv();
    const beats: InstallProgress[] = [];
    env.on('heartbeat', (d: InstallProgress) => beats.push(d));
    const result = await runActivity(activities.install, { orderId: 'install-ok', serverId, deadlineMs: 60_000 }, env);
    expect(result).toMatchObject({ reinstalled: false });
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.at(-1)).toMatchObject({ reinstalled: false, lastStatus: 'installing' });
    expect(await statusOf(serverId)).toBeNull();
  });

  it('reinstalls once after install_failed and succeeds when the reinstall does', async () => {
    await panel.faults({ installFailRate: 1 });
    const serverId = await provision('install-retry');
    await settled(serverId);
    expect(await statusOf(serverId)).toBe('install_failed');
    await panel.faults({});
    const result = await runActivity(activities.install, { orderId: 'install-retry', serverId, deadlineMs: 60_000 });
    expect(result.reinstalled).toBe(true);
    const state = await panel.state();
    expect(callCount(state, REINSTALL)).toBe(1);
    expect(state.servers.find((s) => s.id === serverId)?.status).toBeNull();
  });

  it('fails with InstallFailed when the reinstall fails too', async () => {
    await panel.faults({ installFailRate: 1 });
    const serverId = await provision('install-broken');
    await expect(
      runActivity(activities.install, { orderId: 'install-broken', serverId, deadlineMs: 60_000 }),
    ).rejects.toMatchObject({ type: 'InstallFailed', nonRetryable: true });
    expect(callCount(await panel.state(), REINSTALL)).toBe(1);
  });

  it('does not reinstall a second time when a retry resumes from heartbeat details', async () => {
    await panel.faults({ installFailRate: 1 });
    const serverId = await provision('install-resumed');
    await settled(serverId);
    const heartbeatDetails: InstallProgress = { since: Date.now(), reinstalled: true, lastStatus: 'installing' };
    await expect(
      runActivity(
        activities.install,
        { orderId: 'install-resumed', serverId, deadlineMs: 60_000 },
        mockActivityEnv({ heartbeatDetails, attempt: 2 }),
      ),
    ).rejects.toMatchObject({ type: 'InstallFailed' });
    expect(callCount(await panel.state(), REINSTALL)).toBe(0);
  });

  it("fails with InstallDeadlineExceeded once the order's deadline, counted from the first attempt, has passed", async () => {
    await panel.faults({ installMs: 60_000 });
    const serverId = await provision('install-slow');
    const heartbeatDetails: InstallProgress = {
      since: Date.now() - 10_000,
      reinstalled: false,
      lastStatus: 'installing',
    };
    await expect(
      runActivity(
        activities.install,
        { orderId: 'install-slow', serverId, deadlineMs: 5_000 },
        mockActivityEnv({ heartbeatDetails, attempt: 3 }),
      ),
    ).rejects.toMatchObject({ type: 'InstallDeadlineExceeded', nonRetryable: true });
  });

  it('stops with a cancellation when the activity is cancelled mid-wait', async () => {
    await panel.faults({ installMs: 60_000 });
    const serverId = await provision('install-cancel');
    const env = mockActivityEnv();
    env.once('heartbeat', () => env.cancel());
    await expect(
      runActivity(activities.install, { orderId: 'install-cancel', serverId, deadlineMs: 600_000 }, env),
    ).rejects.toBeInstanceOf(CancelledFailure);
  });

  it('hands the wait back at once with a retryable WorkerShuttingDown when its worker stops, keeping the progress', async () => {
    await panel.faults({ installMs: 60_000 });
    const flow = new ProcessFlow({ provider: panel.client(), installPollMs: 25, logger: silentLogger });
    const stoppable = createActivities(activityDeps(panel, { flow }));
    const serverId = await provision('install-drain');
    const env = mockActivityEnv({ heartbeatDetails: { since: 1_000, reinstalled: true, lastStatus: 'installing' } });
    const beats: InstallProgress[] = [];
    env.on('heartbeat', (d: InstallProgress) => {
      beats.push(d);
      flow.beginShutdown();
    });
    const startedAt = Date.now();
    const err = await rejectionOf(
      runActivity(stoppable.install, { orderId: 'install-drain', serverId, deadlineMs: 600_000_000_000 }, env),
    );
    expect(err).toMatchObject({ type: 'WorkerShuttingDown', nonRetryable: false });
    expect(err.message).toBe(`the worker is stopping; the wait for server ${serverId} resumes on the next attempt`);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(beats.at(-1)).toMatchObject({ since: 1_000, reinstalled: true });
    flow.stop();
  });

  it("fails with ServerGone when the server was deleted behind the order's back", async () => {
    const serverId = await provision('install-gone');
    await panel.client().deleteServer(serverId, { force: true });
    await expect(
      runActivity(activities.install, { orderId: 'install-gone', serverId, deadlineMs: 60_000 }),
    ).rejects.toMatchObject({ type: 'ServerGone', nonRetryable: true });
  });
});
