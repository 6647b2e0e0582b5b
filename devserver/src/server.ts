import * as grpc from '@grpc/grpc-js';
import { Ctx } from './ctx';
import { createEngine } from './engine';
import { healthHandlers, operatorHandlers, systemHandlers, testHandlers } from './handlers-system';
import { taskHandlers } from './handlers-tasks';
import { workflowHandlers } from './handlers-workflows';
import { addService, RpcLogger } from './rpc';
import { addSearchAttributes } from './namespaces';
import { MemoryStore, SqliteStore } from './store';

export interface DevServerOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  ip?: string;
  /** Namespaces to create besides `default`. */
  namespaces?: string[];
  /** Custom search attributes (name to type, e.g. `Keyword`) to register in `default` and every namespace above. */
  searchAttributes?: Record<string, string | number>;
  /** SQLite file for durable state; in memory when absent. */
  dbFilename?: string;
  /** Time-skipping test server (Java test server semantics) instead of a real-clock dev server. */
  timeSkipping?: boolean;
  /** How long closed workflows are kept (ms); default 24 h, or forever on the time-skipping server. */
  retentionMs?: number;
  /** Long-poll duration for empty polls (ms); default 20 s. */
  pollTimeoutMs?: number;
  logger?: RpcLogger;
}

export interface DevServer {
  /** `host:port`, ready for `Connection.connect({ address })` and `NativeConnection.connect({ address })`. */
  address: string;
  port: number;
  ctx: Ctx;
  stop(): Promise<void>;
}

const consoleLogger: RpcLogger = { error: (msg, err) => console.error(msg, err) };

/** Starts the embedded Temporal-compatible server in this process. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const store = options.dbFilename ? new SqliteStore(options.dbFilename) : new MemoryStore();
  const ctx = createEngine(store, {
    timeSkipping: options.timeSkipping ?? false,
    retentionMs: options.retentionMs ?? 24 * 3600_000,
    keepClosedRuns: options.timeSkipping === true && options.retentionMs === undefined,
    pollTimeoutMs: options.pollTimeoutMs ?? 20_000,
  }, options.namespaces ?? []);
  for (const ns of ['default', ...(options.namespaces ?? [])]) addSearchAttributes(ctx, ns, options.searchAttributes ?? {});
  const logger = options.logger ?? consoleLogger;
  const server = new grpc.Server({ 'grpc.max_receive_message_length': 128 * 1024 * 1024, 'grpc.max_send_message_length': 128 * 1024 * 1024 });
  addService(server, 'temporal.api.workflowservice.v1.WorkflowService', {
    ...systemHandlers(ctx), ...workflowHandlers(ctx), ...taskHandlers(ctx),
  }, logger);
  addService(server, 'temporal.api.operatorservice.v1.OperatorService', operatorHandlers(ctx), logger);
  addService(server, 'temporal.api.testservice.v1.TestService', options.timeSkipping ? testHandlers(ctx) : {}, logger);
  addService(server, 'grpc.health.v1.Health', healthHandlers(), logger);
  const ip = options.ip ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${ip}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return {
    address: `${ip}:${port}`,
    port,
    ctx,
    stop: async () => {
      for (const q of [...ctx.workflowQueues.values(), ...ctx.activityQueues.values()]) q.releasePollers();
      ctx.clock.stop();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      store.close();
    },
  };
}
