import { status } from '@grpc/grpc-js';
import { WorkflowHandle } from '@temporalio/client';
import type { Priority } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivitySpec } from './fixtures/server-workflows';
import { localEnv } from './helpers';
import { eventually, serverWorker } from './harness';

const TQT = temporal.api.enums.v1.TaskQueueType;
const WF_QUEUE = 'tq-workflows';

describe('task queues: priority, fairness, rate limits and DescribeTaskQueue', () => {
  let env: TestWorkflowEnvironment;
  let workflowWorker: Worker;
  let running: Promise<void>;
  let seq = 0;

  const describeQueue = (name: string, type = TQT.TASK_QUEUE_TYPE_ACTIVITY, extra: object = {}) =>
    env.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name }, taskQueueType: type, ...extra });
  const backlogOf = async (name: string, type = TQT.TASK_QUEUE_TYPE_ACTIVITY) =>
    Number((await describeQueue(name, type, { reportStats: true })).stats?.approximateBacklogCount ?? 0);
  const waitForBacklog = (name: string, n: number, type = TQT.TASK_QUEUE_TYPE_ACTIVITY) =>
    eventually(async () => ((await backlogOf(name, type)) === n ? true : undefined), 10_000, `backlog of ${n} on ${name}`);
  const fanOut = (activityQueue: string, specs: ActivitySpec[], priority?: Priority): Promise<WorkflowHandle> =>
    env.client.workflow.start('fanOut', { taskQueue: WF_QUEUE, workflowId: `tq-fanout-${++seq}`, args: [activityQueue, specs], priority });

  /** Runs the backlog of `queue` through one activity worker that executes one task at a time; the execution order. */
  async function drainOneAtATime(queue: string, until: Promise<unknown>): Promise<string[]> {
    const order: string[] = [];
    const worker = await serverWorker({
      connection: env.nativeConnection, taskQueue: queue, maxConcurrentActivityTaskExecutions: 1,
      activities: { record: async (id: string) => (order.push(id), id) },
    });
    await worker.runUntil(until);
    return order;
  }

  beforeAll(async () => {
    env = await localEnv();
    workflowWorker = await serverWorker({ connection: env.nativeConnection, taskQueue: WF_QUEUE });
    running = workflowWorker.run();
  });
  afterAll(async () => {
    workflowWorker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('dispatches backlogged activities lowest priority key first, in arrival order within a key, unset as 3 and keys above 5 as 5', async () => {
    const q = 'tq-priority';
    const specs: ActivitySpec[] = [
      { id: 'p5-a', priority: { priorityKey: 5 } }, { id: 'p1-a', priority: { priorityKey: 1 } }, { id: 'unset-a' },
      { id: 'p2-a', priority: { priorityKey: 2 } }, { id: 'p9-a', priority: { priorityKey: 9 } }, { id: 'p1-b', priority: { priorityKey: 1 } },
      { id: 'p4-a', priority: { priorityKey: 4 } }, { id: 'p3-a', priority: { priorityKey: 3 } },
    ];
    const h = await fanOut(q, specs);
    await waitForBacklog(q, specs.length);
    const byKey = (await describeQueue(q, TQT.TASK_QUEUE_TYPE_ACTIVITY, { reportStats: true })).statsByPriorityKey ?? {};
    expect(Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, Number(v.approximateBacklogCount)])))
      .toEqual({ 1: 2, 2: 1, 3: 2, 4: 1, 5: 2 });
    const order = await drainOneAtATime(q, h.result());
    expect(order).toEqual(['p1-a', 'p1-b', 'p2-a', 'unset-a', 'p3-a', 'p4-a', 'p5-a', 'p9-a']);
  });

  it("gives activities the workflow's priority key unless they set their own, field by field", async () => {
    const q = 'tq-inherit';
    const low = await fanOut(q, [{ id: 'low-1' }, { id: 'low-2' }], { priorityKey: 5 });
    await waitForBacklog(q, 2);
    const high = await fanOut(q, [{ id: 'high-1', priority: { fairnessKey: 'tenant' } }, { id: 'high-own-4', priority: { priorityKey: 4 } }], { priorityKey: 1 });
    const middle = await fanOut(q, [{ id: 'default-1' }]);
    await waitForBacklog(q, 5);
    const order = await drainOneAtATime(q, Promise.all([low.result(), high.result(), middle.result()]));
    expect(order).toEqual(['high-1', 'default-1', 'high-own-4', 'low-1', 'low-2']);
    expect((await high.describe()).priority?.priorityKey).toBe(1);
  });

  it('takes turns between fairness keys within a priority, keeping each key in arrival order', async () => {
    const q = 'tq-fair';
    const key = (id: string) => ({ id, priority: { fairnessKey: id.slice(0, 1) } });
    const h = await fanOut(q, ['A1', 'A2', 'A3', 'B1', 'B2', 'C1'].map(key));
    await waitForBacklog(q, 6);
    expect(await drainOneAtATime(q, h.result())).toEqual(['A1', 'B1', 'C1', 'A2', 'B2', 'A3']);
  });

  it('shares dispatches between fairness keys in proportion to their weights', async () => {
    const q = 'tq-weighted';
    const spec = (id: string, fairnessWeight: number) => ({ id, priority: { fairnessKey: id.slice(0, 1), fairnessWeight } });
    const h = await fanOut(q, [spec('A1', 2), spec('A2', 2), spec('A3', 2), spec('A4', 2), spec('B1', 1), spec('B2', 1)]);
    await waitForBacklog(q, 6);
    expect(await drainOneAtATime(q, h.result())).toEqual(['A1', 'A2', 'B1', 'A3', 'A4', 'B2']);
  });

  it('dispatches backlogged workflow tasks by the priority the workflow was started with', async () => {
    const q = 'tq-wft-priority';
    const ids = ['wft-p5', 'wft-unset', 'wft-p1'];
    const priorities: (Priority | undefined)[] = [{ priorityKey: 5 }, undefined, { priorityKey: 1 }];
    const handles = await Promise.all(ids.map((id, i) => env.client.workflow.start('quick', { taskQueue: q, workflowId: id, args: [id], priority: priorities[i] })));
    await waitForBacklog(q, 3, TQT.TASK_QUEUE_TYPE_WORKFLOW);
    const polled: string[] = [];
    for (let i = 0; i < 3; i++) {
      const task = await env.connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: q }, identity: 'raw-poller' });
      polled.push(task.workflowExecution?.workflowId ?? '');
    }
    expect(polled).toEqual(['wft-p1', 'wft-unset', 'wft-p5']);
    await Promise.all(handles.map((h) => h.terminate()));
  });

  it('rejects a negative priority key and an over-long fairness key with INVALID_ARGUMENT', async () => {
    const start = (priority: object) => env.connection.workflowService.startWorkflowExecution({
      namespace: 'default', workflowId: `tq-bad-${++seq}`, workflowType: { name: 'quick' }, taskQueue: { name: 'tq-bad' }, requestId: `r-${seq}`, priority,
    });
    await expect(start({ priorityKey: -1 })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    await expect(start({ fairnessKey: 'k'.repeat(65) })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it("holds dispatch from a queue to the workers' maxTaskQueueActivitiesPerSecond, shared by all its workers", async () => {
    const q = 'tq-rate';
    const rate = 10;
    const total = 20;
    const h = await fanOut(q, Array.from({ length: total }, (_, i) => ({ id: `r${i}` })));
    await waitForBacklog(q, total);
    const starts: number[] = [];
    const secondConnection = await NativeConnection.connect({ address: env.address });
    try {
      const workers = await Promise.all([env.nativeConnection, secondConnection].map((connection) => serverWorker({
        connection, taskQueue: q, maxTaskQueueActivitiesPerSecond: rate, maxConcurrentActivityTaskExecutions: 50,
        activities: { record: async (id: string) => (starts.push(Date.now()), id) },
      })));
      await Promise.all(workers.map((w) => w.runUntil(h.result())));
    } finally {
      await secondConnection.close();
    }
    expect(starts).toHaveLength(total);
    starts.sort((a, b) => a - b);
    for (let k = rate; k < total; k++) {
      expect(starts[k] - starts[0]).toBeGreaterThanOrEqual(((k - rate) / rate) * 1000 - 60);
    }
    expect(starts[total - 1] - starts[0]).toBeLessThan(((total - rate) / rate) * 1000 + 1500);
  });

  it('describes backlog, pollers, rates and the effective rate limit of a queue', async () => {
    const q = 'tq-describe';
    const h = await fanOut(q, [{ id: 'd1' }, { id: 'd2' }, { id: 'd3', priority: { priorityKey: 1 } }]);
    await waitForBacklog(q, 3);
    await new Promise((r) => setTimeout(r, 50));
    const before = await describeQueue(q, TQT.TASK_QUEUE_TYPE_ACTIVITY, { reportStats: true, includeTaskQueueStatus: true });
    expect(Number(before.stats?.approximateBacklogAge?.seconds ?? 0) * 1000 + (before.stats?.approximateBacklogAge?.nanos ?? 0) / 1e6).toBeGreaterThanOrEqual(40);
    expect(before.stats?.tasksAddRate).toBeGreaterThan(0);
    expect(Number(before.taskQueueStatus?.backlogCountHint)).toBe(3);
    expect(before.pollers).toEqual([]);
    const worker = await serverWorker({
      connection: env.nativeConnection, taskQueue: q, identity: 'describe-worker', maxTaskQueueActivitiesPerSecond: 100,
      activities: { record: async (id: string) => id },
    });
    await worker.runUntil(async () => {
      await h.result();
      const during = await describeQueue(q, TQT.TASK_QUEUE_TYPE_ACTIVITY, { reportStats: true, reportConfig: true });
      expect(Number(during.stats?.approximateBacklogCount)).toBe(0);
      expect(during.stats?.tasksDispatchRate).toBeGreaterThan(0);
      expect(during.pollers?.map((p) => p.identity)).toContain('describe-worker');
      expect(during.pollers?.[0].ratePerSecond).toBe(100);
      expect(during.effectiveRateLimit?.requestsPerSecond).toBe(100);
    });
    const workflowQueue = await describeQueue(WF_QUEUE, TQT.TASK_QUEUE_TYPE_UNSPECIFIED);
    expect(workflowQueue.pollers?.length).toBeGreaterThan(0);
  });
});
