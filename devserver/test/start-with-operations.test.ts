import { randomUUID } from 'node:crypto';
import { ServiceError, status } from '@grpc/grpc-js';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { google, temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { add, collector, counter, finish, poke } from './fixtures/conformance-messaging';
import { timeSkippingEnv } from './helpers';
import { historyOf, terminateRunning, typeName, unique, withWorker } from './support';

describe('signal-with-start and update-with-start', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const startCounter = (taskQueue: string, workflowId: string) => env.client.workflow.start(counter, { taskQueue, workflowId, args: [0] });

  describe('signal-with-start', () => {
    it('starts the workflow with the signal as its second event when none is running', () => withWorker(env, 'sws-new', async (taskQueue) => {
      const handle = await env.client.workflow.signalWithStart(collector, {
        taskQueue, workflowId: unique('sws-new'), args: [1], signal: poke, signalArgs: ['first'],
      });
      expect(await handle.result()).toEqual(['first']);
      const types = (await historyOf(handle)).map(typeName);
      expect(types.slice(0, 3)).toEqual(['WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_EXECUTION_SIGNALED', 'WORKFLOW_TASK_SCHEDULED']);
    }));

    it('signals the running run instead of starting another', () => withWorker(env, 'sws-running', async (taskQueue) => {
      const id = unique('sws-running');
      const running = await env.client.workflow.start(collector, { taskQueue, workflowId: id, args: [2] });
      const again = await env.client.workflow.signalWithStart(collector, { taskQueue, workflowId: id, args: [2], signal: poke, signalArgs: ['a'] });
      expect(again.signaledRunId).toBe(running.firstExecutionRunId);
      await running.signal(poke, 'b');
      expect(await running.result()).toEqual(['a', 'b']);
    }));
  });

  describe('update-with-start', () => {
    const startOp = (taskQueue: string, workflowId: string, workflowIdConflictPolicy: 'FAIL' | 'USE_EXISTING') =>
      new WithStartWorkflowOperation(counter, { taskQueue, workflowId, args: [10], workflowIdConflictPolicy });

    it('starts the workflow and returns the update result', () => withWorker(env, 'uws-new', async (taskQueue) => {
      const op = startOp(taskQueue, unique('uws-new'), 'FAIL');
      expect(await env.client.workflow.executeUpdateWithStart(add, { args: [5], startWorkflowOperation: op })).toBe(15);
      const handle = await op.workflowHandle();
      await handle.signal(finish);
      expect(await handle.result()).toBe(15);
    }));

    it('applies the update to the running run under USE_EXISTING', () => withWorker(env, 'uws-existing', async (taskQueue) => {
      const id = unique('uws-existing');
      const running = await startCounter(taskQueue, id);
      const op = startOp(taskQueue, id, 'USE_EXISTING');
      const updateHandle = await env.client.workflow.startUpdateWithStart(add, { args: [7], startWorkflowOperation: op, waitForStage: 'ACCEPTED' });
      expect(await updateHandle.result()).toBe(7);
      expect((await (await op.workflowHandle()).describe()).runId).toBe(running.firstExecutionRunId);
    }));

    it('fails with WorkflowExecutionAlreadyStartedError under FAIL when a run is open', () => withWorker(env, 'uws-fail', async (taskQueue) => {
      const id = unique('uws-fail');
      await startCounter(taskQueue, id);
      const op = startOp(taskQueue, id, 'FAIL');
      await expect(env.client.workflow.executeUpdateWithStart(add, { args: [1], startWorkflowOperation: op }))
        .rejects.toThrow(WorkflowExecutionAlreadyStartedError);
      await expect(op.workflowHandle()).rejects.toThrow(WorkflowExecutionAlreadyStartedError);
    }));

    it('reports a rejected update as WorkflowUpdateFailedError while the workflow still starts', () => withWorker(env, 'uws-reject', async (taskQueue) => {
      const op = startOp(taskQueue, unique('uws-reject'), 'FAIL');
      await expect(env.client.workflow.executeUpdateWithStart(add, { args: [-1], startWorkflowOperation: op }))
        .rejects.toThrow(WorkflowUpdateFailedError);
      const handle = await op.workflowHandle();
      expect(await handle.query('total')).toBe(10);
    }));

    it('wraps a start conflict in MultiOperationExecutionFailure: the start\'s status, then ABORTED for the update', () => withWorker(env, 'uws-wrap', async (taskQueue) => {
      const id = unique('uws-wrap');
      await startCounter(taskQueue, id);
      const request = {
        namespace: 'default',
        operations: [
          { startWorkflow: { namespace: 'default', workflowId: id, workflowType: { name: 'counter' }, taskQueue: { name: taskQueue }, requestId: randomUUID(),
            workflowIdConflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL } },
          { updateWorkflow: { namespace: 'default', workflowExecution: { workflowId: id }, request: { meta: { updateId: 'u' }, input: { name: 'add' } } } },
        ],
      };
      const err = await env.client.workflowService.executeMultiOperation(request).catch((e: unknown) => e) as ServiceError;
      expect(err.code).toBe(status.ALREADY_EXISTS);
      const [detail] = google.rpc.Status.decode(err.metadata.get('grpc-status-details-bin')[0] as Buffer).details;
      expect(detail.type_url).toBe('type.googleapis.com/temporal.api.errordetails.v1.MultiOperationExecutionFailure');
      const { statuses } = temporal.api.errordetails.v1.MultiOperationExecutionFailure.decode(detail.value!);
      expect(statuses.map((s) => s.code)).toEqual([status.ALREADY_EXISTS, status.ABORTED]);
      expect(statuses[0].details?.[0].type_url).toContain('WorkflowExecutionAlreadyStartedFailure');
      expect(statuses[1].details?.[0].type_url).toContain('MultiOperationExecutionAborted');
    }));

    it('rejects an update-with-start whose operations name different workflow ids', async () => {
      const request = {
        namespace: 'default',
        operations: [
          { startWorkflow: { namespace: 'default', workflowId: 'a', workflowType: { name: 'counter' }, taskQueue: { name: 'q' }, requestId: randomUUID(),
            workflowIdConflictPolicy: temporal.api.enums.v1.WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL } },
          { updateWorkflow: { namespace: 'default', workflowExecution: { workflowId: 'b' }, request: { meta: { updateId: 'u' }, input: { name: 'add' } } } },
        ],
      };
      await expect(env.client.workflowService.executeMultiOperation(request)).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
    });
  });
});
