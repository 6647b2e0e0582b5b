import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { localEnv } from './helpers';
import { serverWorker } from './harness';

const WF_QUEUE = 'shutdown-workflows';

describe('worker shutdown (namespace capability workerPollCompleteOnShutdown)', () => {
  let env: TestWorkflowEnvironment;
  let workflowWorker: Worker;
  let running: Promise<void>;

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

  it('advertises the capability on DescribeNamespace', async () => {
    const ns = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.capabilities?.workerPollCompleteOnShutdown).toBe(true);
  });

  it('loses no activity task while activity workers are stopped and replaced again and again', async () => {
    const queue = 'shutdown-activities';
    const ids = Array.from({ length: 40 }, (_, i) => ({ id: `task-${i}` }));
    const handle: WorkflowHandle = await env.client.workflow.start('fanOut', { taskQueue: WF_QUEUE, workflowId: 'shutdown-fanout', args: [queue, ids] });
    let done = false;
    const result = handle.result().finally(() => { done = true; });
    const startedAt = Date.now();
    while (!done && Date.now() - startedAt < 25_000) {
      const worker = await serverWorker({
        connection: env.nativeConnection, taskQueue: queue, maxTaskQueueActivitiesPerSecond: 20,
        activities: { record: async (id: string) => id },
      });
      await worker.runUntil(new Promise((r) => setTimeout(r, 150)));
    }
    expect(await result).toEqual(ids.map((s) => s.id));
    expect(Date.now() - startedAt).toBeLessThan(25_000);
  });
});
