import { ActivityNotFoundError, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { capturedTokens } from './fixtures/conformance-activities';
import { localGreeting, patchedGreeting, runActivity } from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { eventually, historyOf, terminateRunning, typeName, unique, withWorker } from './support';

describe('async activity completion, local activities and patches', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const startAsync = (taskQueue: string, activityId?: string) => env.client.workflow.start(runActivity, {
    taskQueue, workflowId: unique('async'), args: ['completesLater', [], { startToCloseTimeout: '1 minute', activityId, retry: { maximumAttempts: 1 } }],
  });
  const tokenOf = (workflowId: string) => eventually(async () => capturedTokens.get(workflowId));

  describe('async completion', () => {
    it('completes an activity by task token', () => withWorker(env, 'async-token', async (taskQueue) => {
      const handle = await startAsync(taskQueue);
      await env.client.activity.complete(await tokenOf(handle.workflowId), 'done later');
      expect(await handle.result()).toBe('done later');
      expect((await historyOf(handle)).map(typeName)).toContain('ACTIVITY_TASK_COMPLETED');
    }));

    it('completes an activity by workflow id and activity id', () => withWorker(env, 'async-id', async (taskQueue) => {
      const handle = await startAsync(taskQueue, 'async-by-id');
      await tokenOf(handle.workflowId);
      await env.client.activity.complete({ workflowId: handle.workflowId, activityId: 'async-by-id' }, 'done by id');
      expect(await handle.result()).toBe('done by id');
    }));

    it('fails an activity by task token with the given failure', () => withWorker(env, 'async-fail', async (taskQueue) => {
      const handle = await startAsync(taskQueue);
      await env.client.activity.fail(await tokenOf(handle.workflowId), ApplicationFailure.nonRetryable('gave up', 'Async'));
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = (err as WorkflowFailedError).cause as ActivityFailure;
      expect(cause).toBeInstanceOf(ActivityFailure);
      expect(cause.cause?.message).toBe('gave up');
    }));

    it('answers a second completion with ActivityNotFoundError', () => withWorker(env, 'async-twice', async (taskQueue) => {
      const handle = await startAsync(taskQueue);
      const token = await tokenOf(handle.workflowId);
      await env.client.activity.complete(token, 'first');
      await expect(env.client.activity.complete(token, 'second')).rejects.toThrow(ActivityNotFoundError);
      expect(await handle.result()).toBe('first');
    }));
  });

  it('records a local activity\'s result as a marker', () => withWorker(env, 'local', async (taskQueue) => {
    const handle = await env.client.workflow.start(localGreeting, { taskQueue, workflowId: unique('local'), args: ['lin'] });
    expect(await handle.result()).toBe('hello lin (local)');
    const history = await historyOf(handle);
    expect(history.map(typeName)).not.toContain('ACTIVITY_TASK_SCHEDULED');
    const marker = history.find((e) => typeName(e) === 'MARKER_RECORDED')?.markerRecordedEventAttributes;
    expect(marker?.markerName).toBe('core_local_activity');
  }));

  it('records a patch marker and upserts TemporalChangeVersion', () => withWorker(env, 'patch', async (taskQueue) => {
    const handle = await env.client.workflow.start(patchedGreeting, { taskQueue, workflowId: unique('patch') });
    expect(await handle.result()).toBe('patched');
    const history = await historyOf(handle);
    const types = history.map(typeName);
    expect(types).toEqual(expect.arrayContaining(['MARKER_RECORDED', 'UPSERT_WORKFLOW_SEARCH_ATTRIBUTES']));
    expect(history.find((e) => typeName(e) === 'MARKER_RECORDED')?.markerRecordedEventAttributes?.markerName).toBe('core_patch');
    const description = await handle.describe();
    expect(description.searchAttributes.TemporalChangeVersion).toEqual(['new-greeting']);
  }));
});
