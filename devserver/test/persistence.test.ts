import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { eventually, freePort, killServer, serverWorker, ServerProcess, spawnDevServer } from './harness';

const IVT = temporal.api.enums.v1.IndexedValueType;

/** The dev server as a child process on a SQLite file, killed with SIGKILL and restarted on the same file and port. */
describe('persistence across a SIGKILL of the dev server', () => {
  let dir: string;
  let dbFile: string;
  let port: number;
  let server: ServerProcess | undefined;
  let connection: Connection;
  let client: Client;
  const attempts: string[] = [];

  const start = async () => {
    server = await spawnDevServer(port, ['--db-filename', dbFile]);
  };
  const restart = async () => {
    await killServer(server!);
    await start();
  };
  const activities = {
    async flaky(label: string): Promise<string> {
      const { attempt } = Context.current().info;
      attempts.push(`${label}#${attempt}`);
      if (attempt < 3) throw new Error(`${label} fails on attempt ${attempt}`);
      return `${label} on attempt ${attempt}`;
    },
  };
  const history = async (h: WorkflowHandle) => (await h.fetchHistory()).events ?? [];

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-persist-'));
    dbFile = path.join(dir, 'temporal.db');
    port = await freePort();
    await start();
    connection = await Connection.connect({ address: server!.address });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    if (server) await killServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finishes a workflow whose timer was pending and whose activity was retrying when the server was killed', async () => {
    const native = await NativeConnection.connect({ address: server!.address });
    const worker = await serverWorker({ connection: native, taskQueue: 'persist', activities });
    const h = await client.workflow.start('timerThenRetries', { taskQueue: 'persist', workflowId: 'persist-timer-retry', args: [800] });
    await worker.runUntil(async () => {
      await eventually(async () => ((await history(h)).some((e) => e.timerStartedEventAttributes) ? true : undefined), 10_000, 'timer started');
      await restart();
      await eventually(async () => {
        const pending = (await h.describe()).raw.pendingActivities ?? [];
        return pending.some((a) => (a.attempt ?? 0) >= 2) ? true : undefined;
      }, 15_000, 'activity retry pending after restart');
      await restart();
      expect(await h.result()).toEqual(['first on attempt 3', 'second on attempt 3']);
    });
    await native.close();
    expect(attempts.filter((a) => a.startsWith('first'))).toEqual(['first#1', 'first#2', 'first#3']);
    const events = await history(h);
    expect(events.filter((e) => e.timerFiredEventAttributes)).toHaveLength(2);
    expect(events.filter((e) => e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes)).toHaveLength(0);
  });

  it('keeps registered namespaces, custom search attributes and closed workflows across a restart', async () => {
    await connection.workflowService.registerNamespace({ namespace: 'persisted', workflowExecutionRetentionPeriod: msToTs(86_400_000) });
    await connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes: { Order: IVT.INDEXED_VALUE_TYPE_KEYWORD } });
    const native = await NativeConnection.connect({ address: server!.address });
    const worker = await serverWorker({ connection: native, taskQueue: 'persist-closed' });
    const done = await worker.runUntil(client.workflow.execute('quick', {
      taskQueue: 'persist-closed', workflowId: 'persist-closed', args: ['kept'], searchAttributes: { Order: ['o-1'] },
    }));
    await native.close();
    expect(done).toBe('kept');
    await restart();
    const ns = await connection.workflowService.describeNamespace({ namespace: 'persisted' });
    expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(86400);
    const sa = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
    expect(sa.customAttributes.Order).toBe(IVT.INDEXED_VALUE_TYPE_KEYWORD);
    const h = client.workflow.getHandle('persist-closed');
    expect((await h.describe()).status.name).toBe('COMPLETED');
    expect(await h.result()).toBe('kept');
    const found: string[] = [];
    for await (const wf of client.workflow.list({ query: `Order = 'o-1'` })) found.push(wf.workflowId);
    expect(found).toEqual(['persist-closed']);
  });

  it('dispatches, without waiting out a sticky timeout, the tasks that were queued when the server was killed', async () => {
    const queued = await client.workflow.start('quick', { taskQueue: 'persist-queued', workflowId: 'persist-queued', args: ['queued'] });
    const wfNative = await NativeConnection.connect({ address: server!.address });
    const wfWorker: Worker = await serverWorker({ connection: wfNative, taskQueue: 'persist-fanout' });
    const fan = await client.workflow.start('fanOut', { taskQueue: 'persist-fanout', workflowId: 'persist-fanout', args: ['persist-acts', [{ id: 'a' }, { id: 'b' }]] });
    await wfWorker.runUntil(eventually(async () => {
      const d = await connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'persist-acts' }, taskQueueType: 2, reportStats: true });
      return Number(d.stats?.approximateBacklogCount) === 2 ? true : undefined;
    }, 10_000, 'activity backlog'));
    await wfNative.close();
    await restart();
    const native = await NativeConnection.connect({ address: server!.address });
    const ran: string[] = [];
    const workers = await Promise.all([
      serverWorker({ connection: native, taskQueue: 'persist-queued' }),
      serverWorker({ connection: native, taskQueue: 'persist-fanout' }),
      serverWorker({ connection: native, taskQueue: 'persist-acts', activities: { record: async (id: string) => (ran.push(id), id) } }),
    ]);
    const resumed = Date.now();
    await Promise.all(workers.map((w) => w.runUntil(Promise.all([queued.result(), fan.result()]))));
    const tookMs = Date.now() - resumed;
    await native.close();
    expect(await queued.result()).toBe('queued');
    expect(await fan.result()).toEqual(['a', 'b']);
    expect(ran.sort()).toEqual(['a', 'b']);
    expect(tookMs).toBeLessThan(8000);
  });
});
