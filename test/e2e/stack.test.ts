import type { SimState } from '../../sim/src';
import type { QueueOverview } from '../../src/api/queue-overview';
import { orderBody, startStack, type StackProcess } from './stack-process';
import {
  cancel,
  cancelPastAllocation,
  NOT_CANCELLABLE,
  orphanServers,
  serversOfOrder,
  settle,
  queueAfter,
  type CancelRecord,
  type OrderView,
} from './stack-orders';

const ORDERS = 30;
/** Three orders per user: under MAX_INFLIGHT_PER_USER (5), so every order must be accepted. */
const USERS = 10;
/** Cancelled right after their 202 (still QUEUED: the cancel must be accepted). */
const CANCEL_QUEUED = new Set(['e2e-0', 'e2e-1', 'e2e-2']);
/** Cancelled as soon as they are seen past allocation (a server may exist on the panel). */
const CANCEL_IN_FLIGHT = new Set(['e2e-3', 'e2e-4', 'e2e-5']);
/** Long enough that an order watched every 100 ms is seen while CREATING or INSTALLING, so its cancel lands. */
const INSTALL_MS = 1500;
/**
 * A liveness bound, not a speed target. A rollback retries its 5xx with backoff up to 2 min and waits 20 s for a
 * create that may still land; at 30% 5xx an attempt of deleteServer fails about half the time, so a cancelled order
 * usually settles in under a minute but now and then takes several.
 */
const SETTLE_WITHIN_MS = 360_000;
/** The simulated panel's rate limit here (the default 240/min would make the test minutes long); the worker is told. */
const PANEL_RATE_LIMIT = 100_000;
/**
 * The failure types the injected faults cause: a 5xx is PanelUnavailable, a create that never answers PanelTimeout.
 * Both are retryable, so a step out of retries on them parks the order (NEEDS_ATTENTION, STEP_RETRIES_EXHAUSTED);
 * none of them can make an order FAILED.
 */
const FAULT_FAILURE_TYPES = ['PanelUnavailable', 'PanelTimeout'];

