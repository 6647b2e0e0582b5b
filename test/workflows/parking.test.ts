import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  OrderStatusAttribute,
  cancelOrderSignal,
  operatorActionUpdate,
  orderStateQuery,
  type OrderState,
} from '../../src/workflows/contract';
import { verifyCallbackRequest } from '../../src/callbacks/verify';
import { paperOrder, serversOf } from '../activities/panel-harness';
import { startReceiver } from '../callbacks/receiver';
import { activities } from './history';
import { skipUntilStatus, startWorkflowHarness, statuses, type WorkflowHarness } from './harness';
import {
  PARKING_CALLBACK_SECRET,
  startParkingRig,
  startWebhookReceiver,
  type ParkingRig,
  type WebhookReceiver,
} from './parking-harness';

jest.setTimeout(120_000);

/** A hook that acts on the first activity attempt it sees only. */
const once = (run: () => Promise<void>) => {
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await run();
  };
};

describe('provisionServer: parked orders (NEEDS_ATTENTION)', () => {
  let h: WorkflowHarness;
  let rig: ParkingRig;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    h = await startWorkflowHarness();
    receiver = await startWebhookReceiver();
    rig = await startParkingRig(h, { url: receiver.url, format: 'json' });
  });
  afterAll(async () => {
    await rig?.stop();
    await receiver?.close();
    await h?.teardown();
  });
  beforeEach(async () => {
    rig.hooks = {};
    receiver.received.length = 0;
    await h.panel.reset();
  });

  const act = (
    handle: WorkflowHandle,
    action: 'retry-step' | 'rollback' | 'mark-resolved',
    note: string,
  ): Promise<OrderState> => handle.executeUpdate(operatorActionUpdate, { args: [{ action, note }] });

  /** Starts an order whose verify meets a panel outage on every attempt: it runs out of retries and parks. */
  async function parkedAtVerify(orderId: string) {
    rig.hooks = { verify: once(() => h.panel.faults({ outage: true })) };
    const run = await rig.start(paperOrder(orderId));
    const parked = await skipUntilStatus(h.env, run.handle, 'NEEDS_ATTENTION');
    return { ...run, parked };
  }

  it('parks a step that ran out of retries on a transient error, with the ledger; retry-step after recovery reaches ACTIVE', async () => {
    const { handle, result, parked } = await parkedAtVerify('park-retry');
    const server = parked.server!;
    expect(parked).toMatchObject({
      status: 'NEEDS_ATTENTION',
      step: 'verify',
      error: { step: 'verify', type: 'PanelUnavailable' },
    });
    expect(parked.parked).toMatchObject({
      sequence: 1,
      reason: 'STEP_RETRIES_EXHAUSTED',
      step: 'verify',
      resolution: null,
      errors: [{ step: 'verify', type: 'PanelUnavailable' }],
      ledger: {
        serverId: server.id,
        serverUuid: server.uuid,
        nodeId: server.node,
        allocation: { id: server.allocation.id, ip: server.allocation.ip, port: server.allocation.port },
        reservationHeld: false,
        pendingCompensations: ['releaseAllocation', 'deleteServer'],
        failedCompensations: [],
      },
    });
    expect(rig.reservations.heldBy('park-retry')).toBeUndefined();
    expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('NEEDS_ATTENTION');
    await expect(act(handle, 'retry-step', ' ')).rejects.toMatchObject({ cause: { message: 'a note is required' } });

    await h.panel.faults({});
    const answered = await act(handle, 'retry-step', 'panel is back');
    expect(answered.status).toBe('VERIFYING');
    const state = await result();
    expect(state).toMatchObject({
      status: 'ACTIVE',
      error: null,
      parked: { resolution: { action: 'retry-step', note: 'panel is back' } },
    });
    expect(state.timeline.map((t) => t.detail)).toContain('operator action retry-step: panel is back');
    expect(serversOf(await h.panel.state(), 'park-retry')).toHaveLength(1);
    await expect(act(handle, 'mark-resolved', 'too late')).rejects.toThrow();

    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      eventId: 'order-park-retry:parked:1',
      body: {
        eventId: 'order-park-retry:parked:1',
        type: 'order.needs_attention',
        orderId: 'park-retry',
        reason: 'STEP_RETRIES_EXHAUSTED',
        step: 'verify',
      },
    });
  });

  it('a cancel while parked rolls the order back and ends it CANCELLED, without an operator action', async () => {
    const { handle, result } = await parkedAtVerify('park-cancel');
    await h.panel.faults({});
    await handle.signal(cancelOrderSignal, { reason: 'customer left while parked' });
    const state = await result();
    expect(state).toMatchObject({
      status: 'CANCELLED',
      compensationErrors: [],
      error: { step: 'cancel', message: 'customer left while parked' },
      parked: { resolution: null },
    });
    expect(serversOf(await h.panel.state(), 'park-cancel')).toEqual([]);
    expect(rig.reservations.heldBy('park-cancel')).toBeUndefined();
  });

  it('sends the panel a signed order.needs_attention callback when the order parks', async () => {
    const callbacks = await startReceiver();
    try {
      rig.hooks = { verify: once(() => h.panel.faults({ outage: true })) };
      const { handle, result } = await rig.start(paperOrder('park-callback', { callbackUrl: callbacks.url }));
      await skipUntilStatus(h.env, handle, 'NEEDS_ATTENTION');
      const deadline = Date.now() + 10_000;
      while (callbacks.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(callbacks.received).toHaveLength(1);
      const [request] = callbacks.received;
      expect(verifyCallbackRequest(PARKING_CALLBACK_SECRET, request.headers, request.body)).toMatchObject({ ok: true });
      expect(JSON.parse(request.body)).toMatchObject({
        id: 'order-park-callback:needs_attention:1',
        type: 'order.needs_attention',
        orderId: 'park-callback',
        status: 'NEEDS_ATTENTION',
      });
      await h.panel.faults({});
      await act(handle, 'rollback', 'cleaning up the test');
      expect((await result()).status).toBe('FAILED');
    } finally {
      await callbacks.close();
    }
  });

  it('parks an order whose capacity checks ran out of retries while it waited for room; retry-step sends it back to waiting', async () => {
    let failing = true;
    rig.hooks = {
      checkCapacity: async () => {
        if (failing)
          throw ApplicationFailure.retryable('Pterodactyl GET /nodes failed (502): Bad Gateway', 'PanelUnavailable');
      },
    };
    const huge = { memory: 10_000_000, swap: 0, disk: 10_240, io: 500, cpu: 200 };
    const { handle, result } = await rig.start(paperOrder('park-capacity', { limits: huge }));
    const parked = await skipUntilStatus(h.env, handle, 'NEEDS_ATTENTION');
    expect(parked.parked).toMatchObject({
      sequence: 1,
      reason: 'STEP_RETRIES_EXHAUSTED',
      step: 'allocate',
      errors: [{ step: 'allocate', type: 'PanelUnavailable' }],
      ledger: { serverId: null, pendingCompensations: ['releaseAllocation'] },
    });
    expect(statuses(parked)).toContain('WAITING_FOR_CAPACITY');

    failing = false;
    await act(handle, 'retry-step', 'panel answers again');
    const waiting = await skipUntilStatus(h.env, handle, 'WAITING_FOR_CAPACITY');
    expect(waiting.parked?.resolution).toMatchObject({ action: 'retry-step', note: 'panel answers again' });
    await handle.cancel();
    await expect(result()).rejects.toThrow('cancelled');
    expect(await handle.query(orderStateQuery)).toMatchObject({ status: 'CANCELLED', compensationErrors: [] });
    expect((await h.panel.state()).servers).toEqual([]);
    expect(rig.reservations.list()).toEqual([]);
  });

  it('rollback of a parked step removes the server and ends FAILED', async () => {
    const { handle, result } = await parkedAtVerify('park-rollback');
    await h.panel.faults({});
    const answered = await act(handle, 'rollback', 'customer gave up');
    expect(answered.status).toBe('COMPENSATING');
    const state = await result();
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { step: 'verify', type: 'ROLLBACK_BY_OPERATOR', message: 'customer gave up' },
      compensationErrors: [],
    });
    expect(state.timeline.at(-1)?.detail).toBe('nothing left on the panel');
    expect((await h.panel.state()).servers).toEqual([]);
    expect(rig.reservations.list()).toEqual([]);
  });

  it('parks a rollback that cannot finish, once per parking (webhook each time), and a later rollback clears it', async () => {
    await h.panel.faults({ installFailRate: 1 });
    rig.hooks = { deleteServer: once(() => h.panel.faults({ outage: true })) };
    const { handle, result } = await rig.start(paperOrder('park-compensation'));
    const parked = await skipUntilStatus(h.env, handle, 'NEEDS_ATTENTION');
    expect(parked.parked).toMatchObject({
      sequence: 1,
      reason: 'COMPENSATION_FAILED',
      step: 'compensate',
      errors: [{ step: 'compensate', compensation: 'deleteServer', type: 'PanelUnavailable' }],
      ledger: {
        serverId: parked.server?.id,
        reservationHeld: false,
        pendingCompensations: ['deleteServer'],
        failedCompensations: ['deleteServer'],
      },
    });
    expect(parked.error).toMatchObject({ step: 'install', type: 'InstallFailed' });

    rig.hooks = {};
    const again = await act(handle, 'rollback', 'try once more');
    expect(again.status).toBe('COMPENSATING');
    const second = await skipUntilStatus(h.env, handle, 'NEEDS_ATTENTION');
    expect(second.parked).toMatchObject({ sequence: 2, reason: 'COMPENSATION_FAILED' });

    await h.panel.faults({});
    await act(handle, 'retry-step', 'panel fixed');
    const state = await result();
    expect(state).toMatchObject({ status: 'FAILED', compensationErrors: [] });
    expect(state.timeline.at(-1)?.detail).toBe('nothing left on the panel');
    expect(serversOf(await h.panel.state(), 'park-compensation')).toEqual([]);
    expect(receiver.received.map((r) => r.eventId)).toEqual([
      'order-park-compensation:parked:1',
      'order-park-compensation:parked:2',
    ]);
  });

  it('mark-resolved ends the order FAILED with RESOLVED_BY_OPERATOR and the note, without touching the panel', async () => {
    await h.panel.faults({ installFailRate: 1 });
    rig.hooks = { deleteServer: once(() => h.panel.faults({ outage: true })) };
    const { handle, result } = await rig.start(paperOrder('park-resolved'));
    await skipUntilStatus(h.env, handle, 'NEEDS_ATTENTION');
    await h.panel.faults({});
    const answered = await act(handle, 'mark-resolved', 'deleted by hand in the panel');
    expect(answered.status).toBe('FAILED');
    const state = await result();
    expect(state).toMatchObject({
      status: 'FAILED',
      error: { type: 'RESOLVED_BY_OPERATOR', message: 'deleted by hand in the panel' },
    });
    expect(state.timeline.map((t) => t.detail)).toContain(
      'operator action mark-resolved: deleted by hand in the panel',
    );
    expect(activities(await handle.fetchHistory()).filter((a) => a.type === 'deleteServer')).toHaveLength(1);
    expect(serversOf(await h.panel.state(), 'park-resolved')).toHaveLength(1);
  });
});
