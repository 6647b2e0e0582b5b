import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import workerPackage from '@temporalio/worker/package.json';
import { DEVSERVER_BIN } from './helpers';

const SERVER_WORKFLOWS = require.resolve('./fixtures/server-workflows');
let bundle: Promise<{ code: string }> | undefined;

/** The server-conformance fixture workflows, bundled once per test file. */
export function serverWorkflowsBundle(): Promise<{ code: string }> {
  bundle ??= cachedBundle();
  return bundle;
}

/** Bundling takes seconds; the bundle is cached in the temp dir under a hash of the fixture source and SDK version. */
async function cachedBundle(): Promise<{ code: string }> {
  const source = fs.readFileSync(SERVER_WORKFLOWS);
  const hash = createHash('sha256').update(source).update(workerPackage.version).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `devserver-server-workflows-${hash}.js`);
  if (fs.existsSync(file)) return { code: fs.readFileSync(file, 'utf8') };
  const built = await bundleWorkflowCode({ workflowsPath: SERVER_WORKFLOWS, logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } });
  fs.writeFileSync(`${file}.${process.pid}`, built.code);
  fs.renameSync(`${file}.${process.pid}`, file);
  return built;
}

export type WorkerFactoryOptions = Partial<WorkerOptions> & { connection: NativeConnection; taskQueue: string };

/** A worker running the fixture workflows (and the given activities, if any). */
export async function serverWorker(options: WorkerFactoryOptions): Promise<Worker> {
  return Worker.create({ workflowBundle: await serverWorkflowsBundle(), ...options });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServerProcess { child: ChildProcess; address: string; exited: Promise<number | null> }

/** Launches `bin/temporal-devserver server start-dev` as a child process and waits until it answers. */
export async function spawnDevServer(port: number, extraArgs: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [DEVSERVER_BIN, 'server', 'start-dev', '--port', String(port), '--headless', ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => void (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`devserver exited with ${child.exitCode}: ${stderr}`);
    const connection = await Connection.connect({ address, connectTimeout: 1000 }).catch(() => undefined);
    if (connection) {
      const ok = await connection.healthService.check({}).then(() => true, () => false);
      await connection.close();
      if (ok) return { child, address, exited };
    }
    if (Date.now() > deadline) throw new Error(`devserver did not start on ${address}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends SIGKILL and waits until the process is gone. */
export async function killServer(server: ServerProcess): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await server.exited;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
