import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { startTemporalDevServer, type TemporalDevServer } from '../src/launcher/temporal-dev-server';
import { sleep } from '../test/e2e/stack-process';

const ROOT = path.resolve(__dirname, '..');

/** One restartable part of the chaos stack. */
export interface Restartable {
  readonly name: string;
  start(): Promise<void>;
  /** SIGKILL, then a start after `downMs`. */
  crash(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The official Temporal dev server on `port` with its state in `dbFilename`: a crash kills it (SIGKILL) mid-flight. */
export class TemporalPart implements Restartable {
  readonly name = 'Temporal';
  private server: TemporalDevServer | undefined;

  constructor(
    private readonly port: number,
    private readonly dbFilename: string,
  ) {}

  async start(): Promise<void> {
    this.server = await startTemporalDevServer({
      port: this.port,
      uiPort: 0,
      dbFilename: this.dbFilename,
      namespace: 'default',
      startTimeoutMs: 90_000,
    });
  }

  async crash(downMs: number): Promise<void> {
    this.server?.kill();
    await this.server?.exited;
    await sleep(downMs);
    await this.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}

/** One restartable Node.js process of the chaos stack; `ready` tells when it serves again after a (re)start. */
export class Part implements Restartable {
  private child: ChildProcess | undefined;
  restarts = 0;

  constructor(
    readonly name: string,
    private readonly args: string[],
    private readonly env: Record<string, string>,
    private readonly ready: (child: ChildProcess) => Promise<boolean>,
    private readonly ipc = false,
  ) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, this.args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: this.ipc ? ['pipe', 'ignore', 'inherit', 'ipc'] : ['pipe', 'ignore', 'inherit'],
    });
    const child = this.child;
    const deadline = Date.now() + 90_000;
    while (!(await this.ready(child))) {
      if (Date.now() > deadline) throw new Error(`${this.name} did not become ready`);
      await sleep(200);
    }
  }

  async crash(downMs: number): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
    this.restarts += 1;
    await sleep(downMs);
    await this.start();
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  }
}

/** Ready once the process sent `message` over IPC. */
export function sentMessage(message: string): (child: ChildProcess) => Promise<boolean> {
  const seen = new WeakSet<ChildProcess>();
  return async (child) => {
    if (!child.listenerCount('message')) child.on('message', (m) => m === message && seen.add(child));
    return seen.has(child);
  };
}

export const tsNode = (script: string): string[] => ['-r', 'ts-node/register/transpile-only', script];

export async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}
