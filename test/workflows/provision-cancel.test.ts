import { OrderStatusAttribute, cancelOrderSignal, orderWorkflowId } from '../../src/workflows/contract';
import { paperOrder } from '../activities/panel-harness';
import { activities, activityTypes, closeEvent } from './history';
import { runOrder, startWorkflowHarness, statuses, waitForStatus, type WorkflowHarness } from './harness';

describe('provisionServer: cancellation', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });
  beforeEach(async () => {
    await h.panel.reset();
    await h.panel.faults({ installMs: 60_000 });
  });

  it('rolls back and ends CANCELLED when the cancel signal arrives mid-install', async () => {
    const { state, history, sim, reservations, handle } = await runOrder(h, paperOrder('cancel-signal'), {
      during: async (handle) => {
        await waitForStatus(handle, 'INSTALLING');
        await handle.signal(cancelOrderSignal, { reason: 'customer changed their mind' });
      },
      record: 'cancelled-by-signal',
    });
    expect(state).toMatchObject({
      status: 'CANCELLED',
      compensationErrors: [],
      error: { step: 'cancel', type: 'Cancelled', message: 'customer changed their mind' },
    });
    expect(statuses(state)).toEqual(['QUEUED', 'ALLOCATING', 'CREATING', 'INSTALLING', 'COMPENSATING', 'CANCELLED']);
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'install', 'deleteServer', 'releaseAllocation']);
    expect(activities(history).find((a) => a.type === 'install')).toMatchObject({
      cancelRequested: true,
      outcome: 'canceled',
    });
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('CANCELLED');
  });

  it('rolls back the same way on a Temporal cancellation mid-install', async () => {
    const { state, history, sim, reservations } = await runOrder(h, paperOrder('cancel-request'), {
      during: async (handle) => {
        await waitForStatus(handle, 'INSTALLING');
        await handle.cancel();
      },
      record: 'cancelled-by-temporal',
    });
    expect(state).toMatchObject({
      status: 'CANCELLED',
      error: { step: 'cancel', type: 'Cancelled', message: 'workflow cancellation requested' },
    });
    expect(activityTypes(history)).toEqual(['allocate', 'create', 'install', 'deleteServer', 'releaseAllocation']);
    expect(activities(history).find((a) => a.type === 'deleteServer')).toMatchObject({ outcome: 'completed' });
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    expect(sim.servers).toEqual([]);
    expect(reservations).toEqual([]);
  });

  it('ignores a second cancel signal while rolling back', async () => {
    const { state } = await runOrder(h, paperOrder('cancel-twice'), {
      during: async (handle) => {
        await waitForStatus(handle, 'INSTALLING');
        await handle.signal(cancelOrderSignal, { reason: 'first' });
        await handle.signal(cancelOrderSignal, { reason: 'second' });
      },
    });
    expect(state).toMatchObject({ status: 'CANCELLED', error: { message: 'first' } });
    expect(state.timeline.filter((t) => t.detail.startsWith('cancellation requested'))).toHaveLength(1);
  });
});

// The Java test server loses the completion of an activity whose cancellation was requested while it ran, so the
// order would wait for it forever: this one runs on the dev server. The panel answers the create after 350 ms (within
// the client's 500 ms timeout), while a rollback that did not wait would look for the server at once.
describe('provisionServer: cancellation while the create request is in flight (dev server)', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness({ engine: 'dev-server' });
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it.each([
    [
      'waits for a create in flight before rolling back, so a cancel mid-create leaves no server',
      'cancel-mid-create',
      350,
    ],
    [
      'deletes the server a create with a lost answer finishes after a cancel, leaving no orphan',
      'cancel-lost-create',
      800,
    ],
  ])('%s', async (_name, orderId, createDelayMs) => {
    // 350 ms: the panel answers within the client's 500 ms timeout; 800 ms: the answer is lost, the server appears later.
    await h.panel.faults({ installMs: 60_000, createDelayMs });
    const order = paperOrder(orderId);
    const { state, history, reservations } = await runOrder(h, order, {
      hooks: {
        create: async () => {
          const handle = h.env.client.workflow.getHandle(orderWorkflowId(order.orderId));
          await handle.signal(cancelOrderSignal, { reason: 'changed my mind' });
        },
      },
      during: async (handle) => {
        await waitForStatus(handle, 'CANCELLED', 20_000);
      },
    });
    expect(state).toMatchObject({ status: 'CANCELLED', compensationErrors: [], error: { step: 'cancel' } });
    expect(activities(history).find((a) => a.type === 'create')).toMatchObject({ cancelRequested: true });
    expect(activities(history).find((a) => a.type === 'deleteServer')).toMatchObject({ outcome: 'completed' });
    expect(reservations).toEqual([]);
    await new Promise((r) => setTimeout(r, createDelayMs + 500));
    expect((await h.panel.state()).servers).toEqual([]);
  });
});
