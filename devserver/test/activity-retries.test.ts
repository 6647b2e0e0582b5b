import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityOptions } from '@temporalio/workflow';
import { runActivity, timedActivity } from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, withWorker } from './support';

describe('activity retries', () => {
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

  async function activityFailure(handle: Awaited<ReturnType<typeof run>>): Promise<ActivityFailure> {
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(ActivityFailure);
    return (err as WorkflowFailedError).cause as ActivityFailure;
  }

  /** The attempt that succeeded and the server's backoff before it (plus the few ms the failed attempts ran). */
  function expectBackoff(result: unknown, attempt: number, backoffMs: number): void {
    const r = result as { attempt: number; backoffMs: number };
    expect(r.attempt).toBe(attempt);
    expect(r.backoffMs).toBeGreaterThanOrEqual(backoffMs);
    expect(r.backoffMs).toBeLessThan(backoffMs + 1000);
  }

  it('retries with the default policy: 1 s, then doubling', () => withWorker(env, 'retry-default', async (taskQueue) => {
    const handle = await run(taskQueue, 'flaky', [3], { startToCloseTimeout: '10s' });
    expectBackoff(await handle.result(), 3, 1000 + 2000);
    const started = (await historyOf(handle)).filter((e) => typeName(e) === 'ACTIVITY_TASK_STARTED');
    expect(started).toHaveLength(1);
    expect(started[0].activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(started[0].activityTaskStartedEventAttributes?.lastFailure?.message).toBe('attempt 2 failed');
    const scheduled = (await historyOf(handle)).find((e) => typeName(e) === 'ACTIVITY_TASK_SCHEDULED')?.activityTaskScheduledEventAttributes;
    expect(Number(scheduled?.retryPolicy?.initialInterval?.seconds)).toBe(1);
    expect(scheduled?.retryPolicy?.backoffCoefficient).toBe(2);
    expect(Number(scheduled?.retryPolicy?.maximumInterval?.seconds)).toBe(100);
  }));

  it('follows the given retry policy, capping the interval at its maximum', () => withWorker(env, 'retry-policy', async (taskQueue) => {
    const handle = await run(taskQueue, 'flaky', [4], { startToCloseTimeout: '10s', retry: { initialInterval: '2s', backoffCoefficient: 3, maximumInterval: '5s' } });
    expectBackoff(await handle.result(), 4, 2000 + 5000 + 5000);
  }));

  it('stops after maximumAttempts with MAXIMUM_ATTEMPTS_REACHED and the last failure', () => withWorker(env, 'retry-max', async (taskQueue) => {
    const handle = await run(taskQueue, 'flaky', [5], { startToCloseTimeout: '10s', retry: { initialInterval: '1s', maximumAttempts: 2 } });
    const failure = await activityFailure(handle);
    expect(failure.retryState).toBe(RetryState.MAXIMUM_ATTEMPTS_REACHED);
    expect(failure.cause?.message).toBe('attempt 2 failed');
  }));

  it('does not retry failures whose type is in nonRetryableErrorTypes', () => withWorker(env, 'retry-nonretryable-type', async (taskQueue) => {
    const handle = await run(taskQueue, 'flaky', [3, 'Fatal'], { startToCloseTimeout: '10s', retry: { nonRetryableErrorTypes: ['Fatal'] } });
    const failure = await activityFailure(handle);
    expect(failure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect((failure.cause as ApplicationFailure).type).toBe('Fatal');
    expect(failure.cause?.message).toBe('attempt 1 failed');
  }));

  it('does not retry ApplicationFailure.nonRetryable', () => withWorker(env, 'retry-nonretryable', async (taskQueue) => {
    const handle = await run(taskQueue, 'failsNonRetryable', [], { startToCloseTimeout: '10s', retry: { maximumAttempts: 10 } });
    const failure = await activityFailure(handle);
    expect(failure.retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
    expect((failure.cause as ApplicationFailure).nonRetryable).toBe(true);
  }));

  it('waits the nextRetryDelay the failure asked for (in skipped time)', () => withWorker(env, 'retry-next-delay', async (taskQueue) => {
    const wallStart = Date.now();
    const outcome = await env.client.workflow.execute(timedActivity, {
      taskQueue, workflowId: unique('retry-next-delay'), args: ['asksForDelay', [3_600_000], { startToCloseTimeout: '10s' }],
    });
    expectBackoff(outcome.result, 2, 3_600_000);
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(3_600_000);
    expect(Date.now() - wallStart).toBeLessThan(10_000);
  }));
});
