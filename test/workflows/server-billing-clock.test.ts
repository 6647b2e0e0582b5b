import { Client, type WorkflowHandle } from '@temporalio/client';
import type { ServerCallbackEvent } from '../../src/callbacks/contract';
import { PROVISION_WORKFLOW_TYPE, orderWorkflowId, type Order, type OrderState } from '../../src/workflows/contract';
import {
  billingUpdate,
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  serverEntityWorkflowId,
  serverStateQuery,
  type BillingRequest,
  type ServerEntityInput,
  type ServerEntityState,
} from '../../src/workflows/server-entity-contract';
import { openApiDocument } from '../../src/api/openapi/document';
import { paperOrder, serversOf } from '../activities/panel-harness';
import { documentSchemas } from '../openapi-schema';
import { startReceiver, type Receiver } from '../callbacks/receiver';
import { endServerEntities, orderWorker, terminateWhenIdle, useWorkflowHarness, type WorkflowHarness } from './harness';
import { recordHistory } from './history';

jest.setTimeout(90_000);
// In CI runs these tests stalled (each passes in seconds alone): an entity terminated while one of its workflow tasks
// was outstanding left the test server's time skipping locked (see terminateWhenIdle), so the next tests' days ran on
// the wall clock. Entities now end idle, while the worker runs; each test, and its one retry, also gets a fresh test
// server, with the first failure printed.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

const SECRET = 'billing-clock-secret-0123456789abcdef';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The standard tier's default grace (GRACE_PERIOD_STANDARD). */
const STANDARD_GRACE = 7 * DAY;

