import { cancelOperationSignal, serverOperationWorkflowId } from '../../src/workflows/server-operation-contract';
import { callCount, serversOf } from '../activities/panel-harness';
import { activityTypes, recordHistory } from './history';
import { useLifecycleHarness, type LifecycleHarness } from './lifecycle-harness';

const BIGGER = { memory: 4096, swap: 512, disk: 20_480, io: 600, cpu: 300 };

// On the real server: a cancellation that reaches the workflow just after the activity it cancels completed is
// recorded there and settles normally, while the time-skipping test server refuses the command (ACTIVITY_UNKNOWN).
describe('serverOperation: cancellation', () => {
  let l: LifecycleHarness;
  useLifecycleHarness(
    (harness) => {
      l = harness;
    },
    { engine: 'dev-server' },
  );

  const cancel = (orderId: string, reason?: string) =>
    l.h.env.client.workflow
      .getHandle(serverOperationWorkflowId(orderId))
      .signal(cancelOperationSignal, reason ? { reason } : {});

  it('a resize cancelled after its PATCH restores the previous build and ends CANCELLED with the reason', async () => {
    const serverId = (await l.provision('op-cancel-resize')).server!.id;
    const before = serversOf(await l.sim(), 'op-cancel-resize')[0]?.limits;
    l.hooks.verifyBuild = async ({ attempt }) => {
      if (attempt === 1) await cancel('op-cancel-resize', 'wrong plan picked');
    };
    const { state, history } = await l.operate({
      orderId: 'op-cancel-resize',
      serverId,
      operation: 'resize',
      build: BIGGER,
    });
    recordHistory('operation-resize-cancelled', history);
    expect(state).toMatchObject({
      status: 'CANCELLED',
      rolledBack: true,
      compensationErrors: [],
      error: { step: 'verify', type: 'Cancelled', message: 'wrong plan picked' },
    });
    expect(state.timeline.map((t) => t.detail)).toContain('cancellation requested: wrong plan picked');
    expect(activityTypes(history)).toEqual(['readBuild', 'applyBuild', 'verifyBuild', 'applyBuild']);
    const sim = await l.sim();
    expect(serversOf(sim, 'op-cancel-resize')[0]?.limits).toEqual(before);
    expect(callCount(sim, 'PATCH /servers/{id}/build')).toBe(2);
  });

  it('a reinstall cancelled while it waits for the installation stops waiting and ends CANCELLED', async () => {
    const serverId = (await l.provision('op-cancel-reinstall')).server!.id;
    await l.h.panel.faults({ installMs: 10 * 60_000 });
    const handle = await l.start({ orderId: 'op-cancel-reinstall', serverId, operation: 'reinstall' });
    for (
      let i = 0;
      i < 200 && ((await handle.query('operationState')) as { step: string | null }).step !== 'install';
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await cancel('op-cancel-reinstall');
    const state = await handle.result();
    expect(state).toMatchObject({
      status: 'CANCELLED',
      error: { step: 'install', type: 'Cancelled', message: 'cancelled by an operator' },
    });
    expect(callCount(await l.sim(), 'POST /servers/{id}/reinstall')).toBe(1);
  });

  it('ignores a cancellation that arrives after the operation finished its work', async () => {
    const serverId = (await l.provision('op-cancel-late')).server!.id;
    const { state } = await l.operate({ orderId: 'op-cancel-late', serverId, operation: 'suspend' });
    expect(state.status).toBe('COMPLETED');
    await expect(cancel('op-cancel-late')).rejects.toThrow();
    expect(serversOf(await l.sim(), 'op-cancel-late')[0]).toMatchObject({ suspended: true });
  });
});
