import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { FlowConfig } from '../flow/flow-config';
import { createPterodactylClient } from '../provider';
import { connectWorkerConnection, type TemporalSettings } from '../temporal-connection';
import { createWorker } from '../worker';

export interface InProcessWorker {
  /** Settles when the worker stops; rejects when it fails on its own. */
  running: Promise<void>;
  stop(): Promise<void>;
}

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Sends the Temporal SDK's own logs (warnings and errors; its INFO is mostly bundler output) to the service's logger. */
function routeSdkLogs(logger: Logger): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => logger[PINO_LEVEL[entry.level]]({ sdk: entry.meta ?? {} }, entry.message)),
    });
  } catch {
    /* a runtime is already installed: keep it */
  }
}

/** Starts the order worker (src/worker) in this process against the given Temporal and panel. */
export async function startWorkerInProcess(options: {
  temporal: TemporalSettings;
  taskQueue: string;
  panel: { url: string; apiKey: string };
  logger: Logger;
  flowConfig?: FlowConfig;
}): Promise<InProcessWorker> {
  routeSdkLogs(options.logger);
  const connection = await connectWorkerConnection(options.temporal);
  const worker = await createWorker({
    connection,
    namespace: options.temporal.namespace,
    taskQueue: options.taskQueue,
    provider: (onRateLimit) => createPterodactylClient({ baseUrl: options.panel.url, apiKey: options.panel.apiKey, logger: options.logger, onRateLimit }),
    logger: options.logger,
    flowConfig: options.flowConfig,
    tuning: { shutdownGraceTime: '10 seconds', maxHeartbeatThrottleInterval: '5 seconds' },
  }).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const running = worker.run().finally(() => connection.close());
  let stopping: Promise<void> | undefined;
  return {
    running,
    stop: () => {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running.catch(() => undefined);
      })();
      return stopping;
    },
  };
}
