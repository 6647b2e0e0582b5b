import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure, TimeoutType } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityOptions } from '@temporalio/workflow';
import { cancelsActivity, runActivity } from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, withWorker } from './support';

const once = { maximumAttempts: 1 };

describe('activities', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const run = (taskQueue: string, name: string, args: unknown[], options: ActivityOptions) =>
    env.client.workflow.start(runActivity, { taskQueue, workflowId: unique(name), args: [name, args, options] });

  /** The ActivityFailure a run failed with. */
  async function activityFailure(handle: Awaited<ReturnType<typeof run>>): Promise<ActivityFailure> {
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ActivityFailure);
    return cause as ActivityFailure;
  }

  it('schedules, starts and completes an activity', () => withWorker(env, 'act-ok', async (taskQueue) => {
    const handle = await run(taskQueue, 'greet', ['ada'], { startToCloseTimeout: '10s' });
    expect(await handle.result()).toBe('hello ada');
    const types = (await historyOf(handle)).map(typeName).filter((t) => t.startsWith('ACTIVITY'));
    expect(types).toEqual(['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED']);
  }));

  it('fails the workflow\'s call with the activity\'s non-retryable failure after one attempt', () => withWorker(env, 'act-fail', async (taskQueue) => {
    const handle = await run(taskQueue, 'failsNonRetryable', [], { startToCloseTimeout: '10s' });
    const failure = await activityFailure(handle);
    expect(failure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect(failure.cause).toBeInstanceOf(ApplicationFailure);
    expect((failure.cause as ApplicationFailure).type).toBe('Permanent');
    const history = await historyOf(handle);
    expect(history.find((e) => typeName(e) === 'ACTIVITY_TASK_STARTED')?.activityTaskStartedEventAttributes?.attempt).toBe(1);
    expect(history.map(typeName)).toContain('ACTIVITY_TASK_FAILED');
  }));

  it('cancels a heartbeating activity and waits for it to acknowledge (WAIT_CANCELLATION_COMPLETED)', () => withWorker(env, 'act-cancel', async (taskQueue) => {
    const handle = await env.client.workflow.start(cancelsActivity, { taskQueue, workflowId: unique('act-cancel'), args: [300, 'WAIT_CANCELLATION_COMPLETED'] });
    expect(await handle.result()).toBe('activity cancelled');
    const types = (await historyOf(handle)).map(typeName).filter((t) => t.startsWith('ACTIVITY'));
    expect(types).toEqual(['ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_CANCEL_REQUESTED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_CANCELED']);
  }));

  it('hands heartbeat details recorded by a failed attempt to the retry', () => withWorker(env, 'act-hb-retry', async (taskQueue) => {
    const handle = await run(taskQueue, 'resumesFromHeartbeat', [], { startToCloseTimeout: '10s', heartbeatTimeout: '10s' });
    expect(await handle.result()).toEqual({ attempt: 2, details: 'checkpoint-1' });
  }));

  describe('timeouts', () => {
    async function expectTimeout(handle: Awaited<ReturnType<typeof run>>, type: TimeoutType): Promise<TimeoutFailure> {
      const failure = await activityFailure(handle);
      expect(failure.cause).toBeInstanceOf(TimeoutFailure);
      expect((failure.cause as TimeoutFailure).timeoutType).toBe(type);
      expect((await historyOf(handle)).map(typeName)).toContain('ACTIVITY_TASK_TIMED_OUT');
      return failure.cause as TimeoutFailure;
    }

    it('times out schedule-to-start when no worker polls the activity\'s queue', () => withWorker(env, 'act-sts', async (taskQueue) => {
      const handle = await run(taskQueue, 'greet', ['nobody'], { taskQueue: unique('unpolled'), scheduleToStartTimeout: '1s', startToCloseTimeout: '10s' });
      await expectTimeout(handle, TimeoutType.SCHEDULE_TO_START);
      expect((await historyOf(handle)).map(typeName)).not.toContain('ACTIVITY_TASK_STARTED');
    }));

    it('times out start-to-close when an attempt runs too long', () => withWorker(env, 'act-stc', async (taskQueue) => {
      const handle = await run(taskQueue, 'stalls', [2000], { startToCloseTimeout: '1s', retry: once });
      await expectTimeout(handle, TimeoutType.START_TO_CLOSE);
      expect((await activityFailure(handle)).retryState).toBe(RetryState.MAXIMUM_ATTEMPTS_REACHED);
    }));

    it('times out on a missed heartbeat, keeping the last heartbeat details', () => withWorker(env, 'act-hb', async (taskQueue) => {
      const handle = await run(taskQueue, 'stalls', [3000, true], { startToCloseTimeout: '10s', heartbeatTimeout: '1s', retry: once });
      const timeout = await expectTimeout(handle, TimeoutType.HEARTBEAT);
      expect(timeout.lastHeartbeatDetails).toBe('only once');
    }));

    it('times out schedule-to-close across attempts', () => withWorker(env, 'act-s2c', async (taskQueue) => {
      const handle = await run(taskQueue, 'stalls', [3000], { scheduleToCloseTimeout: '1500ms' });
      await expectTimeout(handle, TimeoutType.SCHEDULE_TO_CLOSE);
    }));
  });
});
