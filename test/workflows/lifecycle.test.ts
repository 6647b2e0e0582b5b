import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { providerTaskQueue } from '../../src/workflows/flow-contract';
import { callCount, serversOf } from '../activities/panel-harness';
import { activities, activityTypes } from './history';
import { useLifecycleHarness, type LifecycleHarness } from './lifecycle-harness';

const scheduledOn = (history: Awaited<ReturnType<LifecycleHarness['operate']>>['history'], type: string) =>
  (history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type)
    ?.activityTaskScheduledEventAttributes?.taskQueue?.name;

describe('serverOperation: suspend, unsuspend, reinstall', () => {
  let l: LifecycleHarness;
  useLifecycleHarness((harness) => {
    l = harness;
  });

  it('suspends through the provider task queue, and a second suspend succeeds without another request', async () => {
    const order = await l.provision('op-suspend');
    const serverId = order.server!.id;
    const first = await l.operate({ orderId: 'op-suspend', serverId, operation: 'suspend' });
    expect(first.state).toMatchObject({
      status: 'COMPLETED',
      operation: 'suspend',
      serverId,
      changed: true,
      error: null,
    });
    expect(scheduledOn(first.history, 'suspendServer')).toBe(providerTaskQueue(l.taskQueue));
    expect(serversOf(await l.sim(), 'op-suspend')).toEqual([expect.objectContaining({ suspended: true })]);

    const again = await l.operate({ orderId: 'op-suspend', serverId, operation: 'suspend' });
    expect(again.state).toMatchObject({ status: 'COMPLETED', changed: false });
    expect(again.state.operationId).not.toBe(first.state.operationId);
    const sim = await l.sim();
    expect(callCount(sim, 'POST /servers/{id}/suspend')).toBe(1);
    expect(serversOf(sim, 'op-suspend')).toEqual([expect.objectContaining({ suspended: true })]);
  });

  it('unsuspends a suspended server once, and an unsuspend of a running server changes nothing', async () => {
    const serverId = (await l.provision('op-unsuspend')).server!.id;
    await l.operate({ orderId: 'op-unsuspend', serverId, operation: 'suspend' });
    const first = await l.operate({ orderId: 'op-unsuspend', serverId, operation: 'unsuspend' });
    const again = await l.operate({ orderId: 'op-unsuspend', serverId, operation: 'unsuspend' });
    expect([first.state.changed, again.state.changed]).toEqual([true, false]);
    expect(again.state.status).toBe('COMPLETED');
    const sim = await l.sim();
    expect(callCount(sim, 'POST /servers/{id}/unsuspend')).toBe(1);
    expect(serversOf(sim, 'op-unsuspend')).toEqual([expect.objectContaining({ suspended: false, status: null })]);
  });

  it('reinstalls and waits for the installation; a second reinstall does the same, one reinstall each', async () => {
    const serverId = (await l.provision('op-reinstall')).server!.id;
    const first = await l.operate({ orderId: 'op-reinstall', serverId, operation: 'reinstall' });
    expect(first.state).toMatchObject({ status: 'COMPLETED', error: null });
    expect(activityTypes(first.history)).toEqual(['reinstallServer', 'install']);
    expect(callCount(await l.sim(), 'POST /servers/{id}/reinstall')).toBe(1);
    const again = await l.operate({ orderId: 'op-reinstall', serverId, operation: 'reinstall' });
    expect(again.state.status).toBe('COMPLETED');
    const sim = await l.sim();
    expect(callCount(sim, 'POST /servers/{id}/reinstall')).toBe(2);
    expect(serversOf(sim, 'op-reinstall')).toEqual([expect.objectContaining({ status: null, suspended: false })]);
  });

  it('does not send a second reinstall when one is already running, and still waits for it', async () => {
    const serverId = (await l.provision('op-reinstall-running')).server!.id;
    l.hooks.reinstallServer = async ({ attempt }) => {
      if (attempt === 1) await l.h.panel.client().reinstall(serverId);
    };
    const { state } = await l.operate({ orderId: 'op-reinstall-running', serverId, operation: 'reinstall' });
    expect(state.status).toBe('COMPLETED');
    expect(state.timeline.some((t) => t.detail === 'a reinstall was already running')).toBe(true);
    const sim = await l.sim();
    expect(callCount(sim, 'POST /servers/{id}/reinstall')).toBe(1);
    expect(serversOf(sim, 'op-reinstall-running')).toEqual([expect.objectContaining({ status: null })]);
  });

  it('retries a suspend after a daemon error and suspends once', async () => {
    const serverId = (await l.provision('op-suspend-retry')).server!.id;
    l.hooks.suspendServer = async ({ attempt }) => {
      if (attempt > 1) return;
      await l.h.panel.faults({ errorRate: 1 });
      return () => l.h.panel.faults({});
    };
    const { state, history } = await l.operate({ orderId: 'op-suspend-retry', serverId, operation: 'suspend' });
    expect(state).toMatchObject({ status: 'COMPLETED', changed: true });
    expect(activities(history).find((a) => a.type === 'suspendServer')).toMatchObject({
      attempt: 2,
      outcome: 'completed',
    });
    expect(l.failures).toEqual([
      expect.objectContaining({ activity: 'suspendServer', attempt: 1, type: 'PanelUnavailable' }),
    ]);
    expect(serversOf(await l.sim(), 'op-suspend-retry')).toEqual([expect.objectContaining({ suspended: true })]);
  });

  it('ends FAILED with ServerGone when the server no longer exists', async () => {
    const serverId = (await l.provision('op-gone')).server!.id;
    await l.h.panel.client().deleteServer(serverId);
    const { state } = await l.operate({ orderId: 'op-gone', serverId, operation: 'suspend' });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'suspend', type: 'ServerGone' },
      compensationErrors: [],
    });
  });

  it('refuses a second operation on the same server while one runs, and accepts one once it finished', async () => {
    const serverId = (await l.provision('op-busy')).server!.id;
    await l.h.panel.faults({ installMs: 1500 });
    const running = await l.start({ orderId: 'op-busy', serverId, operation: 'reinstall' });
    await expect(l.start({ orderId: 'op-busy', serverId, operation: 'suspend' })).rejects.toBeInstanceOf(
      WorkflowExecutionAlreadyStartedError,
    );
    expect((await running.result()).status).toBe('COMPLETED');
    const { state } = await l.operate({ orderId: 'op-busy', serverId, operation: 'suspend' });
    expect(state).toMatchObject({ status: 'COMPLETED', changed: true });
    expect(callCount(await l.sim(), 'POST /servers/{id}/suspend')).toBe(1);
  });
});
