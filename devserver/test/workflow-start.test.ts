import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { WorkflowFailedError } from '@temporalio/client';
import { defineSearchAttributeKey, Duration, TimeoutFailure, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { counter, echo, failWith, finish, napper } from './fixtures/conformance-messaging';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, withWorker } from './support';

const KEYWORD = defineSearchAttributeKey('ConformanceStartKeyword', 'KEYWORD');

describe('starting workflows', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { [KEYWORD.name]: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const startCounter = (taskQueue: string, workflowId: string, extra: object = {}) =>
    env.client.workflow.start(counter, { taskQueue, workflowId, args: [0], ...extra });

  describe('id conflict policy (a run with the id is open)', () => {
    it('FAIL rejects the second start with WorkflowExecutionAlreadyStartedError', () => withWorker(env, 'conflict-fail', async (taskQueue) => {
      const id = unique('conflict-fail');
      await startCounter(taskQueue, id);
      await expect(startCounter(taskQueue, id, { workflowIdConflictPolicy: 'FAIL' })).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
      await expect(startCounter(taskQueue, id)).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    }));

    it('USE_EXISTING answers with the running run instead of starting another', () => withWorker(env, 'conflict-use', async (taskQueue) => {
      const id = unique('conflict-use');
      const first = await startCounter(taskQueue, id);
      const second = await startCounter(taskQueue, id, { workflowIdConflictPolicy: 'USE_EXISTING' });
      expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
      await first.signal(finish);
      expect(await second.result()).toBe(0);
    }));

    it('TERMINATE_EXISTING terminates the running run and starts a new one', () => withWorker(env, 'conflict-term', async (taskQueue) => {
      const id = unique('conflict-term');
      const first = await startCounter(taskQueue, id);
      const second = await startCounter(taskQueue, id, { workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
      expect(second.firstExecutionRunId).not.toBe(first.firstExecutionRunId);
      const old = env.client.workflow.getHandle(id, first.firstExecutionRunId);
      expect((await old.describe()).status.name).toBe('TERMINATED');
      expect((await second.describe()).status.name).toBe('RUNNING');
    }));
  });

  describe('id reuse policy (the previous run is closed)', () => {
    it('ALLOW_DUPLICATE starts a new run after a completed one', () => withWorker(env, 'reuse-allow', async (taskQueue) => {
      const id = unique('reuse-allow');
      expect(await env.client.workflow.execute(echo, { taskQueue, workflowId: id, args: ['one'] })).toBe('one');
      const again = await env.client.workflow.start(echo, { taskQueue, workflowId: id, args: ['two'], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
      expect(await again.result()).toBe('two');
    }));

    it('ALLOW_DUPLICATE_FAILED_ONLY refuses after a completed run and allows after a failed one', () => withWorker(env, 'reuse-failed', async (taskQueue) => {
      const done = unique('reuse-failed-ok');
      await env.client.workflow.execute(echo, { taskQueue, workflowId: done, args: ['ok'] });
      await expect(env.client.workflow.start(echo, { taskQueue, workflowId: done, args: ['x'], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' }))
        .rejects.toThrow(WorkflowExecutionAlreadyStartedError);
      const failed = unique('reuse-failed-bad');
      await expect(env.client.workflow.execute(failWith, { taskQueue, workflowId: failed, args: ['boom'] })).rejects.toThrow(WorkflowFailedError);
      const retry = await env.client.workflow.start(echo, { taskQueue, workflowId: failed, args: ['again'], workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' });
      expect(await retry.result()).toBe('again');
    }));

    it('REJECT_DUPLICATE refuses any new run with the id', () => withWorker(env, 'reuse-reject', async (taskQueue) => {
      const id = unique('reuse-reject');
      await expect(env.client.workflow.execute(failWith, { taskQueue, workflowId: id, args: ['boom'] })).rejects.toThrow(WorkflowFailedError);
      await expect(env.client.workflow.start(echo, { taskQueue, workflowId: id, args: ['x'], workflowIdReusePolicy: 'REJECT_DUPLICATE' }))
        .rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    }));
  });

  it('answers a repeated request id with the run it already started', async () => {
    const taskQueue = unique('request-id');
    const request = {
      namespace: 'default', workflowId: unique('request-id'), workflowType: { name: 'echo' }, taskQueue: { name: taskQueue },
      requestId: randomUUID(), identity: 'conformance-test',
    };
    const first = await env.client.workflowService.startWorkflowExecution(request);
    const second = await env.client.workflowService.startWorkflowExecution(request);
    expect(second.runId).toBe(first.runId);
    const other = env.client.workflowService.startWorkflowExecution({ ...request, requestId: randomUUID() });
    await expect(other).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
  });

  it('stores memo and search attributes given at start', () => withWorker(env, 'memo', async (taskQueue) => {
    const handle = await startCounter(taskQueue, unique('memo'), {
      memo: { owner: 'conformance', size: 3 },
      typedSearchAttributes: [{ key: KEYWORD, value: 'tagged' }],
    });
    const description = await handle.describe();
    expect(description.memo).toEqual({ owner: 'conformance', size: 3 });
    expect(description.typedSearchAttributes.get(KEYWORD)).toBe('tagged');
    const started = (await historyOf(handle))[0].workflowExecutionStartedEventAttributes;
    expect(Object.keys(started?.memo?.fields ?? {})).toEqual(['owner', 'size']);
    expect(Object.keys(started?.searchAttributes?.indexedFields ?? {})).toContain(KEYWORD.name);
  }));

  it.each<[string, { workflowRunTimeout?: Duration; workflowExecutionTimeout?: Duration }]>([
    ['run timeout', { workflowRunTimeout: '1 hour' }],
    ['execution timeout', { workflowExecutionTimeout: '1 hour' }],
  ])('ends the run TIMED_OUT when its %s passes', (_name, timeout) => withWorker(env, 'timeout', async (taskQueue) => {
    const handle = await env.client.workflow.start(napper, { taskQueue, workflowId: unique('timeout'), args: [24 * 3600_000], ...timeout });
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TimeoutFailure);
    expect((await handle.describe()).status.name).toBe('TIMED_OUT');
    expect((await historyOf(handle)).map(typeName).at(-1)).toBe('WORKFLOW_EXECUTION_TIMED_OUT');
  }));
});