describe('the npm start stack with a faulty panel (30% 5xx, 10% creates that time out but succeed)', () => {
  let stack: StackProcess;
  let users: number[];
  let answers: Array<{ status: number; body: { orderId?: string; status?: string } }>;
  let cancels: CancelRecord[];
  let orders: Map<string, OrderView>;
  let panel: SimState;
  let queue: QueueOverview;

  beforeAll(async () => {
    stack = await startStack({
      env: { LOG_LEVEL: 'error', PROVIDER_RATE_LIMIT: String(PANEL_RATE_LIMIT), QUEUE_CENSUS_INTERVAL: '5s' },
    });
    await stack.setFaults({
      errorRate: 0.3,
      createTimeoutButSucceedsRate: 0.1,
      installMs: INSTALL_MS,
      rateLimitPerMinute: PANEL_RATE_LIMIT,
      seed: 11,
    });
    users = [1, 2, 3];
    while (users.length < USERS) users.push(await stack.addUser());
    const submitted = Array.from({ length: ORDERS }, (_, i) => `e2e-${i}`);
    const cancelling: Array<Promise<CancelRecord>> = [];
    answers = await Promise.all(
      submitted.map(async (id, i) => {
        const body = orderBody(id, { userId: users[i % USERS], tier: ['premium', 'standard', 'free'][i % 3] });
        const res = await stack.api<{ orderId: string; status: string }>('POST', '/v1/orders', body);
        if (res.status === 202 && CANCEL_QUEUED.has(id)) cancelling.push(cancel(stack, id, res.body.status));
        if (res.status === 202 && CANCEL_IN_FLIGHT.has(id))
          cancelling.push(cancelPastAllocation(stack, id, SETTLE_WITHIN_MS));
        return res;
      }),
    );
    cancels = await Promise.all(cancelling);
    const accepted = submitted.filter((_, i) => answers[i].status === 202);
    orders = await settle(stack, accepted, SETTLE_WITHIN_MS);
    const settledAt = Date.now();
    panel = await stack.simState();
    queue = await queueAfter(stack, settledAt, 30_000);
  }, 450_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const ids = () => [...orders.keys()];
  const ordersWith = (status: string) => ids().filter((id) => orders.get(id)!.status === status);
  const brief = (id: string) => ({ id, status: orders.get(id)!.status, error: orders.get(id)!.error });
  const cancelOf = (id: string) => cancels.find((c) => c.orderId === id);

  it('accepts every order (202 QUEUED): three per user stay under the in-flight limit', () => {
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(answers.map(() => [202, 'QUEUED']));
    expect(orders.size).toBe(ORDERS);
  });

  it('accepts the cancel of a QUEUED order, which ends CANCELLED with nothing on the panel', () => {
    for (const id of CANCEL_QUEUED) {
      const { status, error, compensationErrors } = orders.get(id)!;
      const servers = serversOfOrder(panel, id);
      expect({ id, answer: cancelOf(id)?.answer, status, error: error?.type, compensationErrors, servers }).toEqual({
        id,
        answer: 202,
        status: 'CANCELLED',
        error: 'Cancelled',
        compensationErrors: [],
        servers: [],
      });
    }
  });

  it('accepts the cancel of an order past allocation (refusing it only once the order had ended)', () => {
    for (const id of CANCEL_IN_FLIGHT) {
      const c = cancelOf(id)!;
      const order = orders.get(id)!;
      if (c.answer === 202) {
        const servers = serversOfOrder(panel, id);
        expect({ id, status: order.status, error: order.error?.type, left: order.compensationErrors, servers }).toEqual(
          { id, status: 'CANCELLED', error: 'Cancelled', left: [], servers: [] },
        );
        continue;
      }
      // A refusal is right only if the order had left the cancellable states before the answer came back.
      const endedBefore = order.timeline.find((t) => NOT_CANCELLABLE.has(t.status) && Date.parse(t.at) <= c.answeredAt);
      expect({
        id,
        answer: c.answer,
        code: c.body.error?.code,
        status: order.status,
        endedBefore: !!endedBefore,
      }).toEqual({ id, answer: 409, code: 'order_finished', status: 'ACTIVE', endedBefore: true });
    }
    const rolledBack = [...CANCEL_IN_FLIGHT].filter((id) => cancelOf(id)!.answer === 202);
    expect(rolledBack.length).toBeGreaterThan(0);
  });

  it('brings every other order to ACTIVE: no order stuck, none FAILED, parked only on the injected faults', () => {
    const expected = (id: string) => (cancelOf(id)?.answer === 202 ? 'CANCELLED' : 'ACTIVE');
    const parkedOnFaults = (o: OrderView) =>
      o.status === 'NEEDS_ATTENTION' &&
      o.parked?.reason === 'STEP_RETRIES_EXHAUSTED' &&
      o.parked.errors.every((e) => FAULT_FAILURE_TYPES.includes(e.type));
    const unexplained = ids().filter(
      (id) => orders.get(id)!.status !== expected(id) && !parkedOnFaults(orders.get(id)!),
    );
    expect(unexplained.map(brief)).toEqual([]);
    expect(ordersWith('FAILED').map(brief)).toEqual([]);
    for (const id of ordersWith('ACTIVE')) expect({ id, error: orders.get(id)!.error }).toEqual({ id, error: null });
  });

  it('leaves exactly one installed server per ACTIVE order: the one it reports, for its user and limits', () => {
    for (const id of ordersWith('ACTIVE')) {
      const { server, userId } = orders.get(id)!;
      const onPanel = serversOfOrder(panel, id);
      expect({ id, servers: onPanel.map((s) => s.id) }).toEqual({ id, servers: [server!.id] });
      const ordered = orderBody(id, { userId });
      expect(onPanel[0]).toMatchObject({
        name: ordered.name,
        user: userId,
        egg: ordered.eggId,
        limits: ordered.limits,
        feature_limits: ordered.featureLimits,
        allocation: server!.allocation.id,
        status: null,
        suspended: false,
        container: { installed: 1 },
      });
    }
    expect(panel.calls.rateLimited).toBe(0);
  });

  it('leaves no server for CANCELLED orders, never two for one order, and none that belongs to no order', () => {
    for (const id of ids()) {
      const servers = serversOfOrder(panel, id).map((s) => s.id);
      const most = ['CANCELLED', 'FAILED'].includes(orders.get(id)!.status) ? 0 : 1;
      expect({ id, tooMany: servers.length > most ? servers : [] }).toEqual({ id, tooMany: [] });
    }
    expect(orphanServers(panel, ids())).toEqual([]);
  });

  it("leaves only the ACTIVE (or parked) orders' allocations assigned on the panel", () => {
    const assigned = panel.allocations
      .filter((a) => a.server !== null)
      .map((a) => `${a.id}->${a.server}`)
      .sort();
    const owned = ids()
      .filter((id) => ['ACTIVE', 'NEEDS_ATTENTION'].includes(orders.get(id)!.status))
      .flatMap((id) => serversOfOrder(panel, id))
      .map((s) => `${s.allocation}->${s.id}`)
      .sort();
    expect(assigned).toEqual(owned);
  });

  it('leaves no order waiting or in progress and no capacity reserved (GET /v1/queue after the last order settled)', () => {
    const parked = ordersWith('NEEDS_ATTENTION').length;
    expect({ backlog: queue.backlog.total, inProgress: queue.inProgress.total }).toEqual({ backlog: 0, inProgress: 0 });
    expect(queue.flowControl.state).toBe('reporting');
    const nodes = queue.flowControl.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      const held = { memory: node.memory.reserved, disk: node.disk.reserved, allocations: node.allocations.reserved };
      if (parked === 0)
        expect({ node: node.nodeId, held }).toEqual({
          node: node.nodeId,
          held: { memory: 0, disk: 0, allocations: 0 },
        });
      else expect(held.allocations).toBeLessThanOrEqual(parked);
    }
  });

  it('stops on SIGTERM with exit code 0, leaving no process behind', async () => {
    expect(await stack.stop()).toEqual({ code: 0, leftBehind: [] });
  }, 60_000);
});