// The official time-skipping test server: days of the billing clock pass in seconds, on the entity's own timers.
describe('serverLifecycle over days: the billing clock on durable timers', () => {
  let h: WorkflowHarness;
  let receiver: Receiver;
  let runs = 0;
  useWorkflowHarness((started) => (h = started), { engineEachTest: true });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  interface Ctx {
    entity: WorkflowHandle;
    order: Order;
    orderState: OrderState;
    taskQueue: string;
  }

  /** Provisions an order to ACTIVE, runs `body` with its server's entity, then ends the entity. */
  async function withEntity(label: string, body: (ctx: Ctx) => Promise<void>): Promise<void> {
    const id = `${label}-${++runs}`;
    const order = paperOrder(id, { callbackUrl: receiver.url, tier: 'standard' });
    const { worker, taskQueue } = await orderWorker(h, id, { callbackSecret: SECRET });
    await worker.runUntil(async () => {
      try {
        const started = await h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: orderWorkflowId(order.orderId),
          args: [order],
        });
        const orderState = (await onTheWallClock(started).result()) as OrderState;
        expect(orderState.status).toBe('ACTIVE');
        const entity = h.env.client.workflow.getHandle(serverEntityWorkflowId(order.orderId));
        await body({ entity, order, orderState, taskQueue });
      } finally {
        await endServerEntities(h, [order.orderId]);
      }
    });
  }

  /**
   * The handle through a client that does not unlock time skipping while it waits: an entity waits for its next
   * update without a timer, so a test server skipping time while it idles would jump to the default 10-year run
   * timeout of the workflows, which then time out.
   */
  const onTheWallClock = (handle: WorkflowHandle) =>
    new Client({ connection: h.env.connection, namespace: h.env.namespace }).workflow.getHandle(handle.workflowId);
  const now = () => h.env.currentTimeMs();
  const events = () =>
    receiver.received
      .map((r) => (JSON.parse(r.body) as ServerCallbackEvent).type)
      .filter((type) => type.startsWith('server.'));
  const panelServer = async (orderId: string) => serversOf(await h.panel.state(), orderId)[0];
  const overdue = (suspendAt: number, deleteAt = suspendAt + STANDARD_GRACE): BillingRequest => ({
    state: 'overdue',
    suspendAt: new Date(suspendAt).toISOString(),
    deleteAt: new Date(deleteAt).toISOString(),
    warningLeadMs: DAY,
  });
  /** Lets server time pass up to `at`, then queries until the entity has settled on `done` (work runs in real time). */
  async function at(
    entity: WorkflowHandle,
    time: number,
    done: (s: ServerEntityState) => boolean = () => true,
  ): Promise<ServerEntityState> {
    const wait = time - (await now());
    if (wait > 0) await h.env.sleep(wait);
    for (let i = 0; i < 200; i++) {
      const state = await entity.query(serverStateQuery);
      if (done(state) && state.operations.every((o) => o.status !== 'PENDING')) return state;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the entity did not settle at ${new Date(time).toISOString()}`);
  }
  const detailAt = (state: ServerEntityState, detail: string) =>
    Date.parse(state.timeline.find((t) => t.detail.startsWith(detail))?.at ?? 'NaN');

  it('warns a day ahead, suspends at suspendAt, warns again and deletes after the 7-day grace', async () => {
    await withEntity('clock-full', async ({ entity, order }) => {
      const t0 = await now();
      const suspendAt = t0 + 2 * DAY;
      const deleteAt = suspendAt + STANDARD_GRACE;
      const set = await entity.executeUpdate(billingUpdate, { args: [overdue(suspendAt)] });
      expect(set.billing.next).toEqual({ action: 'suspension_warning', at: new Date(suspendAt - DAY).toISOString() });

      const beforeWarning = await at(entity, suspendAt - DAY - MINUTE);
      expect(beforeWarning.status).toBe('ACTIVE');
      expect(events()).toEqual([]);

      const warned = await at(entity, suspendAt - DAY + MINUTE, (s) => s.billing.warned.suspension);
      expect(warned).toMatchObject({ status: 'ACTIVE', billing: { next: { action: 'suspend' } } });
      expect(events()).toEqual(['server.suspension_warning']);
      expect((await panelServer(order.orderId)).suspended).toBe(false);

      const suspended = await at(entity, suspendAt + HOUR, (s) => s.status === 'SUSPENDED');
      expect(suspended.suspendedBy).toEqual({ billing: true, operator: false });
      expect(detailAt(suspended, 'suspend done (billing)')).toBeGreaterThanOrEqual(suspendAt);
      expect(detailAt(suspended, 'suspend done (billing)')).toBeLessThan(suspendAt + HOUR);
      expect(suspended.billing.next).toEqual({
        action: 'deletion_warning',
        at: new Date(deleteAt - DAY).toISOString(),
      });
      expect((await panelServer(order.orderId)).suspended).toBe(true);

      const graceWarned = await at(entity, deleteAt - DAY + MINUTE, (s) => s.billing.warned.deletion);
      expect(graceWarned.status).toBe('SUSPENDED');
      expect(await panelServer(order.orderId)).toBeDefined();

      const deleted = await at(entity, deleteAt + HOUR, (s) => s.status === 'DELETED');
      expect(detailAt(deleted, 'delete done (billing)')).toBeGreaterThanOrEqual(deleteAt);
      expect(await panelServer(order.orderId)).toBeUndefined();
      expect(((await onTheWallClock(entity).result()) as ServerEntityState).status).toBe('DELETED');
      recordHistory('entity-billing-deleted', await entity.fetchHistory());
      expect(events()).toEqual([
        'server.suspension_warning',
        'server.suspended',
        'server.deletion_warning',
        'server.deleted',
      ]);
      const documented = documentSchemas(openApiDocument({ codec: false }));
      const serverEvents = receiver.received
        .map((r) => JSON.parse(r.body) as ServerCallbackEvent)
        .filter((e) => e.type.startsWith('server.'));
      for (const event of serverEvents) expect(documented.componentErrors('ServerCallbackEvent', event)).toBeNull();
    });
  });

  it('paid after the warning: never suspended, and no timer fires afterwards', async () => {
    await withEntity('clock-paid-warned', async ({ entity, order }) => {
      const suspendAt = (await now()) + 2 * DAY;
      await entity.executeUpdate(billingUpdate, { args: [overdue(suspendAt)] });
      await at(entity, suspendAt - HOUR, (s) => s.billing.warned.suspension);
      const paid = await entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] });
      expect(paid.billing).toMatchObject({ state: 'current', suspendAt: null, deleteAt: null, next: null });

      const later = await at(entity, suspendAt + STANDARD_GRACE + DAY);
      expect(later).toMatchObject({ status: 'ACTIVE', suspendedBy: { billing: false, operator: false } });
      expect((await panelServer(order.orderId)).suspended).toBe(false);
      expect(events()).toEqual(['server.suspension_warning']);
    });
  });

  it('paid during the grace period: unsuspended, and the deletion never comes', async () => {
    await withEntity('clock-paid-grace', async ({ entity, order }) => {
      const suspendAt = (await now()) + HOUR;
      await entity.executeUpdate(billingUpdate, { args: [overdue(suspendAt)] });
      await at(entity, suspendAt + 3 * DAY, (s) => s.status === 'SUSPENDED');
      await entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] });
      const lifted = await at(entity, (await now()) + MINUTE, (s) => s.status === 'ACTIVE');
      expect(lifted.suspendedBy).toEqual({ billing: false, operator: false });
      expect((await panelServer(order.orderId)).suspended).toBe(false);

      const afterDeleteAt = await at(entity, suspendAt + STANDARD_GRACE + DAY);
      expect(afterDeleteAt.status).toBe('ACTIVE');
      expect(await panelServer(order.orderId)).toBeDefined();
      expect(events()).toEqual(['server.suspension_warning', 'server.suspended', 'server.unsuspended']);
    });
  });

  it('a later overdue notice moves the clock: the suspension follows the new suspendAt', async () => {
    await withEntity('clock-moved', async ({ entity }) => {
      const first = (await now()) + 2 * DAY;
      await entity.executeUpdate(billingUpdate, { args: [overdue(first)] });
      const moved = first + 3 * DAY;
      const reset = await entity.executeUpdate(billingUpdate, { args: [overdue(moved)] });
      expect(reset.billing.next).toEqual({ action: 'suspension_warning', at: new Date(moved - DAY).toISOString() });

      const atFirst = await at(entity, first + HOUR);
      expect(atFirst.status).toBe('ACTIVE');
      const suspended = await at(entity, moved + HOUR, (s) => s.status === 'SUSPENDED');
      expect(detailAt(suspended, 'suspend done (billing)')).toBeGreaterThanOrEqual(moved);
      expect(events()).toEqual(['server.suspension_warning', 'server.suspended']);
    });
  });

  it('continues as new with its state and its pending timer: the suspension still comes on time', async () => {
    await withEntity('clock-continued', async ({ entity, order, orderState, taskQueue }) => {
      await terminateWhenIdle(entity, 'replaced by an entity with a short history');
      const input: ServerEntityInput = {
        orderId: order.orderId,
        userId: order.userId,
        tier: order.tier,
        externalId: orderState.externalId!,
        server: orderState.server!,
        callbackUrl: receiver.url,
        eventsPerRun: 40,
      };
      const short = await h.env.client.workflow.start(SERVER_LIFECYCLE_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: serverEntityWorkflowId(order.orderId),
        args: [input],
      });
      const firstRun = short.firstExecutionRunId;
      const suspendAt = (await now()) + 2 * DAY;
      for (let i = 0; i < 12; i++) await short.executeUpdate(billingUpdate, { args: [overdue(suspendAt)] });

      const described = await entity.describe();
      expect(described.runId).not.toBe(firstRun);
      const carried = await entity.query(serverStateQuery);
      expect(carried.billing).toMatchObject({ state: 'overdue', suspendAt: new Date(suspendAt).toISOString() });
      expect(carried.billing.next?.action).toBe('suspension_warning');
      expect(carried.timeline.filter((t) => t.detail.startsWith('overdue')).length).toBe(12);

      const suspended = await at(entity, suspendAt + HOUR, (s) => s.status === 'SUSPENDED');
      expect(detailAt(suspended, 'suspend done (billing)')).toBeGreaterThanOrEqual(suspendAt);
      expect((await panelServer(order.orderId)).suspended).toBe(true);
      expect(events()).toEqual(['server.suspension_warning', 'server.suspended']);
      recordHistory(
        'entity-continued-first-run',
        await h.env.client.workflow.getHandle(short.workflowId, firstRun).fetchHistory(),
      );
    });
  });
});
