import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DevServer, startDevServer } from '../src/server';
import { quietRuntime } from './helpers';
import { eventually, freePort, killServer, serverWorker, spawnDevServer } from './harness';

describe('retention of closed workflows', () => {
  let dir: string;
  let dbFile: string;
  let server: DevServer;
  let connection: Connection;
  let native: NativeConnection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;

  const rows = (sql: string) => {
    const db = new Database(dbFile, { readonly: true });
    try {
      return (db.prepare(sql).get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    quietRuntime();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-retention-'));
    dbFile = path.join(dir, 'temporal.db');
    server = await startDevServer({ port: 0, dbFilename: dbFile, retentionMs: 1000, logger: { error: () => undefined } });
    connection = await Connection.connect({ address: server.address });
    native = await NativeConnection.connect({ address: server.address });
    client = new Client({ connection });
    await connection.workflowService.registerNamespace({ namespace: 'kept-longer', workflowExecutionRetentionPeriod: msToTs(3_600_000) });
    worker = await serverWorker({ connection: native, taskQueue: 'retention' });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await native?.close();
    await connection?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('deletes closed workflows once the retention period has passed, from memory and disk, and keeps open ones', async () => {
    const closed = await Promise.all(['ret-1', 'ret-2', 'ret-3'].map(async (id) => {
      await client.workflow.execute('quick', { taskQueue: 'retention', workflowId: id, args: [id] });
      return client.workflow.getHandle(id);
    }));
    const open = await client.workflow.start('waitForFinish', { taskQueue: 'retention', workflowId: 'ret-open' });
    expect((await closed[0].describe()).status.name).toBe('COMPLETED');
    expect(server.ctx.runs.size).toBe(4);
    await eventually(() => (server.ctx.runs.size === 1 ? true : undefined), 5000, 'closed runs removed');
    for (const h of closed) await expect(h.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect((await open.describe()).status.name).toBe('RUNNING');
    expect((await client.workflow.count(`WorkflowId STARTS_WITH 'ret-'`)).count).toBe(1);
    expect(rows('SELECT COUNT(*) AS n FROM runs')).toBe(1);
    expect(rows(`SELECT COUNT(DISTINCT run_id) AS n FROM events`)).toBe(1);
    await open.signal('finish');
    await open.result();
    await eventually(() => (server.ctx.runs.size === 0 ? true : undefined), 5000, 'last run removed');
    await expect(open.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(rows('SELECT COUNT(*) AS n FROM events')).toBe(0);
  });

  it('lets a workflow id be reused after its closed run was deleted', async () => {
    await client.workflow.execute('quick', { taskQueue: 'retention', workflowId: 'ret-reuse', args: ['first'], workflowIdReusePolicy: 'REJECT_DUPLICATE' });
    await eventually(async () => (await client.workflow.getHandle('ret-reuse').describe().then(() => undefined, () => true)), 5000, 'deleted');
    expect(await client.workflow.execute('quick', { taskQueue: 'retention', workflowId: 'ret-reuse', args: ['second'], workflowIdReusePolicy: 'REJECT_DUPLICATE' })).toBe('second');
  });

  it("applies each namespace's own retention period", async () => {
    const nsWorker = await serverWorker({ connection: native, namespace: 'kept-longer', taskQueue: 'retention-ns' });
    const kept = new Client({ connection, namespace: 'kept-longer' });
    await nsWorker.runUntil(kept.workflow.execute('quick', { taskQueue: 'retention-ns', workflowId: 'ret-kept', args: ['x'] }));
    await new Promise((r) => setTimeout(r, 1500));
    expect((await kept.workflow.getHandle('ret-kept').describe()).status.name).toBe('COMPLETED');
  });

  it('takes the retention period from --retention on the command line', async () => {
    const port = await freePort();
    const child = await spawnDevServer(port, ['--retention', '90m']);
    try {
      const c = await Connection.connect({ address: child.address });
      const ns = await c.workflowService.describeNamespace({ namespace: 'default' });
      await c.close();
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(90 * 60);
    } finally {
      await killServer(child);
    }
  });
});
