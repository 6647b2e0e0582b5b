import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { CreateInput, DeleteServerInput, VerifyInput } from '../../src/workflows/activity-contract';
import { OrderStatusAttribute, operatorActionUpdate, orderStateQuery } from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY, NO_CAPACITY_ERROR } from '../../src/workflows/flow-contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { callCount, directServer, paperOrder, serversOf, serversWithExternalId } from '../activities/panel-harness';
import { activities, activityTypes, closeEvent } from './history';
import { runOrder, statuses, useWorkflowHarness, type WorkflowHarness } from './harness';

// The official test server has stalled the stuck-rollback run once in a loaded CI run (never reproduced alone):
// one retry, on a fresh order id, with the first failure printed.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/** The input the rollback gave deleteServer, read from the history. */
function deleteServerInput(history: temporal.api.history.v1.IHistory): DeleteServerInput {
  const scheduled = (history.events ?? []).find(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deleteServer',
  )?.activityTaskScheduledEventAttributes;
  return defaultPayloadConverter.fromPayload(scheduled!.input!.payloads![0]);
}

describe('provisionServer: permanent failures roll back', () => {
  let h: WorkflowHarness;
  let stuckRuns = 0;
  useWorkflowHarness((started) => (h = started));

  it("waits for capacity, then ends FAILED with NO_CAPACITY once its tier's deadline passed, releasing the (empty) reservation", async () => {
    const { state, history, sim, reservations, handle } = await runOrder(
      h,
      paperOrder('no-capacity', { locationIds: [2] }),
      { record: 'failed-allocate' },
    );
    expect(state).toMatchObject({
      status: 'FAILED',
      step: 'allocate',
      error: { step: 'allocate', type: NO_CAPACITY_ERROR },
      compensationErrors: [],
    });
    expect(statuses(state)).toEqual(['QUEUED', 'WAITING_FOR_CAPACITY', 'COMPENSATING', 'FAILED']);
    const types = activityTypes(history);
    expect(types[0]).toBe('allocate');
    expect(types.at(-1)).toBe('releaseAllocation');
    expect(types.slice(1, -1).every((t) => t === 'checkCapacity')).toBe(true);
    expect(types.length).toBeGreaterThan(10);
    const waitStarted = Date.parse(state.timeline.find((t) => t.status === 'WAITING_FOR_CAPACITY')?.at ?? '');
    const gaveUp = Date.parse(state.timeline.find((t) => t.status === 'COMPENSATING')?.at ?? '');
    expect(gaveUp - waitStarted).toBeGreaterThanOrEqual(DEFAULT_FLOW_POLICY.standard.capacityWaitMs - 5_000);
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('FAILED');
  });

  it("ends FAILED at create when the egg's rules refuse the environment, compensating in reverse", async () => {
    const order = paperOrder('bad-env', { eggId: 2, environment: { DIFFICULTY: 'impossible' } });
    const { state, history, sim, reservations } = await runOrder(h, order);
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'create', type: 'InvalidEnvironment' },
      compensationErrors: [],
    });
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'deleteServer', 'releaseAllocation']);
    expect(activities(history).find((a) => a.type === 'create')).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(deleteServerInput(history).createSent).toBeUndefined();
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it("ends FAILED at create when the panel refused the order's only request (422), rolling back without the settle wait", async () => {
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('bad-user', { userId: 77 }));
    expect(state).toMatchObject({ status: 'FAILED', error: { step: 'create', type: 'PanelValidation' } });
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'deleteServer', 'releaseAllocation']);
    expect(deleteServerInput(history)).toMatchObject({ orderId: state.orderId });
    expect(deleteServerInput(history).createSent).toBeUndefined();
    expect(callCount(sim, 'POST /servers')).toBe(1);
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it('ends FAILED at install after one reinstall when the install keeps failing, deleting the server', async () => {
    await h.panel.faults({ installFailRate: 1 });
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('install-failed'), {
      record: 'failed-install',
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'install', type: 'InstallFailed' },
      compensationErrors: [],
    });
    expect(statuses(state)).toEqual(['QUEUED', 'ALLOCATING', 'CREATING', 'INSTALLING', 'COMPENSATING', 'FAILED']);
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'install', 'deleteServer', 'releaseAllocation']);
    expect(deleteServerInput(history)).toMatchObject({ createSent: true, serverId: state.server?.id });
    expect(callCount(sim, 'POST /servers/{id}/reinstall')).toBe(1);
    expect(callCount(sim, 'DELETE /servers/{id}')).toBe(1);
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it('ends FAILED with ServerGone when the server vanished after installing, finding nothing left to delete', async () => {
    const { state, history, sim } = await runOrder(h, paperOrder('vanished'), {
      hooks: {
        configure: async ({ input }: { input: { serverId: number } }) => {
          await h.panel.client().deleteServer(input.serverId, { force: true });
        },
      },
    });
    // configure compares with the server the install step last saw (no request when nothing differs): verify finds it gone.
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'verify', type: 'ServerGone' },
      compensationErrors: [],
    });
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'install',
      'configure',
      'verify',
      'deleteServer',
      'releaseAllocation',
    ]);
    expect(sim.servers).toEqual([]);
  });

  it('ends FAILED at verify when the server was suspended, deleting it', async () => {
    const { state, sim, history } = await runOrder(h, paperOrder('suspended'), {
      hooks: {
        verify: async ({ input }: { input: VerifyInput }) => {
          await h.panel.client().suspend(input.server.id);
        },
      },
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'verify', type: 'VerificationFailed' },
      compensationErrors: [],
    });
    expect(state.error?.message).toMatch(/suspended/);
    expect(activityTypes(history).slice(-2)).toEqual(['deleteServer', 'releaseAllocation']);
    expect(sim.servers).toEqual([]);
  });

  it('parks a rollback that cannot finish; resolved by an operator: FAILED with compensationErrors and the server left on the panel', async () => {
    await h.panel.faults({ installFailRate: 1 });
    const orderId = stuckRuns++ ? `stuck-rollback-${stuckRuns}` : 'stuck-rollback';
    const { state, history, sim, reservations } = await runOrder(h, paperOrder(orderId), {
      hooks: {
        deleteServer: async () => {
          await h.panel.faults({ outage: true });
        },
      },
      during: async (handle) => {
        const parked = async () => (await handle.query(orderStateQuery)).status === 'NEEDS_ATTENTION';
        for (let minutes = 0; minutes < 60 && !(await parked()); minutes++) await h.env.sleep('1 minute');
        expect((await handle.query(orderStateQuery)).status).toBe('NEEDS_ATTENTION');
        await handle.executeUpdate(operatorActionUpdate, {
          args: [{ action: 'mark-resolved', note: 'left for a manual clean-up' }],
        });
      },
      record: 'parked-compensation',
    });
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'install', type: 'RESOLVED_BY_OPERATOR' },
      parked: { reason: 'COMPENSATION_FAILED' },
    });
    expect(state.compensationErrors).toEqual([
      {
        step: 'compensate',
        compensation: 'deleteServer',
        type: 'PanelUnavailable',
        message: expect.stringContaining('502'),
      },
    ]);
    expect(activities(history).find((a) => a.type === 'deleteServer')).toMatchObject({
      outcome: 'failed',
      attempt: 12,
    });
    expect(activities(history).find((a) => a.type === 'releaseAllocation')).toMatchObject({ outcome: 'completed' });
    expect(state.timeline.at(-1)?.detail).toMatch(/resolved by an operator/);
    expect(sim.servers.map((s) => s.external_id)).toEqual([ownExternalId(orderId)]);
    expect(reservations).toEqual([]);
  });

  it('re-plans on another allocation when a concurrent order took the chosen one', async () => {
    let taken = 0;
    const { state, history, sim } = await runOrder(h, paperOrder('collision'), {
      hooks: {
        create: async ({ attempt, input }: { attempt: number; input: CreateInput }) => {
          if (taken || attempt > 1) return;
          taken = input.slot.allocationId;
          await h.panel.client().createServer(directServer('concurrent-order', taken));
        },
      },
      record: 'allocation-taken',
    });
    expect(state.status).toBe('ACTIVE');
    expect(state.server?.allocation.id).not.toBe(taken);
    expect(activityTypes(history)).toEqual([
      'allocate',
      'create',
      'allocate',
      'create',
      'install',
      'configure',
      'verify',
      'startServerEntity',
    ]);
    expect(state.timeline.some((t) => t.detail === `allocation ${taken} was taken concurrently`)).toBe(true);
    expect(serversOf(sim, 'collision')).toHaveLength(1);
    expect(serversWithExternalId(sim, 'concurrent-order')).toEqual([expect.objectContaining({ allocation: taken })]);
  });
});
