import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  awaitsChild, cancelsChild, cancelsExternal, collector, leavesChild, received, runsChild, signalsExternal, startsDuplicateChild,
} from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { eventually, historyOf, terminateRunning, typeName, unique, withWorker } from './support';

describe('child and external workflows', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const statusOf = async (workflowId: string) => (await env.client.workflow.getHandle(workflowId).describe()).status.name;
  const whenStarted = (workflowId: string) => eventually(() => statusOf(workflowId).catch(() => undefined));

  describe('children', () => {
    it('returns a completed child\'s result to the parent', () => withWorker(env, 'child-ok', async (taskQueue) => {
      const handle = await env.client.workflow.start(runsChild, { taskQueue, workflowId: unique('child-ok'), args: ['complete'] });
      expect(await handle.result()).toBe('from child');
      const types = (await historyOf(handle)).map(typeName);
      expect(types).toEqual(expect.arrayContaining(['START_CHILD_WORKFLOW_EXECUTION_INITIATED', 'CHILD_WORKFLOW_EXECUTION_STARTED', 'CHILD_WORKFLOW_EXECUTION_COMPLETED']));
      const child = env.client.workflow.getHandle(`${handle.workflowId}-child`);
      const started = (await historyOf(child))[0].workflowExecutionStartedEventAttributes;
      expect(started?.parentWorkflowExecution?.workflowId).toBe(handle.workflowId);
    }));

    it('hands a failed child\'s failure to the parent as ChildWorkflowFailure', () => withWorker(env, 'child-fail', async (taskQueue) => {
      const handle = await env.client.workflow.start(runsChild, { taskQueue, workflowId: unique('child-fail'), args: ['fail'] });
      expect(await handle.result()).toBe('child failed: child broke');
      expect((await historyOf(handle)).map(typeName)).toContain('CHILD_WORKFLOW_EXECUTION_FAILED');
    }));

    it('cancels a child when the parent cancels its scope', () => withWorker(env, 'child-cancel', async (taskQueue) => {
      const childId = unique('child-cancel-kid');
      const handle = await env.client.workflow.start(cancelsChild, { taskQueue, workflowId: unique('child-cancel'), args: [childId] });
      expect(await handle.result()).toBe('child cancelled');
      expect(await statusOf(childId)).toBe('CANCELLED');
      const types = (await historyOf(handle)).map(typeName);
      expect(types).toEqual(expect.arrayContaining(['REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED', 'CHILD_WORKFLOW_EXECUTION_CANCELED']));
    }));

    it('tells the parent when its child is terminated', () => withWorker(env, 'child-term', async (taskQueue) => {
      const childId = unique('child-term-kid');
      const handle = await env.client.workflow.start(awaitsChild, { taskQueue, workflowId: unique('child-term'), args: [childId] });
      await whenStarted(childId);
      await env.client.workflow.getHandle(childId).terminate('child stopped from outside');
      expect(await handle.result()).toBe('TerminatedFailure');
      expect((await historyOf(handle)).map(typeName)).toContain('CHILD_WORKFLOW_EXECUTION_TERMINATED');
    }));

    it('fails the start of a child whose id is already running with WorkflowExecutionAlreadyStartedError', () => withWorker(env, 'child-dup', async (taskQueue) => {
      const childId = unique('child-dup-kid');
      await env.client.workflow.start(collector, { taskQueue, workflowId: childId, args: [1] });
      const handle = await env.client.workflow.start(startsDuplicateChild, { taskQueue, workflowId: unique('child-dup'), args: [childId] });
      expect(await handle.result()).toBe(`already running: ${childId}`);
      expect((await historyOf(handle)).map(typeName)).toContain('START_CHILD_WORKFLOW_EXECUTION_FAILED');
    }));

    it.each([
      ['TERMINATE', 'TERMINATED'],
      ['ABANDON', 'RUNNING'],
    ] as const)('applies parent close policy %s to an open child', (policy, childStatus) => withWorker(env, 'child-policy', async (taskQueue) => {
      const childId = unique(`child-${policy}`);
      const handle = await env.client.workflow.start(leavesChild, { taskQueue, workflowId: unique('parent'), args: [childId, policy] });
      expect(await handle.result()).toBe('parent done');
      expect(await eventually(async () => {
        const s = await statusOf(childId);
        return s === childStatus ? s : undefined;
      })).toBe(childStatus);
    }));
  });

  describe('external workflows', () => {
    it('signals another running workflow', () => withWorker(env, 'ext-signal', async (taskQueue) => {
      const target = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('ext-target'), args: [1] });
      const sender = await env.client.workflow.start(signalsExternal, { taskQueue, workflowId: unique('ext-sender'), args: [target.workflowId] });
      expect(await sender.result()).toBe('signalled');
      expect(await target.result()).toEqual(['from another workflow']);
      expect((await historyOf(sender)).map(typeName)).toContain('EXTERNAL_WORKFLOW_EXECUTION_SIGNALED');
      const signalled = (await historyOf(target)).find((e) => typeName(e) === 'WORKFLOW_EXECUTION_SIGNALED');
      expect(signalled?.workflowExecutionSignaledEventAttributes?.externalWorkflowExecution?.workflowId).toBe(sender.workflowId);
    }));

    it('requests cancellation of another running workflow', () => withWorker(env, 'ext-cancel', async (taskQueue) => {
      const target = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('ext-target'), args: [1] });
      expect(await target.query(received)).toEqual([]);
      const sender = await env.client.workflow.start(cancelsExternal, { taskQueue, workflowId: unique('ext-canceller'), args: [target.workflowId] });
      expect(await sender.result()).toBe('cancel requested');
      await expect(target.result()).rejects.toThrow();
      expect((await target.describe()).status.name).toBe('CANCELLED');
      expect((await historyOf(sender)).map(typeName)).toContain('EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED');
    }));

    it('fails signal and cancel of a workflow that does not exist', () => withWorker(env, 'ext-missing', async (taskQueue) => {
      const missing = unique('nobody');
      const signal = await env.client.workflow.execute(signalsExternal, { taskQueue, workflowId: unique('ext-missing-s'), args: [missing] });
      expect(signal).toBe('signal failed: Unable to signal external workflow because it was not found');
      const cancel = await env.client.workflow.execute(cancelsExternal, { taskQueue, workflowId: unique('ext-missing-c'), args: [missing] });
      expect(cancel).toBe('cancel failed: Unable to cancel external workflow because not found');
    }));
  });
});
