import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { admissionActivities } from '../../src/activities/admission';
import { OrderStatusAttribute, type OrderStatus } from '../../src/workflows/contract';
import { rejectionOf } from './panel-harness';

type Described = { run: 'RUNNING' | 'COMPLETED' | 'TERMINATED'; status?: OrderStatus } | 'not found' | Error;

/**
 * Temporal's describe, as the admission check reads it, over a table of workflow ids; counts the describes in flight.
 * (The engine's own describe is exercised by test/workflows/admission.test.ts.)
 */
function describing(table: Record<string, Described>) {
  const seen = { inFlight: 0, most: 0, ids: [] as string[] };
  const client = {
    workflow: {
      getHandle: (workflowId: string) => ({
        describe: async () => {
          seen.ids.push(workflowId);
          seen.most = Math.max(seen.most, ++seen.inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          seen.inFlight -= 1;
          const entry = table[workflowId] ?? 'not found';
          if (entry === 'not found') throw new WorkflowNotFoundError('not found', workflowId, undefined);
          if (entry instanceof Error) throw entry;
          const attributes = entry.status ? [{ key: OrderStatusAttribute, value: entry.status }] : [];
          return { status: { name: entry.run }, typedSearchAttributes: new TypedSearchAttributes(attributes) };
        },
      }),
    },
  } as unknown as Client;
  return { check: admissionActivities({ client }).checkAdmittedOrders, seen };
}

const admitted = (orderId: string) => ({ orderId, userId: 1, admittedAt: '2026-01-01T00:00:00.000Z' });

describe("admission's check of a user's orders", () => {
  it('counts a running order in flight until its status is final, and a closed or missing one out', async () => {
    const { check, seen } = describing({
      'order-queued': { run: 'RUNNING', status: 'QUEUED' },
      'order-fresh': { run: 'RUNNING' },
      'order-active': { run: 'RUNNING', status: 'ACTIVE' },
      'order-failed': { run: 'RUNNING', status: 'FAILED' },
      'order-cancelled': { run: 'RUNNING', status: 'CANCELLED' },
      'order-done': { run: 'COMPLETED', status: 'ACTIVE' },
      'order-stopped': { run: 'TERMINATED', status: 'CREATING' },
    });
    const ids = ['queued', 'fresh', 'active', 'failed', 'cancelled', 'done', 'stopped', 'gone'];
    expect(await check(ids.map(admitted))).toEqual([
      { orderId: 'queued', state: 'in_flight' },
      { orderId: 'fresh', state: 'in_flight' },
      { orderId: 'active', state: 'ended' },
      { orderId: 'failed', state: 'ended' },
      { orderId: 'cancelled', state: 'ended' },
      { orderId: 'done', state: 'ended' },
      { orderId: 'stopped', state: 'ended' },
      { orderId: 'gone', state: 'missing' },
    ]);
    expect(seen.ids).toEqual(ids.map((id) => `order-${id}`));
  });

  it('fails when a describe fails for another reason, so the shard retries instead of forgetting an order', async () => {
    const { check } = describing({ 'order-a': { run: 'RUNNING' }, 'order-b': new Error('frontend unavailable') });
    expect((await rejectionOf(check([admitted('a'), admitted('b')]))).message).toBe('frontend unavailable');
  });

  it('describes at most 20 orders at once, answering in the order asked', async () => {
    const table = Object.fromEntries(
      Array.from({ length: 45 }, (_, i) => [`order-o${i}`, { run: 'RUNNING', status: 'QUEUED' } as const]),
    );
    const { check, seen } = describing(table);
    const orders = Array.from({ length: 45 }, (_, i) => admitted(`o${i}`));
    const states = await check(orders);
    expect(states.map((s) => s.orderId)).toEqual(orders.map((o) => o.orderId));
    expect(seen.most).toBe(20);
    expect(await check([])).toEqual([]);
  });
});
