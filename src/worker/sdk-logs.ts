import { DefaultLogger, IllegalStateError, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';
import { safeError } from '../logger';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Sends the Temporal SDK's own logs (warnings and errors; its INFO is mostly bundler output) to the service's logger.
 * With `metricsBindAddress` (`host:port`) the SDK also serves its runtime metrics (`temporal_*`, Prometheus, on
 * /metrics there); when that address cannot be bound the reason is logged and the SDK runs without them.
 */
export function routeSdkLogs(logger: Logger, metricsBindAddress?: string): void {
  const sdkLogger = () =>
    new DefaultLogger('WARN', (entry) => logger[PINO_LEVEL[entry.level]]({ sdk: entry.meta ?? {} }, entry.message));
  if (metricsBindAddress) {
    try {
      Runtime.install({
        logger: sdkLogger(),
        telemetryOptions: {
          metrics: {
            prometheus: { bindAddress: metricsBindAddress, countersTotalSuffix: true, useSecondsForDurations: true },
          },
        },
      });
      return;
    } catch (err) {
      if (err instanceof IllegalStateError) return;
      logger.error({ err: safeError(err), bindAddress: metricsBindAddress }, 'Temporal SDK metrics are not served');
    }
  }
  try {
    Runtime.install({ logger: sdkLogger() });
  } catch {
    /* a runtime is already installed: keep it */
  }
}
