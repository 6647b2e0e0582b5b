import { spawn } from 'node:child_process';
import os from 'node:os';
import type { Logger } from 'pino';
import { WORKER_READY_MESSAGE } from '../worker/ready';
import { exitOf, hasExited, killNow, terminate } from './child-process';

export interface WorkerProcess {
  /** Settles when the worker process exits after stop(); rejects when it exits on its own. */
  running: Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL at once (a second Ctrl-C); its tasks go back to Temporal when their timeouts pass. */
  kill(): void;
}

export interface WorkerProcessOptions {
  /** Temporal frontend host:port and namespace the worker connects to. */
  temporalAddress: string;
  namespace: string;
  panel: { url: string; apiKey: string };
  logger: Logger;
  /** Niceness for the child (0 to 19); a worker that yields the CPU keeps the API's latency low under load. */
  nice?: number;
  /** How long the worker may take to stop after SIGTERM before it is killed; default 45 s. */
  stopTimeoutMs?: number;
  startTimeoutMs?: number;
}

const WORKER_MAIN = require.resolve('../worker/main');
const EVAL_FLAGS = new Set(['-e', '--eval', '-p', '--print']);

/** This process's node flags (source maps, ts-node, profiling) without a script given on the command line. */
function nodeFlags(): string[] {
  const flags: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    if (EVAL_FLAGS.has(process.execArgv[i])) i += 1;
    else if (!/^--(eval|print)=/.test(process.execArgv[i])) flags.push(process.execArgv[i]);
  }
  return flags;
}

/** The worker's environment: this process's, without the API keys (the worker never serves the API), plus its targets. */
export function workerEnvironment(
  parent: NodeJS.ProcessEnv,
  options: Pick<WorkerProcessOptions, 'temporalAddress' | 'namespace' | 'panel'>,
): NodeJS.ProcessEnv {
  const { API_KEY: _key, API_KEYS: _keys, ...inherited } = parent;
  return {
    ...inherited,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_NAMESPACE: options.namespace,
    PTERODACTYL_URL: options.panel.url,
    PTERODACTYL_API_KEY: options.panel.apiKey,
  };
}

/**
 * Runs the order worker (src/worker/main.ts) as a child process of `npm start`, with `workerEnvironment`. Its own
 * event loop keeps workflow and activity work from delaying the API's answers. Resolves once it reports that its workers poll. When this process is gone (the IPC channel closes),
 * the worker shuts down gracefully by itself.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const env = workerEnvironment(process.env, options);
  const child = spawn(process.execPath, [...nodeFlags(), WORKER_MAIN], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = exitOf(child);
  if (options.nice && child.pid) os.setPriority(child.pid, options.nice);
  let stopping: Promise<void> | undefined;

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the worker process did not start within ${options.startTimeoutMs ?? 120_000} ms`));
    }, options.startTimeoutMs ?? 120_000);
    child.on('message', (message) => {
      if (message !== WORKER_READY_MESSAGE) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the worker process exited during start (code ${code}, signal ${signal})`));
    });
  });

  const running = exited.then(({ code, signal }) => {
    if (stopping) return;
    throw new Error(`the worker process exited (code ${code}, signal ${signal})`);
  });
  return {
    running,
    kill: () => killNow(child),
    stop: () => {
      stopping ??= (async () => {
        if (hasExited(child)) return;
        const outcome = await terminate(child, exited, options.stopTimeoutMs ?? 45_000);
        if (outcome.killed) options.logger.error('the worker process did not stop in time; it was killed');
        else if (outcome.code !== 0)
          throw new Error(`the worker process stopped with code ${outcome.code} (signal ${outcome.signal})`);
      })();
      return stopping;
    },
  };
}
