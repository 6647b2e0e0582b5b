import type { WorkflowHandle } from '@temporalio/client';
import type { ServerCallbackEvent } from '../../src/callbacks/contract';
import { PROVISION_WORKFLOW_TYPE, orderWorkflowId, type Order, type OrderState } from '../../src/workflows/contract';
import { reconcileUpdate } from '../../src/workflows/reconcile-contract';
import {
  billingUpdate,
  operatorRequestUpdate,
  serverEntityWorkflowId,
  serverStateQuery,
  type ServerEntityState,
} from '../../src/workflows/server-entity-contract';
import { serverOperationWorkflowId, type OperationState } from '../../src/workflows/server-operation-contract';
import { startReceiver, type Receiver } from '../callbacks/receiver';
import { paperOrder, serversOf } from '../activities/panel-harness';
import { orderWorker, useWorkflowHarness, type WorkflowHarness } from './harness';
import { recordHistory } from './history';

jest.setTimeout(120_000);

const SECRET = 'entity-test-secret-0123456789abcdef';
const SECOND = 1000;

// The real engine (dev server) on a clock of seconds: the billing clock's timers, updates and child operations.
describe('serverLifecycle: the billing clock and operators on one server', () => {
  let h: WorkflowHarness;
  let receiver: Receiver;
  useWorkflowHarness((started) => (h = started), { engine: 'dev-server' });
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  /** Runs the order to ACTIVE and `body` with its server's entity while the worker keeps running. */
  async function withEntity(
    label: string,
    body: (entity: WorkflowHandle, order: Order) => Promise<void>,
  ): Promise<ServerEntityState> {
    const order = paperOrder(label, { callbackUrl: receiver.url });
    const { worker, taskQueue } = await orderWorker(h, label, { callbackSecret: SECRET });
    return worker.runUntil(async () => {
      const started = await h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [order],
      });
      expect(((await started.result()) as OrderState).status).toBe('ACTIVE');
      const entity = h.env.client.workflow.getHandle(serverEntityWorkflowId(order.orderId));
      await body(entity, order);
      return entity.query(serverStateQuery);
    });
  }

  const done = (o: { status: string }) => o.status !== 'PENDING' && o.status !== 'RUNNING';
  const events = () =>
    receiver.received
      .map((r) => (JSON.parse(r.body) as ServerCallbackEvent).type)
      .filter((type) => type.startsWith('server.'));
  const panelServer = async (orderId: string) => serversOf(await h.panel.state(), orderId)[0];
  const overdue = async (suspendInMs: number, deleteInMs: number, warningLeadMs = SECOND) => {
    const now = Date.now();
    return {
      state: 'overdue' as const,
      suspendAt: new Date(now + suspendInMs).toISOString(),
      deleteAt: new Date(now + deleteInMs).toISOString(),
      warningLeadMs,
    };
  };
  async function until(entity: WorkflowHandle, done: (s: ServerEntityState) => boolean): Promise<ServerEntityState> {
    for (let i = 0; i < 300; i++) {
      const state = await entity.query(serverStateQuery);
      if (done(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the entity never reached the expected state');
  }

  it('warns, suspends at suspendAt, warns again and deletes the server at deleteAt', async () => {
    const final = await withEntity('bill-delete', async (entity, order) => {
      const state = await entity.executeUpdate(billingUpdate, { args: [await overdue(3 * SECOND, 6 * SECOND)] });
      expect(state.billing).toMatchObject({ state: 'overdue', next: { action: 'suspension_warning' } });
      const suspended = await until(entity, (s) => s.status === 'SUSPENDED');
      expect(suspended.suspendedBy).toEqual({ billing: true, operator: false });
      expect(suspended.billing.next?.action).toBe('deletion_warning');
      expect((await panelServer(order.orderId)).suspended).toBe(true);
      await until(entity, (s) => s.status === 'DELETED');
      expect(await panelServer(order.orderId)).toBeUndefined();
    });
    expect(final.status).toBe('DELETED');
    expect(events()).toEqual([
      'server.suspension_warning',
      'server.suspended',
      'server.deletion_warning',
      'server.deleted',
    ]);
  });

  it('lifts a billing suspension when the bill is paid, and stops the clock', async () => {
    const final = await withEntity('bill-paid', async (entity, order) => {
      await entity.executeUpdate(billingUpdate, { args: [await overdue(0, 3600 * SECOND, 0)] });
      await until(entity, (s) => s.status === 'SUSPENDED');
      const paid = await entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] });
      expect(paid.billing).toMatchObject({ state: 'current', next: null });
      await until(entity, (s) => s.status === 'ACTIVE');
      expect((await panelServer(order.orderId)).suspended).toBe(false);
      expect(await panelServer(order.orderId)).toBeDefined();
    });
    expect(final.status).toBe('ACTIVE');
    expect(events()).toEqual(['server.suspension_warning', 'server.suspended', 'server.unsuspended']);
  });

  it("keeps an operator's suspension when the bill is paid", async () => {
    const final = await withEntity('bill-operator', async (entity, order) => {
      await entity.executeUpdate(operatorRequestUpdate, { args: [{ operation: 'suspend', by: 'ops' }] });
      await until(entity, (s) => s.status === 'SUSPENDED');
      await entity.executeUpdate(billingUpdate, { args: [await overdue(0, 3600 * SECOND, 0)] });
      await until(entity, (s) => s.suspendedBy.billing);
      await entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] });
      const after = await until(entity, (s) => s.operations.every((o) => o.status !== 'PENDING'));
      expect(after).toMatchObject({ status: 'SUSPENDED', suspendedBy: { billing: false, operator: true } });
      expect((await panelServer(order.orderId)).suspended).toBe(true);
    });
    expect(final.timeline.map((t) => t.detail)).toContain('stays suspended: suspended by an operator too');
  });

  it('refuses billing once the server is deleted', async () => {
    await withEntity('bill-gone', async (entity) => {
      await entity.executeUpdate(operatorRequestUpdate, { args: [{ operation: 'delete', by: 'ops' }] });
      await expect(entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] })).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/being deleted|deleted/) },
      });
      await until(entity, (s) => s.status === 'DELETED');
    });
  });

  const refusalOf = (err: unknown) => (err as { cause?: { type?: string; message?: string } }).cause;

  it("runs an operator's resize as a child under the server's operation id and records the new limits, then a billing round", async () => {
    const final = await withEntity('op-resize', async (entity, order) => {
      const build = { ...order.limits, memory: 2048 };
      const started = await entity.executeUpdate(operatorRequestUpdate, {
        args: [{ operation: 'resize', by: 'ops', build }],
      });
      expect(started.state.operations.at(-1)).toMatchObject({
        operationId: started.operationId,
        operation: 'resize',
        requestedBy: 'ops',
      });
      const child = h.env.client.workflow.getHandle(serverOperationWorkflowId(order.orderId), started.operationId);
      expect(((await child.result()) as OperationState).status).toBe('COMPLETED');
      const done = await until(entity, (s) => s.operations.every((o) => o.status !== 'PENDING'));
      expect(done.operations.at(-1)).toMatchObject({ operationId: started.operationId, status: 'COMPLETED' });
      expect(done.limits).toEqual(build);
      expect((await panelServer(order.orderId)).limits.memory).toBe(2048);
      await entity.executeUpdate(billingUpdate, { args: [await overdue(0, 3600 * SECOND, 0)] });
      await until(entity, (s) => s.status === 'SUSPENDED' && s.operations.every((o) => o.status !== 'PENDING'));
      await entity.executeUpdate(billingUpdate, { args: [{ state: 'paid' }] });
      await until(entity, (s) => s.status === 'ACTIVE' && s.operations.every((o) => o.status !== 'PENDING'));
      recordHistory('entity-operator-resize-billing', await entity.fetchHistory());
    });
    expect(final.status).toBe('ACTIVE');
    expect(events()).toEqual(['server.resized', 'server.suspension_warning', 'server.suspended', 'server.unsuspended']);
  });

  it('refuses a second operation while one runs, naming the one that holds the server', async () => {
    await withEntity('op-busy', async (entity) => {
      const first = await entity.executeUpdate(operatorRequestUpdate, {
        args: [{ operation: 'reinstall', by: 'ops' }],
      });
      const second = await entity
        .executeUpdate(operatorRequestUpdate, { args: [{ operation: 'suspend', by: 'ops' }] })
        .catch((err: unknown) => err);
      expect(refusalOf(second)).toMatchObject({
        type: 'OperationInProgress',
        message: expect.stringContaining('reinstall is still running'),
        details: [{ operationId: first.operationId, operation: 'reinstall' }],
      });
      const after = await until(entity, (s) => s.operations.every((o) => o.status !== 'PENDING'));
      expect(after.operations.map((o) => o.operation)).toEqual(['reinstall']);
      expect(after.status).toBe('ACTIVE');
    });
  });

  it("refuses an operator's unsuspend of a billing suspension: only a payment lifts it", async () => {
    await withEntity('op-unsuspend-billing', async (entity, order) => {
      await entity.executeUpdate(billingUpdate, { args: [await overdue(0, 3600 * SECOND, 0)] });
      await until(entity, (s) => s.status === 'SUSPENDED' && s.operations.every((o) => o.status !== 'PENDING'));
      const refused = await entity
        .executeUpdate(operatorRequestUpdate, { args: [{ operation: 'unsuspend', by: 'ops' }] })
        .catch((err: unknown) => err);
      expect(refusalOf(refused)).toMatchObject({
        type: 'OperationNotAllowed',
        message: expect.stringContaining('a payment lifts that suspension'),
      });
      expect((await panelServer(order.orderId)).suspended).toBe(true);
      expect((await entity.query(serverStateQuery)).suspendedBy).toEqual({ billing: true, operator: false });
    });
  });

  it('refuses a resize without its new limits and anything after the server was deleted', async () => {
    await withEntity('op-refused', async (entity) => {
      const noBuild = await entity
        .executeUpdate(operatorRequestUpdate, { args: [{ operation: 'resize', by: 'ops' }] })
        .catch((err: unknown) => err);
      expect(refusalOf(noBuild)).toMatchObject({
        type: 'OperationNotAllowed',
        message: expect.stringContaining('build'),
      });
      await entity.executeUpdate(operatorRequestUpdate, { args: [{ operation: 'delete', by: 'ops' }] });
      const deleted = (await entity.result()) as ServerEntityState;
      expect(deleted.status).toBe('DELETED');
      expect(deleted.operations.map((o) => [o.operation, o.status])).toEqual([['delete', 'COMPLETED']]);
    });
  });

  it('corrects drift as `reconciliation` without changing why it is suspended, then ends LOST and tells the callbackUrl', async () => {
    const final = await withEntity('reconciled', async (entity, order) => {
      await entity.executeUpdate(operatorRequestUpdate, { args: [{ operation: 'suspend', by: 'ops' }] });
      const suspended = await until(entity, (s) => s.status === 'SUSPENDED' && s.operations.every(done));
      const server = await panelServer(order.orderId);
      await h.panel.client().unsuspend(server.id);
      const facts = { serverId: server.id, suspended: false, limits: server.limits };
      const answer = await entity.executeUpdate(reconcileUpdate, { args: [{ facts, correct: true }] });
      expect(answer).toEqual({ drift: [{ field: 'suspended', entity: true, panel: false }], queued: ['suspend'] });
      const corrected = await until(entity, (s) => s.operations.length === 2 && s.operations.every(done));
      expect(corrected.operations.at(-1)).toMatchObject({ operation: 'suspend', requestedBy: 'reconciliation' });
      expect(corrected.suspendedBy).toEqual(suspended.suspendedBy);
      expect((await panelServer(order.orderId)).suspended).toBe(true);

      await entity.executeUpdate(reconcileUpdate, { args: [{ facts: null, correct: false }] });
      expect(((await entity.result()) as ServerEntityState).status).toBe('LOST');
      const refused = await entity
        .executeUpdate(operatorRequestUpdate, { args: [{ operation: 'unsuspend', by: 'ops' }] })
        .catch((err: unknown) => err);
      expect(refused).toBeInstanceOf(Error);
    });
    expect(final.status).toBe('LOST');
    expect(final.timeline.at(-1)?.detail).toMatch(/no longer on the panel/);
    expect(events()).toEqual(['server.suspended', 'server.lost']);
  });
});
