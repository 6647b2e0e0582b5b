import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Sends the Temporal SDK's own logs (warnings and errors; its INFO is mostly bundler output) to the service's logger. */
export function routeSdkLogs(logger: Logger): void {
  try {
    Runtime.install({
      logger: new DefaultLogger('WARN', (entry) => logger[PINO_LEVEL[entry.level]]({ sdk: entry.meta ?? {} }, entry.message)),
    });
  } catch {
    /* a runtime is already installed: keep it */
  }
}
