import { Client, Connection } from '@temporalio/client';
import type { SimState } from '../sim/src';
import type { OrderState } from '../src/workflows/contract';
import { ownExternalId } from '../src/workflows/own-server';
import { orderBody, sleep, startStack, type StackProcess } from '../test/e2e/stack-process';
import { temporalInterceptors } from '../src/temporal-grpc';
import { seededRandom } from './open-loop';

export type OrderView = Pick<OrderState, 'orderId' | 'status' | 'tier' | 'createdAt' | 'timeline' | 'error' | 'server'>;

export interface FlowStack {
  stack: StackProcess;
  client: Client;
  users: number[];
  close(): Promise<void>;
}

/**
 * The `npm start` stack against a simulated panel limited to `limitPerMinute` (the worker's PROVIDER_RATE_LIMIT says
 * the same), with enough nodes for `orders` orders and `users` panel users. `env` adds stack settings.
 */
export async function startFlowStack(options: {
  limitPerMinute: number;
  orders: number;
  users: number;
  installMs?: number;
  env?: Record<string, string>;
}): Promise<FlowStack> {
  const stack = await startStack({
    env: {
      LOG_LEVEL: 'error',
      PROVIDER_RATE_LIMIT: String(options.limitPerMinute),
      MAX_INFLIGHT_PER_USER: '100000',
      ...options.env,
    },
  });
  await stack.setFaults({ rateLimitPerMinute: options.limitPerMinute, installMs: options.installMs ?? 2000 });
  const nodes = Math.max(0, Math.ceil(options.orders / 100) - 2);
  for (let i = 0; i < nodes; i++) await stack.addNode({ location_id: 1 });
  const users = [1, 2, 3];
  while (users.length < options.users) users.push(await stack.addUser());
  const connection = await Connection.connect({ address: stack.temporalAddress, interceptors: temporalInterceptors() });
  const client = new Client({ connection });
  return {
    stack,
    client,
    users,
    close: async () => {
      await connection.close();
      await stack.stop(120_000);
    },
  };
}

/** Submits one order through the API; resolves with its id when accepted (202), throws otherwise. */
export async function submit(flow: FlowStack, orderId: string, overrides: Record<string, unknown>): Promise<string> {
  const res = await flow.stack.api('POST', '/v1/orders', orderBody(orderId, overrides));
  if (res.status !== 202) throw new Error(`POST /v1/orders ${orderId}: ${res.status} ${JSON.stringify(res.body)}`);
  return orderId;
}

/** Orders still running (provisionServer workflows open), through Temporal visibility. */
export async function openOrders(flow: FlowStack): Promise<number> {
  return (await flow.client.workflow.count(`WorkflowType = 'provisionServer' AND ExecutionStatus = 'Running'`)).count;
}

/** Waits until no order is open; resolves with the time it happened (ms since epoch). */
export async function drained(flow: FlowStack, timeoutMs: number, pollMs = 250): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await openOrders(flow)) === 0) return Date.now();
    await sleep(pollMs);
  }
  throw new Error(`orders still open after ${timeoutMs} ms`);
}

export async function views(flow: FlowStack, orderIds: string[]): Promise<Map<string, OrderView | null>> {
  const out = new Map<string, OrderView | null>();
  for (let i = 0; i < orderIds.length; i += 20) {
    await Promise.all(
      orderIds.slice(i, i + 20).map(async (id) => {
        const res = await flow.stack.api<OrderView>('GET', `/v1/orders/${id}`);
        out.set(id, res.status === 200 ? res.body : null);
      }),
    );
  }
  return out;
}

/** Seconds an order spent QUEUED before its first provider step ran (its allocation was reserved). */
export function queueWaitSeconds(view: OrderView): number | null {
  const left = view.timeline.find((t) => t.status !== 'QUEUED');
  return left ? (Date.parse(left.at) - Date.parse(view.createdAt)) / 1000 : null;
}

/** Servers on the panel per order (by its own-server marker), and the ones whose order is not ACTIVE. */
export function panelAudit(panel: SimState, orders: Map<string, OrderView | null>) {
  const orderOf = new Map([...orders.keys()].map((id) => [ownExternalId(id), id]));
  const byOrder = new Map<string, number>();
  for (const s of panel.servers) {
    if (!s.external_id) continue;
    const id = orderOf.get(s.external_id) ?? s.external_id;
    byOrder.set(id, (byOrder.get(id) ?? 0) + 1);
  }
  const duplicates = [...byOrder.values()].filter((n) => n > 1).length;
  const strays = [...byOrder.keys()].filter((id) => orders.get(id)?.status !== 'ACTIVE').length;
  const activeWithout = [...orders].filter(([id, v]) => v?.status === 'ACTIVE' && !byOrder.has(id)).length;
  return { duplicates, strays, activeWithout };
}

/** Poisson arrivals: waits between orders at `perSecond`, from a seeded generator. */
export function arrivalGaps(perSecond: number, count: number, seed = 7): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => (-Math.log(1 - random()) / perSecond) * 1000);
}

export const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();
