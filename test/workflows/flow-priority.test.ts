import type { Order, Tier } from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY, PROMOTED_PRIORITY_KEY, TIER_PRIORITY_KEY } from '../../src/workflows/flow-contract';
import { paperOrder } from '../activities/panel-harness';
import {
  addUsers,
  firstStarts,
  priorityInversions,
  scheduledAt,
  startFlowRig,
  startOrder,
  type FlowRig,
} from './flow-harness';
import { startWorkflowHarness, type WorkflowHarness } from './harness';

jest.setTimeout(120_000);

/** 180 requests a minute: the provider queue dispatches about twice a second, so a dozen orders saturate it. */
const SATURATED = { rateLimitPerMinute: 180, rateReserve: 0 };
/**
 * From a step's scheduled event until its task waits in the matcher's backlog, and from dispatch until the worker
 * starts it: a step counts as waiting beside another only once this has passed (dispatches are 333 ms apart here).
 */
const QUEUE_SETTLE_MS = 250;

describe('flow control: priority, fairness and aging on the provider task queue', () => {
  let h: WorkflowHarness;
  let rig: FlowRig | undefined;
  beforeAll(async () => {
    h = await startWorkflowHarness({ engine: 'dev-server' });
  });
  afterAll(async () => {
    await h?.teardown();
  });
  beforeEach(async () => {
    await h.panel.reset();
    users = await addUsers(h, 12);
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  let users: number[] = [];
  /** `user` is an index into the users the test added. */
  const order = (id: string, tier: Tier, user: number): Order => paperOrder(id, { tier, userId: users[user] });

  it('serves premium before standard before free when the provider budget is saturated', async () => {
    rig = await startFlowRig(h, { flowConfig: SATURATED });
    const orders = [
      ...[0, 1, 2, 3, 4, 5].map((i) => order(`prio-free-${i}`, 'free', i)),
      ...[0, 1, 2].map((i) => order(`prio-standard-${i}`, 'standard', 6 + i)),
      ...[0, 1, 2].map((i) => order(`prio-premium-${i}`, 'premium', 9 + i)),
    ];
    const handles = [];
    for (const o of orders) handles.push(await rig.start(o));
    const states = await rig.results(handles);
    expect(states.map((s) => s.status)).toEqual(orders.map(() => 'ACTIVE'));

    const tierOf = (orderId: string): number => TIER_PRIORITY_KEY[orders.find((o) => o.orderId === orderId)!.tier];
    const queued = new Map<string, number>();
    for (const [i, handle] of handles.entries()) queued.set(orders[i].orderId, await scheduledAt(handle, 'allocate'));
    expect(priorityInversions(rig.starts, 'allocate', queued, tierOf, QUEUE_SETTLE_MS)).toEqual([]);
    const allocations = firstStarts(rig.starts, 'allocate');
    const fromFirstPremium = allocations.slice(allocations.findIndex((id) => tierOf(id) === 1)).map(tierOf);
    expect(fromFirstPremium.filter((k) => k === 5).length).toBeGreaterThanOrEqual(3);
    expect(states.every((s) => !s.priority.promoted)).toBe(true);
  });

  it("lets two users of one tier take turns: a later user is not stuck behind another user's burst", async () => {
    rig = await startFlowRig(h, { flowConfig: SATURATED });
    const burst = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => order(`fair-a-${i}`, 'standard', 0));
    const later = [0, 1].map((i) => order(`fair-b-${i}`, 'standard', 1));
    const handles = [];
    for (const o of [...burst, ...later]) handles.push(await rig.start(o));
    const states = await rig.results(handles);
    expect(states.every((s) => s.status === 'ACTIVE' && s.priority.fairnessKey === `user-${s.userId}`)).toBe(true);

    const allocations = firstStarts(rig.starts, 'allocate');
    const lastB = Math.max(...later.map((o) => allocations.indexOf(o.orderId)));
    const aAfterB = burst.filter((o) => allocations.indexOf(o.orderId) > lastB);
    expect(aAfterB.length).toBeGreaterThanOrEqual(3);
  });

  it("promotes a free order whose step waited longer than the tier's maximum: delayed, never starved", async () => {
    const policy = { ...DEFAULT_FLOW_POLICY, free: { ...DEFAULT_FLOW_POLICY.free, maxQueueWaitMs: 1500 } };
    rig = await startFlowRig(h, { flowConfig: { ...SATURATED, policy } });
    const crowd = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => order(`aging-standard-${i}`, 'standard', i));
    const handles = [];
    for (const o of crowd) handles.push(await rig.start(o));
    const freeHandle = await rig.start(order('aging-free', 'free', 11));
    const [free, ...rest] = await rig.results([freeHandle, ...handles]);

    expect(free.status).toBe('ACTIVE');
    expect(free.priority).toMatchObject({
      promoted: true,
      priorityKey: PROMOTED_PRIORITY_KEY,
      promotedAt: expect.any(String),
    });
    expect(
      free.timeline.some((t) => t.detail.startsWith('waited more than 1.5 s for dispatch: promoted to priority 1')),
    ).toBe(true);
    expect(rest.every((s) => s.status === 'ACTIVE' && !s.priority.promoted)).toBe(true);
    const allocations = firstStarts(rig.starts, 'allocate');
    const standardAfterFree = crowd.filter((o) => allocations.indexOf(o.orderId) > allocations.indexOf('aging-free'));
    expect(standardAfterFree.length).toBeGreaterThanOrEqual(3);
  });

  it("applies the tier policy the order was accepted with, not the worker's: promoted after its own 1.5 s", async () => {
    rig = await startFlowRig(h, { flowConfig: SATURATED });
    const handles = [];
    for (let i = 0; i < 10; i++) handles.push(await rig.start(order(`accepted-standard-${i}`, 'standard', i)));
    const freeHandle = await rig.start(order('accepted-free', 'free', 11), {
      policy: { ...DEFAULT_FLOW_POLICY.free, maxQueueWaitMs: 1500 },
    });
    const [free] = await rig.results([freeHandle, ...handles]);
    expect(free.status).toBe('ACTIVE');
    expect(free.priority.promoted).toBe(true);
    expect(free.timeline.some((t) => t.detail.startsWith('waited more than 1.5 s for dispatch'))).toBe(true);
  });

  it("counts the maximum wait from the order's acceptance: accepted while no worker ran, it is promoted at its first step", async () => {
    const taskQueue = `flow-late-${Date.now()}`;
    const handle = await startOrder(h, taskQueue, order('late-free', 'free', 0), {
      policy: { ...DEFAULT_FLOW_POLICY.free, maxQueueWaitMs: 1500 },
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    rig = await startFlowRig(h, { taskQueue });
    const state = await rig.result(handle);
    expect(state.status).toBe('ACTIVE');
    expect(state.priority).toMatchObject({ promoted: true, priorityKey: PROMOTED_PRIORITY_KEY });
    const promotedAt = Date.parse(state.priority.promotedAt!);
    const allocated = Date.parse(state.timeline.find((t) => t.status === 'ALLOCATING')!.at);
    expect(allocated).toBeGreaterThanOrEqual(promotedAt);
    expect(firstStarts(rig.starts, 'allocate')).toEqual(['late-free']);
  });
});
