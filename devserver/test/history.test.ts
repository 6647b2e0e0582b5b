import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { collector, poke, runActivity } from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { eventIds, historyOf, terminateRunning, typeName, unique, withWorker } from './support';

type HistoryRequest = temporal.api.workflowservice.v1.IGetWorkflowExecutionHistoryRequest;

describe('workflow history', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const getHistory = (workflowId: string, extra: HistoryRequest = {}) =>
    env.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId }, ...extra });

  it('returns the whole history of a closed run, ids contiguous from 1', () => withWorker(env, 'hist-full', async (taskQueue) => {
    const handle = await env.client.workflow.start(runActivity, { taskQueue, workflowId: unique('hist-full'), args: ['greet', ['kim'], { startToCloseTimeout: '10s' }] });
    await handle.result();
    const events = await historyOf(handle);
    expect(eventIds(events)).toEqual(events.map((_, i) => i + 1));
    expect(events.map(typeName)).toEqual([
      'WORKFLOW_EXECUTION_STARTED', 'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED',
      'ACTIVITY_TASK_SCHEDULED', 'ACTIVITY_TASK_STARTED', 'ACTIVITY_TASK_COMPLETED',
      'WORKFLOW_TASK_SCHEDULED', 'WORKFLOW_TASK_STARTED', 'WORKFLOW_TASK_COMPLETED', 'WORKFLOW_EXECUTION_COMPLETED',
    ]);
  }));

  it('pages through the history two events at a time', () => withWorker(env, 'hist-pages', async (taskQueue) => {
    const handle = await env.client.workflow.start(runActivity, { taskQueue, workflowId: unique('hist-pages'), args: ['greet', ['kim'], { startToCloseTimeout: '10s' }] });
    await handle.result();
    const pages: number[][] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await getHistory(handle.workflowId, { maximumPageSize: 2, nextPageToken });
      pages.push(eventIds(page.history?.events));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    expect(pages.every((p) => p.length <= 2 && p.length > 0)).toBe(true);
    expect(pages.flat()).toEqual(eventIds(await historyOf(handle)));
  }));

  it('long-polls for events after the last one read and wakes when a signal arrives', () => withWorker(env, 'hist-poll', async (taskQueue) => {
    const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('hist-poll'), args: [1] });
    await handle.query('received');
    const first = await getHistory(handle.workflowId, { waitNewEvent: true });
    const seen = eventIds(first.history?.events);
    expect(first.nextPageToken?.length).toBeGreaterThan(0);
    let settled = false;
    const next = getHistory(handle.workflowId, { waitNewEvent: true, nextPageToken: first.nextPageToken }).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await handle.signal(poke, 'wake');
    const woken = await next;
    expect(Number(woken.history?.events?.[0].eventId)).toBe(seen.at(-1)! + 1);
    expect(woken.history?.events?.map(typeName)).toContain('WORKFLOW_EXECUTION_SIGNALED');
  }));

  it('long-polls for the close event only when asked to', () => withWorker(env, 'hist-close', async (taskQueue) => {
    const handle = await env.client.workflow.start(collector, { taskQueue, workflowId: unique('hist-close'), args: [1] });
    const closeOnly = getHistory(handle.workflowId, {
      waitNewEvent: true, historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    await handle.signal(poke, 'done');
    const response = await closeOnly;
    expect(response.history?.events?.map(typeName)).toEqual(['WORKFLOW_EXECUTION_COMPLETED']);
  }));
});
