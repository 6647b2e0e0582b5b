import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FaultInput, NodeInput, SimState } from '../../sim/src';

const ROOT = path.resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Pids of every live descendant of `pid` (children, grandchildren, ...), from /proc (children of every thread). */
export function descendants(pid: number): number[] {
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    let threads: string[];
    try {
      threads = readdirSync(`/proc/${parent}/task`);
    } catch {
      continue;
    }
    for (const thread of threads) {
      let children: string;
      try {
        children = readFileSync(`/proc/${parent}/task/${thread}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const child of children.split(' ').filter(Boolean).map(Number)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface StackProcess {
  apiUrl: string;
  simUrl: string;
  /** The Temporal dev server's frontend, host:port. */
  temporalAddress: string;
  /** The Temporal UI that npm start serves. */
  temporalUiUrl: string;
  apiKey: string;
  child: ChildProcess;
  /** Everything the stack printed so far (stdout and stderr). */
  output(): string;
  /** Sends an authenticated JSON request to the API; resolves with the status and the parsed body. */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  simState(): Promise<SimState>;
  setFaults(faults: FaultInput): Promise<void>;
  addNode(node: NodeInput): Promise<void>;
  /** Adds a panel user; resolves with its id. */
  addUser(): Promise<number>;
  /**
   * SIGTERM, then waits for the exit (SIGKILL after `timeoutMs`, default 30 s: code null); resolves with the exit
   * code and the descendants that were still alive afterwards (killed then).
   */
  stop(timeoutMs?: number): Promise<{ code: number | null; leftBehind: number[] }>;
}

export interface StackOptions {
  /** Extra environment for src/main.ts (LOG_LEVEL, ...). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /** Extra node flags for src/main.ts, e.g. ['--cpu-prof'] to profile it. */
  nodeArgs?: string[];
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
}

/**
 * Runs the `npm start` stack (src/main.ts: the Temporal dev server and UI, simulated panel, worker, API) as a child process with
 * its state in a fresh temporary DATA_DIR and free ports, and resolves once /readyz answers 200.
 */
export async function startStack(options: StackOptions = {}): Promise<StackProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'server-queue-stack-'));
  const apiKey = `stack-key-${process.pid}-${Date.now()}`;
  const [port, temporalPort, uiPort, simPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    API_KEY: apiKey,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(uiPort),
    SIM_PORT: String(simPort),
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '-r', 'ts-node/register/transpile-only', 'src/main.ts'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const apiUrl = `http://127.0.0.1:${port}`;
  const simUrl = `http://127.0.0.1:${simPort}`;

  const api = async <T>(method: string, route: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${apiKey}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const simPost = async (route: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${simUrl}/_sim${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    await expectOk(res, `POST /_sim${route}`);
    return res.json();
  };

  let stopping: Promise<{ code: number | null; leftBehind: number[] }> | undefined;
  const stop = (stopTimeoutMs = 30_000) => {
    stopping ??= (async () => {
      const tree = descendants(child.pid!);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), stopTimeoutMs))),
      ]);
      clearTimeout(timer);
      if (code === 'timeout') child.kill('SIGKILL');
      const leftBehind = tree.filter(isAlive);
      for (const pid of leftBehind) process.kill(pid, 'SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      return { code: code === 'timeout' ? null : code, leftBehind };
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the stack exited during start:\n${output}`);
    }
    const ready = await fetch(`${apiUrl}/readyz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the stack was not ready within ${options.readyTimeoutMs ?? 120_000} ms:\n${output}`);
    }
    await sleep(250);
  }

  return {
    apiUrl,
    simUrl,
    apiKey,
    child,
    stop,
    api,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    temporalUiUrl: `http://127.0.0.1:${uiPort}`,
    output: () => output,
    simState: async () => {
      const res = await fetch(`${simUrl}/_sim/state`);
      await expectOk(res, 'GET /_sim/state');
      return (await res.json()) as SimState;
    },
    setFaults: async (faults) => {
      await simPost('/faults', faults);
    },
    addNode: async (node) => {
      await simPost('/nodes', node);
    },
    addUser: async () => ((await simPost('/users', {})) as { id: number }).id,
  };
}

/** A valid order for the simulated panel's seed (user 1, egg 1 "Paper", location 1). */
export function orderBody(orderId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId,
    userId: 1,
    tier: 'standard',
    name: `server-${orderId}`.slice(0, 191),
    eggId: 1,
    environment: { SERVER_JARFILE: 'server.jar' },
    limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
    featureLimits: { databases: 0, backups: 0, allocations: 1 },
    locationIds: [1],
    ...overrides,
  };
}
