import { apiSettingsFrom } from './app-settings';
import type { Client } from '@temporalio/client';
import { dataConverterFor } from '../codec';
import { ConfigError, loadConfig, type AppConfig } from '../config';
import { displayPath, persistDevApiKey } from '../launcher/dev-api-key';
import { ProcessStack } from '../launcher/process-stack';
import { createLogger, safeError, type Logger } from '../logger';
import { connectWorkerConnection, describeTemporalTarget, lazyClient } from '../temporal-connection';
import { ensureSearchAttributes } from '../temporal-search-attributes';
import { ApiWorkerHost } from '../worker/api-worker';
import { routeSdkLogs } from '../worker/sdk-logs';
import { createApp } from './app';
import { listenApi } from './server';

/** Keeps trying until Temporal answers: the API may start before the cluster (docker compose). */
async function registerSearchAttributes(
  client: Client,
  namespace: string,
  logger: Logger,
  stack: ProcessStack,
): Promise<void> {
  for (let attempt = 1; !stack.isStopping; attempt++) {
    const outcome = await ensureSearchAttributes(client.connection, namespace);
    if (outcome.ok) {
      if (outcome.added.length) logger.info({ added: outcome.added }, 'registered search attributes');
      return;
    }
    if (!outcome.unreachable || attempt >= 60) {
      logger.warn({ reason: outcome.reason }, `order search attributes are not registered; run:\n${outcome.howToFix}`);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** API only (`src/api/main.ts`): for running the API and the worker as separate, separately scaled processes. */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
    if (!config.temporal.address)
      throw new ConfigError([
        { variable: 'TEMPORAL_ADDRESS', reason: 'required for the API alone (npm start runs everything)' },
      ]);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  let devKey: ReturnType<typeof persistDevApiKey> | undefined;
  try {
    devKey = config.apiKeyGenerated ? persistDevApiKey(config.dataDir, config.apiKey!) : undefined;
  } catch (err) {
    process.stderr.write(`could not write the development API key under DATA_DIR: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (devKey) config = { ...config, apiKey: devKey.key };
  const logger = createLogger({ level: config.logLevel, name: 'server-queue-api' });
  const stack = new ProcessStack(logger);
  stack.stopOnSignals(() => process.exit(0));
  const dataConverter = dataConverterFor(config.payloadCodec);
  const client = lazyClient(config.temporal, { dataConverter });
  stack.add('Temporal client', () => client.connection.close());
  if (config.registerSearchAttributes) void registerSearchAttributes(client, config.temporal.namespace, logger, stack);
  routeSdkLogs(logger);
  const apiWorker = new ApiWorkerHost({
    connect: () => connectWorkerConnection(config.temporal),
    client,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    logger: logger.child({ part: 'api-worker' }),
    censusIntervalMs: config.censusIntervalMs,
    dataConverter,
  });
  apiWorker.start();
  stack.add('API worker', () => apiWorker.stop());
  const app = createApp({
    ...apiSettingsFrom(config),
    client,
    logger: logger,
    temporalUiUrl: config.temporalUiUrl,
    apiWorkerReady: () => apiWorker.ready,
  });
  try {
    const api = await listenApi(app, config.port, config.host);
    stack.add('API', api.close);
    logger.info(
      { url: api.url, temporal: describeTemporalTarget(config.temporal), taskQueue: config.taskQueue },
      'API listening',
    );
    if (devKey) process.stdout.write(`Development API key in ${displayPath(devKey.file)} (mode 0600)\n`);
  } catch (err) {
    logger.fatal({ err: safeError(err) }, 'could not start the API');
    await stack.stopAll();
    process.exit(1);
  }
}

void main();
