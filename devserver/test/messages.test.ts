import { QueryNotRegisteredError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { add, collector, counter, finish, poke, received, total } from './fixtures/conformance-messaging';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, withWorker } from './support';

describe('signals, queries and updates', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const startCounter = (taskQueue: string) => env.client.workflow.start(counter, { taskQueue, workflowId: unique('counter'), args: [1] });

  describe('queries', () => {
    it('answers from the state of an open workflow', () => withWorker(env, 'query-open', async (taskQueue) => {
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('query-open'), args: [3] });
      expect(await handle.query(received)).toEqual([]);
      await handle.signal(poke, 'a');
      await handle.signal(poke, 'b');
      expect(await handle.query(received)).toEqual(['a', 'b']);
    }));

    it('answers from the final state of a closed workflow', () => withWorker(env, 'query-closed', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      await handle.executeUpdate(add, { args: [41] });
      await handle.signal(finish);
      expect(await handle.result()).toBe(42);
      expect(await handle.query(total)).toBe(42);
    }));

    it('rejects a query type the workflow does not handle with QueryNotRegisteredError', () => withWorker(env, 'query-unknown', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      const err = await handle.query('no-such-query').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(QueryNotRegisteredError);
      expect((err as Error).message).toContain('no-such-query');
    }));
  });

  describe('signals', () => {
    it('delivers signals in order as WorkflowExecutionSignaled events', () => withWorker(env, 'signals', async (taskQueue) => {
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('signals'), args: [3] });
      for (const s of ['one', 'two', 'three']) await handle.signal(poke, s);
      expect(await handle.result()).toEqual(['one', 'two', 'three']);
      const signalled = (await historyOf(handle)).filter((e) => typeName(e) === 'WORKFLOW_EXECUTION_SIGNALED');
      expect(signalled.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName)).toEqual(['poke', 'poke', 'poke']);
    }));

    it('refuses to signal a closed workflow with WorkflowNotFoundError', () => withWorker(env, 'signal-closed', async (taskQueue) => {
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('signal-closed'), args: [1] });
      await handle.signal(poke, 'last');
      await handle.result();
      await expect(handle.signal(poke, 'too late')).rejects.toThrow(WorkflowNotFoundError);
    }));
  });

  describe('updates', () => {
    it('returns the handler result and records acceptance and completion', () => withWorker(env, 'update-ok', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      expect(await handle.executeUpdate(add, { args: [4] })).toBe(5);
      expect(await handle.executeUpdate(add, { args: [5] })).toBe(10);
      const types = (await historyOf(handle)).map(typeName).filter((t) => t.startsWith('WORKFLOW_EXECUTION_UPDATE'));
      expect(types).toEqual(['WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'WORKFLOW_EXECUTION_UPDATE_COMPLETED', 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', 'WORKFLOW_EXECUTION_UPDATE_COMPLETED']);
    }));

    it('answers a repeated update id with the first outcome instead of running it again', () => withWorker(env, 'update-dedup', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      expect(await handle.executeUpdate(add, { args: [2], updateId: 'once' })).toBe(3);
      expect(await handle.executeUpdate(add, { args: [2], updateId: 'once' })).toBe(3);
      expect(await handle.query(total)).toBe(3);
    }));

    it('reports a validator rejection as WorkflowUpdateFailedError and writes nothing to history', () => withWorker(env, 'update-reject', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      const err = await handle.executeUpdate(add, { args: [-5] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as WorkflowUpdateFailedError).cause).toBeInstanceOf(ApplicationFailure);
      expect((err as WorkflowUpdateFailedError).cause?.message).toContain('negative amounts are rejected');
      expect((await historyOf(handle)).map(typeName).some((t) => t.startsWith('WORKFLOW_EXECUTION_UPDATE'))).toBe(false);
      expect(await handle.executeUpdate(add, { args: [1] })).toBe(2);
    }));

    it('refuses an update of a closed workflow with WorkflowNotFoundError', () => withWorker(env, 'update-closed', async (taskQueue) => {
      const handle = await startCounter(taskQueue);
      await handle.signal(finish);
      await handle.result();
      await expect(handle.executeUpdate(add, { args: [1] })).rejects.toThrow(WorkflowNotFoundError);
    }));
  });
});
