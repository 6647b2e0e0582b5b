import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { cancelsTimer, cleansUpOnCancel, countdown } from './fixtures/conformance';
import { collector } from './fixtures/conformance-messaging';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, waitForEvent, withWorker } from './support';

describe('cancellation, termination, continue-as-new and timers', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  it('lets a cancelled workflow clean up, then fails its result with CancelledFailure', () => withWorker(env, 'cancel', async (taskQueue) => {
    const handle = await env.client.workflow.start(cleansUpOnCancel, { taskQueue, workflowId: unique('cancel') });
    await waitForEvent(handle, 'TIMER_STARTED');
    await handle.cancel();
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const types = (await historyOf(handle)).map(typeName);
    const requested = types.indexOf('WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    expect(requested).toBeGreaterThan(0);
    expect(types.indexOf('ACTIVITY_TASK_COMPLETED')).toBeGreaterThan(requested);
    expect(types).toContain('TIMER_CANCELED');
    expect(types.at(-1)).toBe('WORKFLOW_EXECUTION_CANCELED');
  }));

  it('ends a terminated workflow at once with TerminatedFailure and the reason', () => withWorker(env, 'terminate', async (taskQueue) => {
    const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('terminate'), args: [1] });
    await handle.terminate('operator said so');
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(TerminatedFailure);
    expect((err as WorkflowFailedError).message).toBe('operator said so');
    expect((await handle.describe()).status.name).toBe('TERMINATED');
    const last = (await historyOf(handle)).at(-1);
    expect(last?.workflowExecutionTerminatedEventAttributes?.reason).toBe('operator said so');
  }));

  it('follows continue-as-new runs to the last run\'s result', () => withWorker(env, 'can', async (taskQueue) => {
    const workflowId = unique('can');
    const handle = await env.client.workflow.start(countdown, { taskQueue, workflowId, args: [3] });
    const result = await handle.result();
    const latest = await env.client.workflow.getHandle(workflowId).describe();
    expect(result).toBe(`done in run ${latest.runId}`);
    expect(latest.runId).not.toBe(handle.firstExecutionRunId);
    const first = env.client.workflow.getHandle(workflowId, handle.firstExecutionRunId);
    expect((await first.describe()).status.name).toBe('CONTINUED_AS_NEW');
    const closing = (await historyOf(first)).at(-1)?.workflowExecutionContinuedAsNewEventAttributes;
    expect(closing?.newExecutionRunId).toBeTruthy();
    const second = env.client.workflow.getHandle(workflowId, closing!.newExecutionRunId!);
    expect((await historyOf(second))[0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBe(handle.firstExecutionRunId);
  }));

  it('cancels a started timer so it never fires', () => withWorker(env, 'timer-cancel', async (taskQueue) => {
    const handle = await env.client.workflow.start(cancelsTimer, { taskQueue, workflowId: unique('timer-cancel') });
    expect(await handle.result()).toBe('timer cancelled');
    const history = await historyOf(handle);
    const types = history.map(typeName);
    expect(types.filter((t) => t === 'TIMER_STARTED')).toHaveLength(2);
    expect(types.filter((t) => t === 'TIMER_FIRED')).toHaveLength(1);
    const canceled = history.find((e) => typeName(e) === 'TIMER_CANCELED')?.timerCanceledEventAttributes;
    const longTimer = history.find((e) => typeName(e) === 'TIMER_STARTED');
    expect(canceled?.timerId).toBe(longTimer?.timerStartedEventAttributes?.timerId);
    expect(Number(canceled?.startedEventId)).toBe(Number(longTimer?.eventId));
  }));
});
