import { Client } from '@temporalio/client';
import { dataConverterFor } from '../codec';
import { loadConfig, type AppConfig } from '../config';
import { createLogger, safeError } from '../logger';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { OutboundGuard } from '../net/outbound-guard';
import { createPterodactylClient, type RateLimitInfo } from '../provider';
import { connectWorkerConnection, describeTemporalTarget } from '../temporal-connection';
import { ensureReconcileSchedule } from '../temporal-reconcile';
import { createWorker } from './create-worker';
import { bindAddress, serveMetrics, type MetricsServer } from './metrics-server';
import { routeSdkLogs } from './sdk-logs';

const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Runs the order worker with the configured panel and Temporal until SIGTERM/SIGINT, then lets running activities
 * finish (shutdownGraceTime) and closes the connection. The order search attributes must already be registered.
 * `onReady` is called once the workers are about to poll.
 */
export async function runWorker(config: AppConfig = loadConfig(), onReady?: () => void): Promise<void> {
  const logger = createLogger({ level: config.logLevel, name: 'server-queue-worker' });
  routeSdkLogs(logger, config.workerSdkMetricsPort ? bindAddress(config.host, config.workerSdkMetricsPort) : undefined);
  const { url, apiKey } = config.pterodactyl;
  if (!url || !apiKey) throw new Error('PTERODACTYL_URL and PTERODACTYL_API_KEY are required to run the worker');
  const provider = (onRateLimit: (info: RateLimitInfo) => void) =>
    createPterodactylClient({ baseUrl: url, apiKey, logger, onRateLimit });
  const connection = await connectWorkerConnection(config.temporal);
  const stopOn: Array<[string, () => void]> = [];
  const metrics = new WorkerMetrics();
  let metricsServer: MetricsServer | undefined;
  try {
    const worker = await createWorker({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      provider,
      logger,
      flowConfig: config.flow,
      metrics,
      callbackSecrets: config.callbackSecrets,
      callbackSecret: config.callbackSecret,
      callbackConcurrency: config.callbacks.concurrency,
      callbackPerHost: config.callbacks.perHost,
      callbackLegacyHeaders: config.callbackLegacyHeaders,
      operatorWebhook: config.operatorWebhook,
      variablePolicy: config.orderVariables,
      outboundGuard: new OutboundGuard({ allow: config.callbackAllowedHosts }),
      tuning: { shutdownGraceTime: '30 seconds', maxHeartbeatThrottleInterval: '5 seconds' },
      dataConverter: dataConverterFor(config.payloadCodec),
    });
    for (const signal of SHUTDOWN_SIGNALS) {
      const stop = () => {
        logger.info({ signal }, 'shutting down the worker');
        if (worker.getState() === 'RUNNING') worker.shutdown();
      };
      process.once(signal, stop);
      stopOn.push([signal, stop]);
    }
    if (config.workerMetricsPort)
      metricsServer = await serveMetrics(metrics.registry, config.workerMetricsPort, config.host, logger);
    logger.info(
      {
        temporal: describeTemporalTarget(config.temporal),
        taskQueue: config.taskQueue,
        metrics: metricsServer?.url,
        callbackAllowedHosts: config.callbackAllowedHosts.entries,
        payloadEncryption: config.payloadCodec?.keyIds ?? 'off',
      },
      'worker started',
    );
    const running = worker.run();
    onReady?.();
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverterFor(config.payloadCodec),
    });
    ensureReconcileSchedule(client, config.taskQueue, config.reconcile).then(
      (outcome) => logger.info({ outcome, ...config.reconcile }, 'reconciliation schedule ready'),
      (err: unknown) => logger.warn({ err: safeError(err) }, 'could not set up the reconciliation schedule'),
    );
    await running;
    logger.info('worker stopped');
  } finally {
    for (const [signal, stop] of stopOn) process.off(signal, stop);
    await metricsServer?.close();
    await connection.close();
  }
}
