import { dataConverterFor } from './codec';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { adoptAllServers } from './server-migration';
import { connectClient } from './temporal-connection';

/**
 * `npm run adopt:servers`: gives every ACTIVE order's server an entity now (see adoptAllServers), against the
 * configured Temporal (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TASK_QUEUE, PAYLOAD_ENCRYPTION_KEY); prints the
 * counts as JSON.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, name: 'server-queue-adopt' });
  const client = await connectClient(config.temporal, { dataConverter: dataConverterFor(config.payloadCodec) });
  try {
    const counts = await adoptAllServers({ client, taskQueue: config.taskQueue, logger });
    process.stdout.write(`${JSON.stringify(counts)}\n`);
  } finally {
    await client.connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
