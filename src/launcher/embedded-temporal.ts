import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { exitOf, killNow, terminate } from './child-process';

export const DEVSERVER_BIN = path.resolve(__dirname, '../../bin/temporal-devserver');

export interface EmbeddedTemporal {
  address: string;
  dbFilename: string;
  pid: number;
  /** Resolves when the server process exits (after `stop()` or on its own). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** SIGKILL at once (a second Ctrl-C); the server recovers from its database on the next start. */
  kill(): void;
}

export interface EmbeddedTemporalOptions {
  port: number;
  dbFilename: string;
  namespace: string;
  startTimeoutMs?: number;
}


/**
 * Runs the embedded Temporal server (`bin/temporal-devserver server start-dev`) as a child process with its state in
 * `dbFilename`, and resolves once it listens. It stops by itself when this process is gone (its stdin closes).
 */
export async function startEmbeddedTemporal(options: EmbeddedTemporalOptions): Promise<EmbeddedTemporal> {
  mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const args = [DEVSERVER_BIN, 'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(options.port),
    '--db-filename', options.dbFilename, '--log-format', 'json', '--exit-with-stdin'];
  if (options.namespace !== 'default') args.push('--namespace', options.namespace);
  const nodeArgs = (process.env.EMBEDDED_TEMPORAL_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exit = exitOf(child);
  const exited = exit.then(({ code }) => code);
  const errors: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    errors.push(line);
    if (errors.length > 20) errors.shift();
  });
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded Temporal server did not start within ${options.startTimeoutMs ?? 60_000} ms`));
    }, options.startTimeoutMs ?? 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { address?: string };
        if (entry.address) {
          clearTimeout(timer);
          resolve(entry.address);
        }
      } catch {
        /* not a JSON log line */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      const output = errors.join(' ');
      const why = output.includes('EADDRINUSE')
        ? 'the port is in use (another Temporal server?): set TEMPORAL_PORT to a free port, or TEMPORAL_ADDRESS to use that server'
        : output.trim() || `exit code ${code}`;
      reject(new Error(`the embedded Temporal server could not start on port ${options.port}: ${why}`));
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    address,
    dbFilename: options.dbFilename,
    pid: child.pid!,
    exited,
    kill: () => killNow(child),
    stop: () => {
      stopping ??= terminate(child, exit, 10_000).then(() => undefined);
      return stopping;
    },
  };
}
