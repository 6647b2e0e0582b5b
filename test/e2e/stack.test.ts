import type { SimState } from '../../sim/src';
import type { OrderState } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import { orderBody, sleep, startStack, type StackProcess } from './stack-process';

const ORDERS = 30;
const USERS = 10;
const CANCELLED_ON_PURPOSE = 3;
const SETTLE_WITHIN_MS = 150_000;
/** The simulated panel's rate limit here (the default 240/min would make the test minutes long); the worker is told. */
const PANEL_RATE_LIMIT = 100_000;
const TERMINAL = new Set(['ACTIVE', 'FAILED', 'CANCELLED']);

type OrderView = Pick<OrderState, 'orderId' | 'status' | 'server' | 'error' | 'compensationErrors' | 'timeline'>;

/**
 * Polls every order until all are terminal or the time is up (each poll must find the order); cancels the orders of
 * `cancel` once they are past allocation. Returns the last view of each order and the cancel requests' statuses.
 */
async function settle(stack: StackProcess, orderIds: string[], cancel: Set<string>) {
  const latest = new Map<string, OrderView>();
  const cancelAnswers: number[] = [];
  const deadline = Date.now() + SETTLE_WITHIN_MS;
  while (Date.now() < deadline) {
    const open = orderIds.filter((id) => !TERMINAL.has(latest.get(id)?.status ?? ''));
    if (open.length === 0) break;
    await Promise.all(
      open.map(async (id) => {
        const res = await stack.api<OrderView>('GET', `/v1/orders/${id}`);
        if (res.status !== 200) throw new Error(`GET /v1/orders/${id} answered ${res.status}`);
        latest.set(id, res.body);
        if (cancel.has(id) && !['QUEUED', 'ALLOCATING'].includes(res.body.status)) {
          cancel.delete(id);
          cancelAnswers.push(
            (await stack.api('POST', `/v1/orders/${id}/cancel`, { reason: 'e2e: changed my mind' })).status,
          );
        }
      }),
    );
    await sleep(1000);
  }
  return { orders: latest, cancelAnswers };
}

describe('the npm start stack with a faulty panel (30% 5xx, 10% creates that time out but succeed)', () => {
  let stack: StackProcess;
  let submitted: string[];
  let accepted: string[];
  let answers: Array<{ status: number; body: { orderId?: string; status?: string } }>;
  let orders: Map<string, OrderView>;
  let cancelAnswers: number[];
  let panel: SimState;

  beforeAll(async () => {
    stack = await startStack({ env: { LOG_LEVEL: 'error', PROVIDER_RATE_LIMIT: String(PANEL_RATE_LIMIT) } });
    await stack.setFaults({
      errorRate: 0.3,
      createTimeoutButSucceedsRate: 0.1,
      installMs: 300,
      rateLimitPerMinute: PANEL_RATE_LIMIT,
      seed: 11,
    });
    const users = [1, 2, 3];
    while (users.length < USERS) users.push(await stack.addUser());
    submitted = Array.from({ length: ORDERS }, (_, i) => `e2e-${i}`);
    const tiers = ['premium', 'standard', 'free'];
    answers = await Promise.all(
      submitted.map((id, i) =>
        stack.api<{ orderId: string; status: string }>(
          'POST',
          '/v1/orders',
          orderBody(id, { userId: users[i % USERS], tier: tiers[i % 3] }),
        ),
      ),
    );
    accepted = submitted.filter((_, i) => answers[i].status === 202);
    ({ orders, cancelAnswers } = await settle(stack, accepted, new Set(accepted.slice(0, CANCELLED_ON_PURPOSE))));
    panel = await stack.simState();
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const ordersWith = (status: string) => accepted.filter((id) => orders.get(id)?.status === status);

  it('accepts the orders (202 QUEUED), refusing only with 429 when a user has too many in flight', () => {
    expect(accepted.length).toBeGreaterThanOrEqual(ORDERS * 0.8);
    expect(answers.filter((a) => a.status === 202).map((a) => [a.body.orderId, a.body.status])).toEqual(
      accepted.map((id) => [id, 'QUEUED']),
    );
    expect(answers.filter((a) => a.status !== 202).map((a) => a.status)).toEqual(
      answers.filter((a) => a.status !== 202).map(() => 429),
    );
  });

  it('brings every accepted order to ACTIVE, FAILED or CANCELLED within the time bound, most of them ACTIVE', () => {
    const unsettled = accepted
      .filter((id) => !TERMINAL.has(orders.get(id)?.status ?? ''))
      .map((id) => ({ id, status: orders.get(id)?.status, recent: orders.get(id)?.timeline.slice(-3) }));
    expect(unsettled).toEqual([]);
    expect(ordersWith('ACTIVE').length).toBeGreaterThanOrEqual(accepted.length / 2);
    expect(cancelAnswers.filter((s) => s !== 202 && s !== 409)).toEqual([]);
  });

  it('leaves exactly one installed server per ACTIVE order, the one the order reports', () => {
    for (const id of ordersWith('ACTIVE')) {
      const { server } = orders.get(id)!;
      const onPanel = panel.servers.filter((s) => s.external_id === ownExternalId(id));
      expect({ id, servers: onPanel.map((s) => s.id) }).toEqual({ id, servers: [server!.id] });
      expect(onPanel[0]).toMatchObject({ status: null, suspended: false, allocation: server!.allocation.id });
    }
  });

  it('leaves no server for FAILED or CANCELLED orders, with every rollback finished', () => {
    for (const id of [...ordersWith('FAILED'), ...ordersWith('CANCELLED')]) {
      const order = orders.get(id)!;
      expect({
        id,
        servers: panel.servers.filter((s) => s.external_id === ownExternalId(id)),
        compensationErrors: order.compensationErrors,
      }).toEqual({ id, servers: [], compensationErrors: [] });
    }
    expect(panel.servers).toHaveLength(ordersWith('ACTIVE').length);
  });

  it("leaves only the ACTIVE orders' allocations assigned on the panel", () => {
    const assigned = panel.allocations
      .filter((a) => a.server !== null)
      .map((a) => `${a.id}->${a.server}`)
      .sort();
    const owned = ordersWith('ACTIVE')
      .map((id) => orders.get(id)!.server!)
      .map((s) => `${s.allocation.id}->${s.id}`)
      .sort();
    expect(assigned).toEqual(owned);
  });

  it('knows nothing of refused orders', async () => {
    for (const id of submitted.filter((o) => !accepted.includes(o))) {
      expect({ id, status: (await stack.api('GET', `/v1/orders/${id}`)).status }).toEqual({ id, status: 404 });
    }
  });

  it('stops on SIGTERM with exit code 0, leaving no process behind', async () => {
    expect(await stack.stop()).toEqual({ code: 0, leftBehind: [] });
  }, 60_000);
});
