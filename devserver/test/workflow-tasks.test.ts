import { defaultPayloadConverter } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { collector, echo, poke, received } from './fixtures/conformance-messaging';
import { timeSkippingEnv } from './helpers';
import {
  CHANGED_WORKFLOWS, conformanceWorker, eventIds, eventually, historyOf, pollWorkflowTask, terminateRunning, typeName, unique,
  waitForEvent, withWorker, workflowBundle,
} from './support';

const { CommandType, TaskQueueKind, WorkflowTaskFailedCause } = temporal.api.enums.v1;
const complete = (value: unknown) => ({
  commandType: CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  completeWorkflowExecutionCommandAttributes: { result: { payloads: [defaultPayloadConverter.toPayload(value)] } },
});

describe('workflow tasks', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  describe('sticky queues', () => {
    it('sends a sticky worker only the events after its previous task', async () => {
      const taskQueue = unique('sticky-raw');
      const stickyQueue = `${taskQueue}-sticky`;
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('sticky-raw'), args: [1] });
      const first = await pollWorkflowTask(env, taskQueue);
      expect(eventIds(first.history?.events)).toEqual([1, 2, 3]);
      await env.client.workflowService.respondWorkflowTaskCompleted({
        namespace: 'default', taskToken: first.taskToken, identity: 'hand-written-worker', commands: [],
        stickyAttributes: { workerTaskQueue: { name: stickyQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_STICKY }, scheduleToStartTimeout: msToTs('10s') },
      });
      await handle.signal(poke, 'x');
      const second = await pollWorkflowTask(env, stickyQueue, true);
      expect(Number(second.previousStartedEventId)).toBe(3);
      expect(eventIds(second.history?.events)).toEqual([4, 5, 6, 7]);
      expect(second.history?.events?.map(typeName)).toEqual(['WORKFLOW_TASK_COMPLETED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
      await env.client.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: second.taskToken, commands: [complete(['x'])] });
      expect(await handle.result()).toEqual(['x']);
    });

    it('schedules the SDK worker\'s later tasks on its sticky queue', () => withWorker(env, 'sticky-sdk', async (taskQueue) => {
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('sticky-sdk'), args: [2] });
      await handle.signal(poke, 'a');
      await handle.signal(poke, 'b');
      expect(await handle.result()).toEqual(['a', 'b']);
      const scheduled = (await historyOf(handle)).filter((e) => typeName(e) === 'WORKFLOW_TASK_SCHEDULED');
      expect(scheduled[0].workflowTaskScheduledEventAttributes?.taskQueue?.kind).toBe(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
      expect(scheduled.slice(1).map((e) => e.workflowTaskScheduledEventAttributes?.taskQueue?.kind))
        .toEqual(scheduled.slice(1).map(() => TaskQueueKind.TASK_QUEUE_KIND_STICKY));
    }));

    it('hands the workflow to a new worker with full history after the old one shut down', async () => {
      const taskQueue = unique('restart');
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('restart'), args: [2] });
      const first = await conformanceWorker(env, taskQueue);
      await first.runUntil(async () => {
        await handle.signal(poke, 'a');
        await eventually(async () => ((await handle.query(received)).length === 1 ? true : undefined));
      });
      const started = Date.now();
      const second = await conformanceWorker(env, taskQueue);
      const result = await second.runUntil(async () => {
        await handle.signal(poke, 'b');
        return handle.result();
      });
      expect(result).toEqual(['a', 'b']);
      expect(Date.now() - started).toBeLessThan(5000);
      const history = await historyOf(handle);
      expect(history.map(typeName)).not.toContain('WORKFLOW_TASK_TIMED_OUT');
      const lastScheduled = history.filter((e) => typeName(e) === 'WORKFLOW_TASK_SCHEDULED').at(-1);
      expect(lastScheduled?.workflowTaskScheduledEventAttributes?.taskQueue?.kind).toBe(TaskQueueKind.TASK_QUEUE_KIND_NORMAL);
    });
  });

  it('retries a failing workflow task without recording the retries, until a fixed worker completes it', async () => {
    const taskQueue = unique('wft-failure');
    const handle = await env.client.workflow.start(echo, { taskQueue, workflowId: unique('wft-failure'), args: ['fixed'], workflowTaskTimeout: '1s' });
    const buggy = await conformanceWorker(env, taskQueue, { workflowBundle: await workflowBundle(CHANGED_WORKFLOWS) });
    await buggy.runUntil(() => eventually(async () => {
      const attempt = (await handle.describe()).raw.pendingWorkflowTask?.attempt ?? 0;
      return attempt >= 3 ? attempt : undefined;
    }));
    const fixed = await conformanceWorker(env, taskQueue);
    expect(await fixed.runUntil(handle.result())).toBe('fixed');
    const history = await historyOf(handle);
    const types = history.map(typeName);
    expect(types.filter((t) => t === 'WORKFLOW_TASK_FAILED')).toHaveLength(1);
    expect(types).not.toContain('WORKFLOW_TASK_TIMED_OUT');
    const failed = history.find((e) => typeName(e) === 'WORKFLOW_TASK_FAILED')?.workflowTaskFailedEventAttributes;
    expect(failed?.failure?.message).toContain('bug in workflow code');
    const lastScheduled = history.filter((e) => typeName(e) === 'WORKFLOW_TASK_SCHEDULED').at(-1);
    expect(lastScheduled?.workflowTaskScheduledEventAttributes?.attempt).toBeGreaterThanOrEqual(3);
    expect(types.slice(-3)).toEqual(['WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED']);
  });

  it('times out a workflow task nobody completes and schedules it again', async () => {
    const taskQueue = unique('wft-timeout');
    const handle = await env.client.workflow.start(echo, { taskQueue, workflowId: unique('wft-timeout'), args: ['late'], workflowTaskTimeout: '1s' });
    const abandoned = await pollWorkflowTask(env, taskQueue);
    const timedOut = await waitForEvent(handle, 'WORKFLOW_TASK_TIMED_OUT');
    expect(timedOut.workflowTaskTimedOutEventAttributes?.timeoutType).toBe(temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE);
    await expect(env.client.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: abandoned.taskToken, commands: [] }))
      .rejects.toMatchObject({ code: 5 });
    const worker = await conformanceWorker(env, taskQueue);
    expect(await worker.runUntil(handle.result())).toBe('late');
    expect((await historyOf(handle)).map(typeName)).toEqual([
      'WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_TIMED_OUT',
      'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  });

  describe('events arriving while a task runs', () => {
    it('buffers them until the task completes, then appends them and schedules a new task', async () => {
      const taskQueue = unique('buffered');
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('buffered'), args: [2] });
      const task = await pollWorkflowTask(env, taskQueue);
      await handle.signal(poke, 'early-1');
      await handle.signal(poke, 'early-2');
      expect((await historyOf(handle)).map(typeName)).toEqual(['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED']);
      await env.client.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [] });
      const history = await historyOf(handle);
      expect(history.slice(3).map(typeName)).toEqual([
        'WORKFLOW_TASK_COMPLETED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED',
      ]);
      expect(eventIds(history)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      const worker = await conformanceWorker(env, taskQueue);
      expect(await worker.runUntil(handle.result())).toEqual(['early-1', 'early-2']);
    });

    it('fails a completing task with UNHANDLED_COMMAND when a signal is buffered, then delivers the signal', async () => {
      const taskQueue = unique('unhandled');
      const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('unhandled'), args: [1] });
      const task = await pollWorkflowTask(env, taskQueue);
      await handle.signal(poke, 'late');
      await env.client.workflowService.respondWorkflowTaskCompleted({ namespace: 'default', taskToken: task.taskToken, commands: [complete([])] });
      const history = await historyOf(handle);
      expect(history.slice(3).map(typeName)).toEqual(['WORKFLOW_TASK_FAILED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED']);
      expect(history[3].workflowTaskFailedEventAttributes?.cause).toBe(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND);
      const worker = await conformanceWorker(env, taskQueue);
      expect(await worker.runUntil(handle.result())).toEqual(['late']);
    });
  });
});
