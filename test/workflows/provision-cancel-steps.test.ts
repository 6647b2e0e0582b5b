import type { WorkflowHandle } from '@temporalio/client';
import type { CreateInput } from '../../src/workflows/activity-contract';
import {
  cancelOrderSignal,
  orderStateQuery,
  orderWorkflowId,
  type OrderState,
  type OrderStatus,
} from '../../src/workflows/contract';
import { naiveMarker, placeForeignServer, touchableAll } from '../activities/foreign-servers';
import { directServer, paperOrder, serversOf } from '../activities/panel-harness';
import { activityTypes, closeEvent } from './history';
import { startFlowRig } from './flow-harness';
import { runOrder, statuses, useWorkflowHarness, type WorkflowHarness } from './harness';

jest.setTimeout(90_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A cancel at each status an order passes through. These run on the dev server: the Java test server loses the
// completion of an activity whose cancellation was requested while it ran, which several of these do on purpose.
describe('provisionServer: a cancel at every step rolls back everything (dev server)', () => {
  let h: WorkflowHarness;
  useWorkflowHarness((started) => (h = started), { engine: 'dev-server' });

  const handleOf = (orderId: string): WorkflowHandle => h.env.client.workflow.getHandle(orderWorkflowId(orderId));
  const cancel = (orderId: string, reason = 'changed my mind') =>
    handleOf(orderId).signal(cancelOrderSignal, { reason });

  async function expectNothingLeft(orderId: string, reservations: unknown[]): Promise<void> {
    expect(reservations).toEqual([]);
    const sim = await h.panel.state();
    expect(serversOf(sim, orderId)).toEqual([]);
  }

  function expectCancelledAt(state: OrderState, status: OrderStatus): void {
    expect(state).toMatchObject({
      status: 'CANCELLED',
      compensationErrors: [],
      error: { step: 'cancel', type: 'Cancelled' },
    });
    expect(state.timeline.find((t) => t.detail.startsWith('cancellation requested'))?.status).toBe(status);
  }

  it('ends CANCELLED without a server or a reservation when cancelled while QUEUED (allocate in flight)', async () => {
    const order = paperOrder('cancel-queued');
    const { state, history, reservations } = await runOrder(h, order, {
      hooks: {
        allocate: async () => {
          await cancel(order.orderId);
          await sleep(300);
        },
      },
    });
    expectCancelledAt(state, 'QUEUED');
    expect(statuses(state)).toEqual(['QUEUED', 'ALLOCATING', 'CREATING', 'COMPENSATING', 'CANCELLED']);
    expect(activityTypes(history)).not.toContain('create');
    expect(closeEvent(history)).toBe('workflowExecutionCompletedEventAttributes');
    await expectNothingLeft(order.orderId, reservations);
  });

  it('ends CANCELLED without a server or a reservation when cancelled while ALLOCATING again', async () => {
    const order = paperOrder('cancel-allocating');
    let allocations = 0;
    const { state, history, reservations } = await runOrder(h, order, {
      hooks: {
        create: async ({ attempt, input }: { attempt: number; input: CreateInput }) => {
          if (allocations > 1 || attempt > 1) return;
          await h.panel.client().createServer(directServer('concurrent-order', input.slot.allocationId));
        },
        allocate: async () => {
          if (++allocations < 2) return;
          await cancel(order.orderId);
          await sleep(300);
        },
      },
    });
    expectCancelledAt(state, 'ALLOCATING');
    expect(statuses(state)).toEqual([
      'QUEUED',
      'ALLOCATING',
      'CREATING',
      'ALLOCATING',
      'CREATING',
      'COMPENSATING',
      'CANCELLED',
    ]);
    expect(activityTypes(history).filter((t) => t === 'create')).toHaveLength(1);
    await expectNothingLeft(order.orderId, reservations);
    expect((await h.panel.state()).servers.map((s) => s.external_id)).toEqual(['concurrent-order']);
  });

  it('deletes the installed server when cancelled while CONFIGURING', async () => {
    const order = paperOrder('cancel-configuring');
    const { state, history, reservations } = await runOrder(h, order, {
      hooks: { configure: () => cancel(order.orderId) },
    });
    expectCancelledAt(state, 'CONFIGURING');
    expect(statuses(state).slice(-4)).toEqual(['CONFIGURING', 'VERIFYING', 'COMPENSATING', 'CANCELLED']);
    expect(activityTypes(history)).not.toContain('verify');
    expect(activityTypes(history).slice(-2)).toEqual(['deleteServer', 'releaseAllocation']);
    await expectNothingLeft(order.orderId, reservations);
  });

  it('deletes the configured server when cancelled while VERIFYING', async () => {
    const order = paperOrder('cancel-verifying');
    const { state, history, reservations } = await runOrder(h, order, {
      hooks: {
        verify: async () => {
          await cancel(order.orderId);
          await sleep(300);
        },
      },
    });
    expectCancelledAt(state, 'VERIFYING');
    expect(statuses(state).slice(-3)).toEqual(['VERIFYING', 'COMPENSATING', 'CANCELLED']);
    expect(activityTypes(history).slice(-2)).toEqual(['deleteServer', 'releaseAllocation']);
    await expectNothingLeft(order.orderId, reservations);
  });

  it('deletes only its own server when cancelled while INSTALLING, never the foreign ones holding its orderId', async () => {
    const order = paperOrder('cancel-foreign');
    const like = { user: order.userId, name: order.name };
    const foreign = [
      await placeForeignServer(h.panel, order.orderId, like),
      await placeForeignServer(h.panel, naiveMarker(order.orderId), like),
    ];
    const before = touchableAll(await h.panel.state(), foreign);
    const { state, reservations } = await runOrder(h, order, {
      hooks: { install: () => cancel(order.orderId) },
    });
    const sim = await h.panel.state();
    expect(touchableAll(sim, foreign)).toEqual(before);
    expect(sim.servers.map((s) => s.id)).toEqual(foreign);
    expectCancelledAt(state, 'INSTALLING');
    await expectNothingLeft(order.orderId, reservations);
  });

  it('ends CANCELLED from WAITING_FOR_PROVIDER without waiting for the breaker, leaving nothing', async () => {
    // One order alone probes the half-open breaker on each retry; with several, the others are refused and wait.
    const rig = await startFlowRig(h, { flowOptions: { breakers: { failureThreshold: 3, openMs: 2000 } } });
    try {
      await h.panel.faults({ outage: true });
      const handles = await Promise.all([0, 1, 2, 3].map((i) => rig.start(paperOrder(`cancel-waiting-${i}`))));
      const deadline = Date.now() + 30_000;
      let waiting: WorkflowHandle | undefined;
      while (!waiting) {
        const states = await Promise.all(handles.map((hd) => hd.query(orderStateQuery)));
        waiting = handles[states.findIndex((st) => st.status === 'WAITING_FOR_PROVIDER')];
        if (Date.now() > deadline) throw new Error('no order ever waited for the provider');
        await sleep(50);
      }
      await waiting.signal(cancelOrderSignal, { reason: 'gave up waiting' });
      await h.panel.faults({});
      const finals = await rig.results(handles);
      const state = finals[handles.indexOf(waiting)];
      expectCancelledAt(state, 'WAITING_FOR_PROVIDER');
      expect(statuses(state).slice(-3)).toEqual(['WAITING_FOR_PROVIDER', 'COMPENSATING', 'CANCELLED']);
      expect(finals.filter((f) => f !== state).map((f) => f.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
      const types = activityTypes(await waiting.fetchHistory());
      expect(types.at(-1)).toBe('releaseAllocation');
      expect(types).not.toContain('create');
      await expectNothingLeft(state.orderId, rig.flows[0].reservations.list());
    } finally {
      await rig.stop();
    }
  });
});
