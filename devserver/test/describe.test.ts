import { defineSearchAttributeKey } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { counter, finish, runActivity } from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { eventually, historyOf, terminateRunning, unique, withWorker } from './support';

const { PendingActivityState } = temporal.api.enums.v1;
const KEYWORD = defineSearchAttributeKey('ConformanceDescribeKeyword', 'KEYWORD');

describe('describing a workflow', () => {
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

  it('reports status, type, task queue, memo, search attributes and history length of a run', () => withWorker(env, 'describe', async (taskQueue) => {
    const handle = await env.client.workflow.start(counter, {
      taskQueue, workflowId: unique('describe'), args: [0], memo: { team: 'infra' }, typedSearchAttributes: [{ key: KEYWORD, value: 'blue' }],
    });
    await handle.query('total');
    const open = await handle.describe();
    expect(open).toMatchObject({ workflowId: handle.workflowId, runId: handle.firstExecutionRunId, type: 'counter', taskQueue, memo: { team: 'infra' } });
    expect(open.status.name).toBe('RUNNING');
    expect(open.closeTime).toBeUndefined();
    expect(open.typedSearchAttributes.get(KEYWORD)).toBe('blue');
    expect(open.historyLength).toBe((await historyOf(handle)).length);
    await handle.signal(finish);
    await handle.result();
    const closed = await handle.describe();
    expect(closed.status.name).toBe('COMPLETED');
    expect(closed.closeTime).toBeInstanceOf(Date);
    expect(closed.historyLength).toBe((await historyOf(handle)).length);
  }));

  it('lists a running activity with its heartbeat details and attempt', () => withWorker(env, 'describe-act', async (taskQueue) => {
    const handle = await env.client.workflow.start(runActivity, {
      taskQueue, workflowId: unique('describe-act'), args: ['heartbeatUntilCancelled', [], { startToCloseTimeout: '1 minute', heartbeatTimeout: '10s', activityId: 'beating' }],
    });
    const pending = await eventually(async () => {
      const p = (await handle.describe()).raw.pendingActivities?.[0];
      return p?.heartbeatDetails ? p : undefined;
    });
    expect(pending.activityId).toBe('beating');
    expect(pending.activityType?.name).toBe('heartbeatUntilCancelled');
    expect(pending.state).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
    expect(pending.attempt).toBe(1);
    expect(pending.lastHeartbeatTime).toBeTruthy();
  }));

  it('lists an activity nobody picked up as scheduled', () => withWorker(env, 'describe-sched', async (taskQueue) => {
    const handle = await env.client.workflow.start(runActivity, {
      taskQueue, workflowId: unique('describe-sched'), args: ['greet', ['x'], { startToCloseTimeout: '10s', taskQueue: unique('unpolled') }],
    });
    const pending = await eventually(async () => (await handle.describe()).raw.pendingActivities?.[0] ?? undefined);
    expect(pending.state).toBe(PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
    expect(pending.activityType?.name).toBe('greet');
  }));
});
