import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import Database from 'better-sqlite3';
import request from 'supertest';
import type { SimState } from '../../sim/src';
import { descendants, isAlive, sleep } from '../e2e/stack-process';
import { orphanServers, serversOfOrder } from '../e2e/stack-orders';
import { temporalInterceptors } from '../../src/temporal-grpc';
import { orderBody, waitFor } from './harness';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'main-process-key-0123456789';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function startMain(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await waitFor(
    async () => output,
    (text) => text.includes('server-queue is running') || child.exitCode !== null,
    90_000,
  );
  if (!output.includes('server-queue is running')) throw new Error(`npm start did not come up:\n${output}`);
  return { child, output: () => output, exited };
}

describe('npm start (src/main.ts)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let running: Started | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'server-queue-main-'));
    env = {
      DATA_DIR: dataDir,
      API_KEY: KEY,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SIM_PORT: String(await freePort()),
    };
  });

  afterAll(async () => {
    await stopRunning();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = () => request(`http://127.0.0.1:${env.PORT}`);

  it('refuses a DATA_DIR whose temporal.db the former emulator wrote, saying what to do', async () => {
    const legacyDir = mkdtempSync(path.join(tmpdir(), 'server-queue-legacy-'));
    const legacy = new Database(path.join(legacyDir, 'temporal.db'));
    legacy.exec(
      'CREATE TABLE namespaces (name TEXT PRIMARY KEY, json TEXT NOT NULL); CREATE TABLE runs (run_id TEXT PRIMARY KEY, state TEXT NOT NULL);',
    );
    legacy.close();
    try {
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env, DATA_DIR: legacyDir, LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`${path.join(legacyDir, 'temporal.db')} was written by the Temporal emulator`);
      expect(stderr).toContain(
        `mv ${path.join(legacyDir, 'temporal.db')} ${path.join(legacyDir, 'temporal.db')}.emulator`,
      );
    } finally {
      rmSync(legacyDir, { recursive: true, force: true });
    }
  }, 60_000);
  const status = async (orderId: string) =>
    (await api().get(`/v1/orders/${orderId}`).set('Authorization', `Bearer ${KEY}`)).body.status as string;

  it('starts Temporal, the panel, the worker and the API, and says where', async () => {
    running = await startMain(env);
    const banner = running.output();
    expect(banner).toContain(`API          http://127.0.0.1:${env.PORT}`);
    expect(banner).toContain(
      `Temporal     127.0.0.1:${env.TEMPORAL_PORT} namespace default: official dev server, state in ${path.join(dataDir, 'temporal.db')}`,
    );
    expect(banner).toContain(`Temporal UI  http://127.0.0.1:${env.TEMPORAL_UI_PORT}/namespaces/default/workflows`);
    expect(banner).toContain(`Panel        http://127.0.0.1:${env.SIM_PORT}: simulated Pterodactyl`);
    expect(banner).toContain('Retention    closed orders are kept 30 days (TEMPORAL_RETENTION)');
    expect(banner).not.toContain(KEY);
    await api().get('/readyz').expect(200);
    const connection = await Connection.connect({
      address: `127.0.0.1:${env.TEMPORAL_PORT}`,
      interceptors: temporalInterceptors(),
    });
    try {
      const described = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(tsToMs(described.config?.workflowExecutionRetentionTtl ?? undefined)).toBe(30 * 86_400_000);
    } finally {
      await connection.close();
    }
  }, 120_000);

  const panelState = async (): Promise<SimState> => {
    const res = await fetch(`http://127.0.0.1:${env.SIM_PORT}/_sim/state`);
    if (!res.ok) throw new Error(`GET /_sim/state answered ${res.status}`);
    return (await res.json()) as SimState;
  };
  /** Interrupted while INSTALLING (its server exists), and just after acceptance (queued or mid-create). */
  const resumed = [
    orderBody({ orderId: 'restart-1', userId: 1, limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 } }),
    orderBody({ orderId: 'restart-2', userId: 2, limits: { memory: 2048, swap: 0, disk: 8192, io: 500, cpu: 200 } }),
  ] as Array<{ orderId: string; userId: number; limits: Record<string, number> }>;

  it('resumes orders interrupted by a restart and finishes them, one server each on the panel', async () => {
    const [installing, early] = resumed;
    await api().post('/v1/orders').set('Authorization', `Bearer ${KEY}`).send(installing).expect(202);
    expect(
      await waitFor(
        () => status(installing.orderId),
        (s) => s === 'INSTALLING',
      ),
    ).toBe('INSTALLING');
    await api().post('/v1/orders').set('Authorization', `Bearer ${KEY}`).send(early).expect(202);
    const before = serversOfOrder(await panelState(), installing.orderId).map((s) => s.id);
    expect(before).toHaveLength(1);

    const children = descendants(running!.child.pid!);
    const stoppingAt = Date.now();
    running!.child.kill('SIGTERM');
    expect(await running!.exited).toBe(0);
    expect(Date.now() - stoppingAt).toBeLessThan(15_000);
    expect(children.filter(isAlive)).toEqual([]);
    await expect(api().get('/healthz')).rejects.toThrow();

    running = await startMain(env);
    for (const { orderId } of resumed) {
      expect({
        orderId,
        status: await waitFor(
          () => status(orderId),
          (s) => s === 'ACTIVE',
          90_000,
        ),
      }).toEqual({
        orderId,
        status: 'ACTIVE',
      });
    }

    // The panel: exactly one installed server per resumed order, the one the order reports, with its user and
    // limits; the server created before the restart was adopted, not created again; no server belongs to no order.
    const panel = await panelState();
    for (const order of resumed) {
      const view = (await api().get(`/v1/orders/${order.orderId}`).set('Authorization', `Bearer ${KEY}`)).body;
      const servers = serversOfOrder(panel, order.orderId);
      expect({ orderId: order.orderId, servers: servers.map((s) => s.id) }).toEqual({
        orderId: order.orderId,
        servers: [view.server.id],
      });
      expect(servers[0]).toMatchObject({
        user: order.userId,
        limits: order.limits,
        allocation: view.server.allocation.id,
        status: null,
        suspended: false,
      });
    }
    expect(serversOfOrder(panel, installing.orderId).map((s) => s.id)).toEqual(before);
    expect(
      orphanServers(
        panel,
        resumed.map((o) => o.orderId),
      ),
    ).toEqual([]);
    expect(
      panel.allocations
        .filter((a) => a.server !== null)
        .map((a) => a.server)
        .sort(),
    ).toEqual(panel.servers.map((s) => s.id).sort());
  }, 180_000);

  const stopRunning = async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  };
  const stopsByItself = async (pids: number[]) =>
    waitFor(
      async () => pids.filter(isAlive),
      (alive) => alive.length === 0,
      30_000,
    );

  it('kills the worker and the Temporal server at once on a second signal, leaving no process behind', async () => {
    await stopRunning();
    running = await startMain(env);
    const children = descendants(running.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(2);
    running.child.kill('SIGTERM');
    await sleep(50);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(130);
    expect(await stopsByItself(children)).toEqual([]);
  }, 120_000);

  it('leaves no worker or Temporal server behind when it is killed itself (SIGKILL)', async () => {
    running = await startMain(env);
    const children = descendants(running.child.pid!);
    running.child.kill('SIGKILL');
    await running.exited;
    expect(await stopsByItself(children)).toEqual([]);
    running = await startMain(env);
    await api().get('/readyz').expect(200);
  }, 180_000);
});
