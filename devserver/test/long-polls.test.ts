import { status } from '@grpc/grpc-js';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { DevServer, startDevServer } from '../src/server';
import { quietRuntime } from './helpers';
import { eventually, serverWorker } from './harness';

const POLL_MS = 1500;
const TQT = temporal.api.enums.v1.TaskQueueType;

describe('long polls', () => {
  let server: DevServer;
  let connection: Connection;
  let client: Client;
  const svc = () => connection.workflowService;
  const pollWorkflow = (taskQueue: string, identity = 'raw-poller') => svc().pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity });
  const pollActivity = (taskQueue: string) => svc().pollActivityTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, identity: 'raw-poller' });
  const timed = async <T>(fn: () => Promise<T>) => {
    const started = Date.now();
    const value = await fn();
    return { value, ms: Date.now() - started };
  };
  const abandon = async (taskQueue: string, poll: (q: string) => Promise<unknown>) => {
    const ctrl = new AbortController();
    const pending = connection.withAbortSignal(ctrl.signal, () => poll(taskQueue)).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 200));
    ctrl.abort();
    return pending;
  };

  beforeAll(async () => {
    quietRuntime();
    server = await startDevServer({ port: 0, pollTimeoutMs: POLL_MS, logger: { error: () => undefined } });
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  it('answers a workflow or activity poll that finds no task with an empty response after the long-poll period', async () => {
    const wf = await timed(() => pollWorkflow('lp-empty'));
    expect(wf.value.taskToken?.length ?? 0).toBe(0);
    expect(wf.ms).toBeGreaterThanOrEqual(POLL_MS - 100);
    expect(wf.ms).toBeLessThan(POLL_MS + 1000);
    const act = await timed(() => pollActivity('lp-empty'));
    expect(act.value.taskToken?.length ?? 0).toBe(0);
    expect(act.ms).toBeGreaterThanOrEqual(POLL_MS - 100);
  });

  it("answers empty a second before the caller's deadline rather than letting the call fail with DEADLINE_EXCEEDED", async () => {
    const res = await timed(() => connection.withDeadline(Date.now() + 1800, () => pollWorkflow('lp-deadline')));
    expect(res.value.taskToken?.length ?? 0).toBe(0);
    expect(res.ms).toBeLessThan(1500);
  });

  it('hands a task that arrives during a poll to that poll at once', async () => {
    const polled = timed(() => pollWorkflow('lp-arrives'));
    await new Promise((r) => setTimeout(r, 200));
    await client.workflow.start('quick', { taskQueue: 'lp-arrives', workflowId: 'lp-arrives', args: ['x'] });
    const { value, ms } = await polled;
    expect(value.workflowExecution?.workflowId).toBe('lp-arrives');
    expect(ms).toBeLessThan(POLL_MS);
    await client.workflow.getHandle('lp-arrives').terminate();
  });

  it('never hands a task to a cancelled workflow poll: the next worker gets it at once', async () => {
    const err = await abandon('lp-cancelled', pollWorkflow);
    expect(err).toMatchObject({ code: status.CANCELLED });
    const native = await NativeConnection.connect({ address: server.address });
    const worker = await serverWorker({ connection: native, taskQueue: 'lp-cancelled', identity: 'real-worker' });
    const h = await client.workflow.start('quick', { taskQueue: 'lp-cancelled', workflowId: 'lp-cancelled', args: ['ok'] });
    const { value, ms } = await timed(() => worker.runUntil(h.result()));
    await native.close();
    expect(value).toBe('ok');
    expect(ms).toBeLessThan(5000);
    const events = (await h.fetchHistory()).events ?? [];
    expect(events.filter((e) => e.workflowTaskStartedEventAttributes).map((e) => e.workflowTaskStartedEventAttributes?.identity)).toEqual(['real-worker']);
    expect(events.some((e) => e.workflowTaskTimedOutEventAttributes)).toBe(false);
  });

  it('never hands an activity task to a cancelled activity poll', async () => {
    const native = await NativeConnection.connect({ address: server.address });
    const wfWorker = await serverWorker({ connection: native, taskQueue: 'lp-wf' });
    await wfWorker.runUntil(async () => {
      await abandon('lp-acts', pollActivity);
      const h = await client.workflow.start('fanOut', { taskQueue: 'lp-wf', workflowId: 'lp-fanout', args: ['lp-acts', [{ id: 'only' }]] });
      await eventually(async () => ((await h.fetchHistory()).events?.some((e) => e.activityTaskScheduledEventAttributes) ? true : undefined), 10_000, 'activity scheduled');
      expect((await h.describe()).raw.pendingActivities?.[0]?.state).toBe(temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
      const backlog = await svc().describeTaskQueue({ namespace: 'default', taskQueue: { name: 'lp-acts' }, taskQueueType: TQT.TASK_QUEUE_TYPE_ACTIVITY, reportStats: true });
      expect(Number(backlog.stats?.approximateBacklogCount)).toBe(1);
      const task = await pollActivity('lp-acts');
      expect(task.activityId).toBeTruthy();
      await svc().respondActivityTaskCompleted({ namespace: 'default', taskToken: task.taskToken, identity: 'raw-poller' });
      expect(await h.result()).toEqual([null]);
    });
    await native.close();
  });

  it('answers waiting polls when the server stops instead of holding the shutdown for the long-poll period', async () => {
    const other = await startDevServer({ port: 0, pollTimeoutMs: 20_000, logger: { error: () => undefined } });
    const conn = await Connection.connect({ address: other.address });
    const pending = conn.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: 'lp-stop' } }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 200));
    const { ms } = await timed(() => other.stop());
    await pending;
    await conn.close();
    expect(ms).toBeLessThan(3000);
  });
});
