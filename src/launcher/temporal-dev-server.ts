import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { Connection } from '@temporalio/client';
import { exitOf, terminate } from './child-process';
import { temporalInterceptors } from '../temporal-grpc';
import { dynamicConfigArgs, searchAttributeArgs, temporalCliPath } from './engines';

const WATCHDOG = path.join(__dirname, 'parent-watchdog.js');

export interface TemporalDevServer {
  /** Frontend gRPC `host:port`. */
  address: string;
  /** The Temporal UI's base URL, or null when it was turned off. */
  uiUrl: string | null;
  dbFilename: string | undefined;
  pid: number;
  /** Resolves when the server exits (after `stop()` or on its own). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
  /** SIGKILL at once (a second Ctrl-C); the server recovers from its database on the next start. */
  kill(): void;
}

export interface TemporalDevServerOptions {
  port: number;
  /** Port of the Temporal UI; 0 runs the server headless. */
  uiPort: number;
  /** Where the server keeps its state (SQLite); in memory when absent (benchmarks). */
  dbFilename?: string;
  namespace: string;
  /** Dynamic config on top of docker/temporal/dynamicconfig.yaml. */
  dynamicConfig?: Record<string, unknown>;
  startTimeoutMs?: number;
  /** The UI's remote codec (`--ui-codec-endpoint`): the API's `/codec` when PAYLOAD_ENCRYPTION_KEY is set. */
  uiCodecEndpoint?: string;
}

/** A `temporal.db` our former TypeScript emulator wrote: the official server cannot read it. */
export class EmulatorDataError extends Error {
  constructor(dbFilename: string) {
    super(
      `${dbFilename} was written by the Temporal emulator that server-queue used before it ran the official Temporal ` +
        'server, which cannot read it. Move it away (e.g. `mv ' +
        dbFilename +
        ' ' +
        dbFilename +
        '.emulator`) and start ' +
        'again: orders still open in it are not resumed (finish them with the previous server-queue version first if ' +
        "they matter); the simulated panel's state next to it is kept.",
    );
  }
}

/** Throws EmulatorDataError for an emulator's database; a file it cannot read is left to the server to judge. */
function assertNotEmulatorData(dbFilename: string): void {
  if (!existsSync(dbFilename)) return;
  let tables: Set<string>;
  try {
    const db = new Database(dbFilename, { fileMustExist: true });
    try {
      tables = new Set(
        (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
          (t) => t.name,
        ),
      );
    } finally {
      db.close();
    }
  } catch {
    return;
  }
  if (tables.has('runs') && !tables.has('executions')) throw new EmulatorDataError(dbFilename);
}

async function answers(address: string, namespace: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000, interceptors: temporalInterceptors() });
    await connection.withDeadline(Date.now() + 2000, () =>
      connection!.workflowService.describeNamespace({ namespace }),
    );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Runs the official Temporal dev server (Temporal CLI `server start-dev`: Server and UI in one process) with its
 * state in `dbFilename`, the project's dynamic config and the order search attributes, and resolves once the
 * namespace answers. A watchdog between this process and the server (their own process group) stops the server when
 * this process is gone, even after a SIGKILL; `kill()` ends the group.
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  if (options.dbFilename) {
    assertNotEmulatorData(options.dbFilename);
    mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  }
  const ip = '127.0.0.1';
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    ...(options.dbFilename ? ['--db-filename', options.dbFilename] : []),
    '--namespace',
    options.namespace,
    '--log-format',
    'json',
    '--log-level',
    'error',
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.uiPort && options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
    ...dynamicConfigArgs(options.dynamicConfig),
    ...searchAttributeArgs(),
  ];
  const child = spawn(process.execPath, [WATCHDOG, temporalCliPath(), ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const exit = exitOf(child);
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const exited = exit.then(({ code }) => code);
  const output: string[] = [];
  const keep = (line: string) => {
    output.push(line);
    if (output.length > 20) output.shift();
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  const address = `${ip}:${options.port}`;
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  while (!(await answers(address, options.namespace))) {
    if (gone || Date.now() > deadline) {
      killGroup();
      const why = output.join(' ').includes('address already in use')
        ? 'the port is in use (another Temporal server?): set TEMPORAL_PORT / TEMPORAL_UI_PORT to free ports, or TEMPORAL_ADDRESS to use that server'
        : gone
          ? output.join('\n').trim() || 'it exited'
          : `it did not answer within ${timeoutMs} ms`;
      throw new Error(`the Temporal dev server could not start on ${address}: ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  let stopping: Promise<void> | undefined;
  return {
    address,
    uiUrl: options.uiPort ? `http://${ip}:${options.uiPort}` : null,
    dbFilename: options.dbFilename,
    pid: child.pid!,
    exited,
    kill: killGroup,
    stop: () => {
      stopping ??= terminate(child, exit, 15_000).then(({ killed }) => {
        if (killed) killGroup();
      });
      return stopping;
    },
  };
}
