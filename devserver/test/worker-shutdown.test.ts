import { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv } from './helpers';

describe('worker shutdown (namespace capability workerPollCompleteOnShutdown)', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await localEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('advertises the capability on DescribeNamespace', async () => {
    const ns = await env.connection.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.capabilities?.workerPollCompleteOnShutdown).toBe(true);
  });

  it('answers a stopping worker\'s waiting poll at once, and its later polls, with empty responses', async () => {
    const service = env.connection.workflowService;
    const poll = (workerInstanceKey: string) => service.pollActivityTaskQueue({
      namespace: 'default', taskQueue: { name: 'shutdown-activities' }, identity: 'test', workerInstanceKey,
    });
    const startedAt = Date.now();
    const waiting = poll('stopping-worker');
    await new Promise((r) => setTimeout(r, 300));
    await service.shutdownWorker({ namespace: 'default', identity: 'test', workerInstanceKey: 'stopping-worker' });
    expect((await waiting).taskToken?.length ?? 0).toBe(0);
    expect((await poll('stopping-worker')).taskToken?.length ?? 0).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});
