import { temporal } from '@temporalio/proto';
import { readFlowSnapshot } from '../../src/flow/snapshot';
import { providerTaskQueue } from '../../src/workflows/flow-contract';
import { PROVIDER_ACTIVITIES } from '../../src/workflows/activity-contract';
import { paperOrder } from '../activities/panel-harness';
import { addUsers, peakInWindow, startFlowRig, type FlowRig } from './flow-harness';
import { startWorkflowHarness, type WorkflowHarness } from './harness';

jest.setTimeout(180_000);

const providerTypes = new Set<string>(PROVIDER_ACTIVITIES);

describe('flow control: one provider budget for every worker process', () => {
  let h: WorkflowHarness;
  let rig: FlowRig | undefined;
  let users: number[] = [];
  beforeAll(async () => {
    h = await startWorkflowHarness({ engine: 'dev-server' });
  });
  afterAll(async () => {
    await h?.teardown();
  });
  beforeEach(async () => {
    await h.panel.reset();
    users = await addUsers(h, 4);
  });
  afterEach(async () => {
    await rig?.stop();
    rig = undefined;
  });

  it('never exceeds the budget with two worker processes polling the provider queue, and gets no 429', async () => {
    await h.panel.faults({ rateLimitPerMinute: 240 });
    rig = await startFlowRig(h, { processes: 2, flowConfig: { rateLimitPerMinute: 240, rateReserve: 0.1 } });
    const handles = [];
    for (let i = 0; i < 16; i++) handles.push(await rig.start(paperOrder(`budget-${i}`, { userId: users[i % 4] })));
    const states = await rig.results(handles);
    expect(states.map((s) => s.status)).toEqual(states.map(() => 'ACTIVE'));

    const byProcess = [0, 1].map((p) => rig!.starts.filter((s) => s.process === p && providerTypes.has(s.type)).length);
    expect(byProcess.every((n) => n > 5)).toBe(true);
    // The panel's 4 requests a second (each process's token bucket holds its half of 90 % of it), plus the buckets'
    // bursts and one request in flight.
    expect(peakInWindow(rig.calls, 5_000)).toBeLessThanOrEqual(4 * 5 + 4 + 1);
    expect(peakInWindow(rig.calls, 10_000)).toBeLessThanOrEqual(4 * 10 + 4 + 1);
    expect((await h.panel.state()).calls.rateLimited).toBe(0);

    const snapshot = await readFlowSnapshot(h.env.client, rig.taskQueue);
    expect(snapshot?.processes).toHaveLength(2);
    expect(snapshot?.budget).toMatchObject({
      limitPerMinute: 240,
      reserve: 0.1,
      maxRatePerMinute: 216,
      rateLimitedLastMinute: 0,
    });
    expect(snapshot?.budget.callsLastMinute).toBeGreaterThan(0);
    expect(snapshot?.breakers[0]).toMatchObject({ scope: 'panel', state: 'closed' });
    expect(snapshot?.nodes.map((n) => n.nodeId)).toEqual(expect.arrayContaining([1, 2]));
  });

  it('slows the provider queue down when the panel answers 429, and the orders still finish', async () => {
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 240, rateReserve: 0 },
      flowOptions: { minRatePerMinute: 60, rateRecoveryStepMs: 1000 },
    });
    while (rig.workers[0].provider.ratePerMinute === undefined) await new Promise((r) => setTimeout(r, 20));
    const initial = rig.workers[0].provider.ratePerMinute;
    await h.panel.faults({ rateLimitPerMinute: 6 });
    const rates: number[] = [];
    const holds: number[] = [];
    const sample = setInterval(() => {
      rates.push(rig!.workers[0].provider.ratePerMinute ?? 0);
      holds.push(rig!.flows[0].rate.heldUntil());
    }, 100);
    const handles = [];
    for (let i = 0; i < 3; i++) handles.push(await rig.start(paperOrder(`throttled-${i}`, { userId: users[i] })));
    while ((await h.panel.state()).calls.rateLimited === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    await h.panel.faults({});
    const states = await rig.results(handles);
    clearInterval(sample);

    expect(states.map((s) => s.status)).toEqual(['ACTIVE', 'ACTIVE', 'ACTIVE']);
    expect(rig.flows[0].rate.lastRateLimitedAt).not.toBeNull();
    expect(Math.min(...rates)).toBeLessThan(initial / 2);
    expect(Math.max(...holds)).toBeGreaterThan(0);
  });

  it("changes the provider queue's rate on the server while orders flow, never stopping a poller", async () => {
    await h.panel.faults({ rateLimitPerMinute: 6000 });
    rig = await startFlowRig(h, {
      flowConfig: { rateLimitPerMinute: 600, rateReserve: 0 },
      flowOptions: { minRatePerMinute: 60, rateRecoveryStepMs: 500 },
    });
    const host = rig.workers[0].provider;
    const queueRate = async () => {
      const described = await h.env.client.workflowService.describeTaskQueue({
        namespace: 'default',
        taskQueue: { name: providerTaskQueue(rig!.taskQueue) },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        reportConfig: true,
      });
      return {
        source: described.effectiveRateLimit?.rateLimitSource,
        perSecond: described.effectiveRateLimit?.requestsPerSecond,
      };
    };
    while (host.ratePerMinute === undefined) await new Promise((r) => setTimeout(r, 20));
    // The server applies a queue's configuration to its loaded partitions when their user data changes, not inside
    // the UpdateTaskQueueConfig call, so the first describe may still show the system default.
    const initial = await waitForRate(
      () => queueRate(),
      (r) => r.source === temporal.api.enums.v1.RateLimitSource.RATE_LIMIT_SOURCE_API,
    );
    expect(initial.source).toBe(temporal.api.enums.v1.RateLimitSource.RATE_LIMIT_SOURCE_API);
    expect(initial.perSecond).toBeCloseTo(host.ratePerMinute! / 60, 3);
    const full = initial.perSecond!;

    const handles = [];
    for (let i = 0; i < 8; i++) handles.push(await rig.start(paperOrder(`rate-${i}`, { userId: users[i % 4] })));
    rig.flows[0].rate.rateLimited(1500);
    const slowed = await waitForRate(
      () => queueRate(),
      (r) => (r.perSecond ?? full) < full * 0.6,
    );
    expect(slowed.source).toBe(temporal.api.enums.v1.RateLimitSource.RATE_LIMIT_SOURCE_API);
    expect(slowed.perSecond).toBeLessThan(full * 0.6);
    const recovered = await waitForRate(
      () => queueRate(),
      (r) => (r.perSecond ?? 0) > full * 0.8,
    );
    expect(recovered.perSecond).toBeGreaterThan(full * 0.8);

    const states = await rig.results(handles);
    expect(states.map((s) => s.status)).toEqual(states.map(() => 'ACTIVE'));
    const providerAttempts = rig.starts.filter((s) => providerTypes.has(s.type));
    const perOrderAndType = new Map<string, number>();
    for (const start of providerAttempts)
      perOrderAndType.set(
        `${start.orderId}/${start.type}`,
        (perOrderAndType.get(`${start.orderId}/${start.type}`) ?? 0) + 1,
      );
    expect([...perOrderAndType.values()].every((n) => n === 1)).toBe(true);
  });
});

async function waitForRate<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
