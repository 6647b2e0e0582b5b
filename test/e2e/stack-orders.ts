import { ownExternalId } from '../../src/workflows/own-server';
import type { SimState } from '../../sim/src';
import type { QueueOverview } from '../../src/api/queue-overview';
import type { OrderState } from '../../src/workflows/contract';
import { sleep, type StackProcess } from './stack-process';

export type PanelServer = SimState['servers'][number];
export type OrderView = Pick<
  OrderState,
  'orderId' | 'status' | 'userId' | 'server' | 'error' | 'compensationErrors' | 'timeline' | 'parked'
>;

/**
 * The panel servers of one order. The only place that knows how a server names its order (its external_id); change
 * it here when the external_id changes form.
 */
export function serversOfOrder(panel: SimState, orderId: string): PanelServer[] {
  return panel.servers.filter((s) => s.external_id === ownExternalId(orderId));
}

/** Panel servers that belong to none of `orderIds`. */
export function orphanServers(panel: SimState, orderIds: string[]): PanelServer[] {
  const owned = new Set(orderIds.flatMap((id) => serversOfOrder(panel, id)).map((s) => s.id));
  return panel.servers.filter((s) => !owned.has(s.id));
}

/** Where the order waits for an operator or has ended: the test stops polling it. */
const SETTLED = new Set(['ACTIVE', 'FAILED', 'CANCELLED', 'NEEDS_ATTENTION']);
/** Statuses in which POST /cancel must answer 409: the order has ended or is rolling back. */
export const NOT_CANCELLABLE = new Set(['ACTIVE', 'FAILED', 'CANCELLED', 'COMPENSATING']);

export interface CancelRecord {
  orderId: string;
  /** The status the test saw just before it sent the cancel. */
  seen: string;
  answer: number;
  body: { status?: string; error?: { code?: string } };
  answeredAt: number;
}

export async function cancel(stack: StackProcess, orderId: string, seen: string): Promise<CancelRecord> {
  const res = await stack.api<CancelRecord['body']>('POST', `/v1/orders/${orderId}/cancel`, { reason: 'e2e' });
  return { orderId, seen, answer: res.status, body: res.body, answeredAt: Date.now() };
}

async function view(stack: StackProcess, orderId: string): Promise<OrderView> {
  const res = await stack.api<OrderView>('GET', `/v1/orders/${orderId}`);
  if (res.status !== 200) throw new Error(`GET /v1/orders/${orderId} answered ${res.status}`);
  return res.body;
}

/**
 * Watches the order every 100 ms and cancels it as soon as it is seen past allocation (a server may exist), or ended
 * (then the cancel must be refused); resolves with the cancel request.
 */
export async function cancelPastAllocation(
  stack: StackProcess,
  orderId: string,
  withinMs: number,
): Promise<CancelRecord> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const { status } = await view(stack, orderId);
    if (!['QUEUED', 'WAITING_FOR_CAPACITY', 'WAITING_FOR_PROVIDER', 'ALLOCATING'].includes(status))
      return cancel(stack, orderId, status);
    await sleep(100);
  }
  throw new Error(`${orderId} was not seen past allocation within ${withinMs} ms`);
}

/** Polls every order each second until all are settled or the time is up; resolves with the last view of each. */
export async function settle(stack: StackProcess, orderIds: string[], withinMs: number) {
  const latest = new Map<string, OrderView>();
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const open = orderIds.filter((id) => !SETTLED.has(latest.get(id)?.status ?? ''));
    if (open.length === 0) break;
    for (const v of await Promise.all(open.map((id) => view(stack, id)))) latest.set(v.orderId, v);
    await sleep(1000);
  }
  return latest;
}

/**
 * GET /v1/queue once the queue census and the workers' flow reports are newer than `since` and every reservation is
 * released (or `withinMs` passed): what the stack itself says is left waiting, in progress or reserved.
 */
export async function queueAfter(stack: StackProcess, since: number, withinMs: number): Promise<QueueOverview> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { body } = await stack.api<QueueOverview>('GET', '/v1/queue');
    const newer = (at: string | null | undefined) => at != null && Date.parse(at) > since;
    const released = (body.flowControl.nodes ?? []).every((n) => n.allocations.reserved === 0);
    if ((newer(body.census.takenAt) && newer(body.flowControl.updatedAt) && released) || Date.now() > deadline)
      return body;
    await sleep(500);
  }
}
