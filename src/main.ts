import { apiSettingsFrom } from './api/app-settings';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startSimPanel } from '../sim/src';
import { createApp } from './api/app';
import { listenApi } from './api/server';
import { dataConverterFor } from './codec';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { displayPath, persistDevApiKey } from './launcher/dev-api-key';
import { startTemporalDevServer } from './launcher/temporal-dev-server';
import { whenNpmIsGone } from './launcher/launcher-watch';
import { ProcessStack } from './launcher/process-stack';
import { startWorkerProcess } from './launcher/worker-process';
import { createLogger, safeError, type Logger } from './logger';
import { connectClient, connectWorkerConnection, describeTemporalTarget, withAddress } from './temporal-connection';
import { ensureRetention } from './temporal-retention';
import { ensureSearchAttributes } from './temporal-search-attributes';
import { ApiWorkerHost } from './worker/api-worker';
import { routeSdkLogs } from './worker/sdk-logs';

/** The API's /codec as the browser reaches it (the port is known before the API listens; port 0 has none). */
function codecEndpoint(config: AppConfig): string | undefined {
  if (!config.port) return undefined;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/codec`;
}

/**
 * `npm start`: everything a new user needs in one process tree. Temporal (the official dev server with its UI, unless
 * TEMPORAL_ADDRESS or a Temporal profile names one), the order search attributes, a simulated panel (unless
 * PTERODACTYL_URL is set), the worker and the API. State lives under DATA_DIR, so starting again resumes every
 * unfinished order.
 */
async function start(configured: AppConfig, logger: Logger, stack: ProcessStack): Promise<string[]> {
  const lines: string[] = [];
  const devKey = configured.apiKeyGenerated ? persistDevApiKey(configured.dataDir, configured.apiKey!) : undefined;
  const config = devKey ? { ...configured, apiKey: devKey.key } : configured;
  let temporal = config.temporal;
  let temporalUiUrl = config.temporalUiUrl;
  if (!temporal.address) {
    const dbFilename = path.join(config.dataDir, 'temporal.db');
    const server = await startTemporalDevServer({
      port: config.temporalPort,
      uiPort: config.temporalUiPort,
      dbFilename,
      namespace: temporal.namespace,
      uiCodecEndpoint: config.payloadCodec ? codecEndpoint(config) : undefined,
    });
    stack.add('Temporal dev server', server.stop, server.kill);
    void server.exited.then((code) => {
      if (stack.isStopping) return;
      logger.error({ code }, 'the Temporal dev server exited; stopping');
      void stack.stopAll().then(() => process.exit(1));
    });
    temporal = withAddress(temporal, server.address);
    temporalUiUrl ??= server.uiUrl ?? undefined;
    lines.push(`Temporal     ${describeTemporalTarget(temporal)}: official dev server, state in ${dbFilename}`);
    lines.push(
      server.uiUrl
        ? `Temporal UI  ${server.uiUrl}/namespaces/${temporal.namespace}/workflows`
        : 'Temporal UI  off (TEMPORAL_UI_PORT=0)',
    );
    if (server.uiUrl && config.payloadCodec)
      lines.push(
        `Codec        ${codecEndpoint(config) ?? '(none: PORT=0)'} decrypts payloads for the UI (operator keys)`,
      );
  } else {
    lines.push(`Temporal     ${describeTemporalTarget(temporal)}`);
  }

  const dataConverter = dataConverterFor(config.payloadCodec);
  const client = await connectClient(temporal, { dataConverter });
  stack.add('Temporal client', () => client.connection.close());
  if (config.registerSearchAttributes) {
    const outcome = await ensureSearchAttributes(client.connection, temporal.namespace);
    if (!outcome.ok) {
      logger.warn({ reason: outcome.reason }, `order search attributes are not registered; run:\n${outcome.howToFix}`);
    } else if (outcome.added.length) logger.info({ added: outcome.added }, 'registered search attributes');
  }
  if (!config.temporal.address || config.temporalRetention.explicit) {
    const retentionDays = config.temporalRetention.ms / 86_400_000;
    try {
      const { changed } = await ensureRetention(client.connection, temporal.namespace, config.temporalRetention.ms);
      if (changed) logger.info({ namespace: temporal.namespace, retentionDays }, 'namespace retention set');
    } catch (err) {
      logger.warn(
        { err: safeError(err), namespace: temporal.namespace },
        'could not set the namespace retention (TEMPORAL_RETENTION)',
      );
    }
    lines.push(`Retention    closed orders are kept ${retentionDays} days (TEMPORAL_RETENTION)`);
  }

  routeSdkLogs(logger.child({ part: 'api' }));
  const apiWorker = new ApiWorkerHost({
    connect: () => connectWorkerConnection(temporal),
    client,
    namespace: temporal.namespace,
    taskQueue: config.taskQueue,
    logger: logger.child({ part: 'api-worker' }),
    censusIntervalMs: config.censusIntervalMs,
    dataConverter,
  });
  apiWorker.start();
  stack.add('API worker', () => apiWorker.stop());

  let panel = { url: config.pterodactyl.url ?? '', apiKey: config.pterodactyl.apiKey ?? '' };
  if (!config.pterodactyl.url) {
    const apiKey = config.pterodactyl.apiKey ?? `ptla_dev_${randomBytes(16).toString('hex')}`;
    const sim = await startSimPanel(
      { apiKey, port: config.simPort, host: '127.0.0.1', dataDir: config.dataDir },
      {
        reportUnexpected: (err) => logger.error({ err: safeError(err) }, 'simulated panel error'),
      },
    );
    stack.add('simulated panel', sim.close);
    panel = { url: sim.url, apiKey };
    lines.push(`Panel        ${sim.url}: simulated Pterodactyl, state in ${path.join(config.dataDir, 'sim-panel.db')}`);
  } else {
    lines.push(`Panel        ${config.pterodactyl.url}`);
  }

  const worker = await startWorkerProcess({
    temporalAddress: temporal.address!,
    namespace: temporal.namespace,
    panel,
    logger: logger.child({ part: 'worker' }),
    nice: config.workerNice,
  });
  stack.add('worker', worker.stop, worker.kill);
  worker.running.then(
    () => {
      if (!stack.isStopping) void stack.stopAll().then(() => process.exit(1));
    },
    (err: unknown) => {
      logger.error({ err: safeError(err) }, 'the worker failed; stopping');
      void stack.stopAll().then(() => process.exit(1));
    },
  );
  lines.push(`Worker       task queue ${config.taskQueue} (a child process, nice ${config.workerNice})`);

  const app = createApp({
    ...apiSettingsFrom(config),
    client,
    logger: logger.child({ part: 'api' }),
    temporalUiUrl,
    apiWorkerReady: () => apiWorker.ready,
  });
  const api = await listenApi(app, config.port, config.host);
  stack.add('API', api.close);
  lines.unshift(`API          ${api.url}`);
  const keyFile = devKey && displayPath(devKey.file);
  lines.push(
    keyFile
      ? `API key      in ${keyFile} (generated operator key, mode 0600; set API_KEY to choose one)`
      : `API keys     ${[...(config.apiKey ? ['default (operator, API_KEY)'] : []), ...config.apiKeys.map((k) => `${k.name} (${k.role})`)].join(', ')}`,
  );
  lines.push(
    `Try          curl -H "Authorization: Bearer ${keyFile ? `$(cat ${keyFile})` : '<API key>'}" ${api.url}/v1/orders`,
  );
  return lines;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  const stack = new ProcessStack(logger);
  stack.stopOnSignals(() => process.exit(0));
  whenNpmIsGone((launcher) => {
    logger.warn({ launcher }, 'npm, which started this process, is gone; stopping');
    void stack.stopAll().then(() => process.exit(1));
  });
  try {
    const lines = await start(config, logger, stack);
    process.stdout.write(
      `\nserver-queue is running (Ctrl-C stops everything)\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`,
    );
  } catch (err) {
    logger.fatal({ err: safeError(err) }, 'could not start');
    process.stderr.write(`\nserver-queue could not start: ${err instanceof Error ? err.message : String(err)}\n\n`);
    await stack.stopAll();
    process.exit(1);
  }
}

void main();
