import { temporal } from '@temporalio/proto';
import type { DataConverter } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { dynamicConfigArgs, searchAttributeArgs, temporalCli, testServer } from '../src/launcher/engines';
import { ORDER_SEARCH_ATTRIBUTES } from '../src/workflows/contract';
import { closedChannelGuardPlugin } from '../src/temporal-grpc';

const INDEXED_TYPE = temporal.api.enums.v1.IndexedValueType;

/**
 * The official time-skipping test server (Java, io.temporal:temporal-test-server) with the order search attributes.
 * It has no visibility (List, Count): tests that need it use `startDevServerEnv`. `dataConverter` is the env client's.
 */
export async function startTestServerEnv(dataConverter?: DataConverter): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServer() },
    plugins: [closedChannelGuardPlugin],
    ...(dataConverter ? { client: { dataConverter } } : {}),
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      ORDER_SEARCH_ATTRIBUTES.map((key) => [key.name, INDEXED_TYPE[`INDEXED_VALUE_TYPE_${key.type}`]]),
    ),
  });
  return env;
}

export interface DevServerEnvOptions {
  /** Dynamic config on top of docker/temporal/dynamicconfig.yaml (which holds the production visibility limit). */
  dynamicConfig?: Record<string, unknown>;
  /** Serve the Temporal UI on this port. */
  uiPort?: number;
  dbFilename?: string;
  /** Register the order search attributes at start (default true). */
  searchAttributes?: boolean;
}

/**
 * The official Temporal dev server (Temporal CLI: Server 1.29.1) on the real clock, in memory, with the project's
 * dynamic config (so the visibility rate limit is the production default of 10/s) and the order search attributes.
 */
export function startDevServerEnv(options: DevServerEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    plugins: [closedChannelGuardPlugin],
    server: {
      executable: temporalCli(),
      ip: '127.0.0.1',
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      log: { format: 'json', level: 'error' },
      extraArgs: [
        ...dynamicConfigArgs(options.dynamicConfig),
        ...(options.searchAttributes === false ? [] : searchAttributeArgs()),
      ],
    },
  });
}
