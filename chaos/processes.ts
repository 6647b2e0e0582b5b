import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import path from 'node:path';
import { sleep } from '../test/e2e/stack-process';

const ROOT = path.resolve(__dirname, '..');

/** One restartable process of the chaos stack; `ready` tells when it serves again after a (re)start. */
export class Part {
  private child: ChildProcess | undefined;
  restarts = 0;

  constructor(readonly name: string, private readonly args: string[], private readonly env: Record<string, string>,
    private readonly ready: (child: ChildProcess) => Promise<boolean>, private readonly ipc = false) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, this.args, {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: this.ipc ? ['pipe', 'ignore', 'inherit', 'ipc'] : ['pipe', 'ignore', 'inherit'],
    });
    const child = this.child;
    const deadline = Date.now() + 90_000;
    while (!(await this.ready(child))) {
      if (Date.now() > deadline) throw new Error(`${this.name} did not become ready`);
      await sleep(200);
    }
  }

  /** SIGKILL, then a start after `downMs`. */
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

/** Ready once something listens on the port. */
export function listening(port: number): () => Promise<boolean> {
  return () => new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

export const tsNode = (script: string): string[] => ['-r', 'ts-node/register/transpile-only', script];

export async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}
