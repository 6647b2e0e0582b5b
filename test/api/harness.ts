import type { BulkPace } from '../../src/workflows/bulk-contract';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import pino from 'pino';
import type { BillingPolicy } from '../../src/workflows/server-entity-contract';
import request from 'supertest';
import { startSimPanel, type RunningSimPanel } from '../../sim/src';
import type { ApiKey } from '../../src/api/api-keys';
import { createApp } from '../../src/api/app';
import { QueueFigures } from '../../src/api/queue-figures';
import { DEFAULT_FLOW_CONFIG } from '../../src/flow/flow-config';
import type { BreakerOptions } from '../../src/flow/breaker';
import { listenApi, type ListeningApi } from '../../src/api/server';
import { createPterodactylClient, type PterodactylClient } from '../../src/provider';
import { createWorker } from '../../src/worker';
import { API_WORKFLOWS_PATH, createApiWorker } from '../../src/worker/api-worker';
import { ensureCensus } from '../../src/worker/census-starter';
import type { FlowPolicy } from '../../src/workflows/flow-contract';
import { orderWorkflowId } from '../../src/workflows/contract';
import { startDevServerEnv, startTestServerEnv } from '../engines';
import { VisibilityCounter } from '../visibility-counter';
import { EggRules } from '../../src/api/egg-rules';

export const API_KEY = 'test-api-key-0123456789abcdef';
export const SIM_KEY = 'ptla_apiTestKey0123456789';

export interface ApiHarnessOptions {
  /** Run the real order worker (src/worker) against a simulated panel. */
  worker?: boolean;
  /** Simulated install time; long values keep orders INSTALLING (for cancellation). */
  installMs?: number;
  queryTimeoutMs?: number;
  readinessTimeoutMs?: number;
  maxBodyBytes?: number;
  maxInflightPerUser?: number;
  /** Tier policy for the API's queue positions (and the worker's, when it runs). */
  flowPolicy?: FlowPolicy;
  /** The queue census's interval; default 500 ms (production: 10 s). No census runs on the test server. */
  censusIntervalMs?: number;
  /**
   * Run on the official time-skipping test server instead of the dev server: time runs on the wall clock until
   * `skipTime` is called, which jumps over timers (retry backoffs). It has no visibility (listing orders fails).
   */
  timeSkipping?: boolean;
  /** API_KEYS besides API_KEY (an operator key named `default`). */
  apiKeys?: ApiKey[];
  /** PAYLOAD_ENCRYPTION_KEY's codec: the API's client, the API worker and the order worker use it; /codec is served. */
  payloadCodec?: PayloadCodec;
  /** ORDER_ADMIN_VARIABLES=allow for the API's check and the worker's. */
  allowAdminOnlyVariables?: boolean;
  /** Grace periods and warning lead of the billing clock (GRACE_PERIOD_*, BILLING_WARNING_LEAD). */
  billing?: BillingPolicy;
  /** BULK_RATE_PER_SECOND and BULK_CONCURRENCY. */
  bulkPace?: BulkPace;
  /** Dynamic config of the dev server beyond docker/temporal/dynamicconfig.yaml. */
  dynamicConfig?: Record<string, unknown>;
  /** The worker's circuit breakers (threshold, open periods). */
  breakers?: BreakerOptions;
}

export interface ApiHarness {
  api: ListeningApi;
  client: Client;
  /** Visibility requests of the API's client and of the API worker's (the census); none are counted on the test server. */
  visibility: { api: VisibilityCounter; apiWorker: VisibilityCounter };
  /** The engine: the dev server, or the test server with `timeSkipping`. */
  env: TestWorkflowEnvironment;
  /** The API's egg rules (re-read every 200 ms while orders arrive; `refresh()` reads at once). */
  eggRules: EggRules;
  taskQueue: string;
  sim?: RunningSimPanel;
  /** supertest against the listening API (127.0.0.1 only). */
  http(): ReturnType<typeof request>;
  /** Stops the worker (orders placed afterwards wait in the queue); the API and Temporal keep running. */
  stopWorker(): Promise<void>;
  /** Stops the workers and the Temporal engine (the API keeps running, now without Temporal). */
  stopTemporal(): Promise<void>;
  /** Lets the worker's open circuit breakers probe the panel at once (after a test's outage ends). */
  expireBreakers(): void;
  /** Waits until the queue census (and so positions, GET /v1/queue and the gauges) was taken after this call. */
  awaitCensus(): Promise<void>;
  /** Lets `ms` of server time pass, skipping over timers (needs `timeSkipping`). */
  skipTime(ms: number): Promise<void>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;
let apiBundle: Promise<WorkflowBundle> | undefined;

function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger((process.env.SDK_LOG_LEVEL ?? 'ERROR') as 'ERROR') });
}

/** An official Temporal engine with the order search attributes, a real client, and the API. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  quietRuntime();
  const dataConverter = options.payloadCodec ? { payloadCodecs: [options.payloadCodec] } : undefined;
  const env = options.timeSkipping
    ? await startTestServerEnv(dataConverter)
    : await startDevServerEnv({ dynamicConfig: options.dynamicConfig });
  const { connection } = env;
  const visibility = { api: new VisibilityCounter(), apiWorker: new VisibilityCounter() };
  const [client, apiWorkerClient] = options.timeSkipping
    ? [env.client, env.client]
    : await Promise.all([
        visibility.api.client(env.address, 'default', dataConverter),
        visibility.apiWorker.client(env.address, 'default', dataConverter),
      ]);
  const taskQueue = `api-test-${randomUUID()}`;
  const logger = pino({ level: process.env.HARNESS_LOG_LEVEL ?? 'silent' });
  const stops: Array<() => Promise<void>> = [];
  const variablePolicy = { allowAdminOnly: options.allowAdminOnlyVariables ?? false };
  apiBundle ??= bundleWorkflowCode({ workflowsPath: API_WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const apiWorker = await createApiWorker({
    connection: env.nativeConnection,
    client: apiWorkerClient,
    namespace: 'default',
    taskQueue,
    workflowBundle: await apiBundle,
    dataConverter,
  });
  const apiWorking = apiWorker.run();
  stops.push(async () => {
    if (apiWorker.getState() === 'RUNNING') apiWorker.shutdown();
    await apiWorking;
  });
  if (!options.timeSkipping) await ensureCensus(client, taskQueue, logger, options.censusIntervalMs ?? 500);
  let stopWorker = async (): Promise<void> => undefined;
  let expireBreakers = (): void => undefined;

  let sim: RunningSimPanel | undefined;
  if (options.worker) {
    sim = await startSimPanel({
      apiKey: SIM_KEY,
      port: 0,
      host: '127.0.0.1',
      installMs: options.installMs ?? 50,
      rateLimitPerMinute: 100_000,
      seed: 7,
    });
    const worker = await createWorker({
      connection: env.nativeConnection,
      taskQueue,
      namespace: 'default',
      logger,
      provider: createPterodactylClient({ baseUrl: sim.url, apiKey: SIM_KEY }),
      installPollMs: 50,
      // 500 tasks a second: under the real server's 1 000 per task-queue partition, above which its own limit applies.
      flowConfig: {
        ...DEFAULT_FLOW_CONFIG,
        rateLimitPerMinute: 30_000,
        ...(options.flowPolicy ? { policy: options.flowPolicy } : {}),
      },
      dataConverter,
      variablePolicy,
      breakers: options.breakers,
      tuning: {
        shutdownGraceTime: '1 second',
        maxHeartbeatThrottleInterval: '200 ms',
        defaultHeartbeatThrottleInterval: '200 ms',
      },
    });
    const running = worker.run();
    expireBreakers = () => {
      worker.flow.breakers.panel.expire();
      for (const view of worker.flow.breakers.views())
        if (view.nodeId !== null) worker.flow.breakers.node(view.nodeId).expire();
    };
    stopWorker = async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    };
    stops.push(async () => {
      await stopWorker();
      await sim!.close();
    });
  }

  let stopping: Promise<void> | undefined;
  const stopTemporal = () => {
    stopping ??= (async () => {
      for (const stop of stops) await stop();
      if (client !== env.client) {
        const pending = [...(await visibility.api.idle()), ...(await visibility.apiWorker.idle())];
        if (pending.length > 0) process.stderr.write(`closing clients with calls in flight: ${pending.join(', ')}\n`);
        await Promise.all([client.connection.close(), apiWorkerClient.connection.close()]);
      }
      await env.teardown();
    })();
    return stopping;
  };
  const queueFigures = new QueueFigures(client, taskQueue, options.flowPolicy, logger, 100);
  const eggRules = new EggRules({ client, taskQueue, logger, policy: variablePolicy, refreshMs: 200 });
  const app = createApp({
    client,
    taskQueue,
    apiKey: API_KEY,
    apiKeys: options.apiKeys,
    logger,
    queueFigures,
    queryTimeoutMs: options.queryTimeoutMs ?? 3000,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 2000,
    maxBodyBytes: options.maxBodyBytes,
    maxInflightPerUser: options.maxInflightPerUser ?? 100,
    flowPolicy: options.flowPolicy,
    payloadCodec: options.payloadCodec,
    eggRules,
    billing: options.billing,
    bulkPace: options.bulkPace,
  });
  const api = await listenApi(app, 0, '127.0.0.1');
  return {
    api,
    client,
    env,
    eggRules,
    taskQueue,
    sim,
    visibility,
    http: () => request(api.url),
    stopWorker: () => stopWorker(),
    expireBreakers: () => expireBreakers(),
    skipTime: async (ms) => {
      if (!connection.testService) throw new Error('skipTime needs a harness started with timeSkipping');
      await env.sleep(ms);
    },
    stopTemporal,
    awaitCensus: async () => {
      const after = Date.now();
      for (
        const deadline = after + 15_000;
        Date.now() < deadline;
        await new Promise((resolve) => setTimeout(resolve, 100))
      ) {
        const { census } = await queueFigures.census.read();
        if (census && Date.parse(census.takenAt) > after) return;
      }
      throw new Error('no queue census was taken within 15 s');
    },
    stop: async () => {
      await api.close();
      await stopTemporal();
    },
  };
}

export const auth = { Authorization: `Bearer ${API_KEY}` };

/** A client of the harness's simulated panel, with its admin key (to read or change the panel behind the service). */
export const simPanel = (h: ApiHarness): PterodactylClient =>
  createPterodactylClient({ baseUrl: h.sim!.url, apiKey: SIM_KEY });

/** A valid order for the simulated panel's seed (user 1, egg 1 "Paper", location 1). */
export function orderBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: 1,
    tier: 'standard',
    name: 'survival',
    eggId: 1,
    environment: { SERVER_JARFILE: 'server.jar' },
    limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100 },
    featureLimits: { databases: 0, backups: 0, allocations: 1 },
    locationIds: [1],
    ...overrides,
  };
}

export const uniqueOrderId = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Places an order (202) under a fresh id made from `label`; its orderId. */
async function placeOrder(h: ApiHarness, label: string, overrides: Record<string, unknown>): Promise<string> {
  const orderId = uniqueOrderId(label);
  await h
    .http()
    .post('/v1/orders')
    .set(auth)
    .send(orderBody({ orderId, ...overrides }))
    .expect(202);
  return orderId;
}

/**
 * Places an order and waits until its server's entity answers (the order reached ACTIVE); its orderId. Throws with
 * the order's status and error when it ends otherwise or has no server within 20 s.
 */
export async function orderWithServer(
  h: ApiHarness,
  label: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const orderId = await placeOrder(h, label, overrides);
  const ended = ['COMPENSATING', 'FAILED', 'CANCELLED', 'NEEDS_ATTENTION'];
  const seen = await waitFor(
    async () => {
      const server = await h.http().get(`/v1/servers/${orderId}`).set(auth);
      const order = server.status === 200 ? undefined : await h.http().get(`/v1/orders/${orderId}`).set(auth);
      return { server, order };
    },
    ({ server, order }) => server.status === 200 || ended.includes(order?.body?.status),
  );
  if (seen.server.status !== 200) {
    const { status, error } = seen.order?.body ?? {};
    throw new Error(`order ${orderId} has no server: status ${status}, error ${JSON.stringify(error ?? null)}`);
  }
  return orderId;
}

/**
 * Places an order at location 2 (no nodes in the simulated panel's seed) and waits until visibility lists it
 * WAITING_FOR_CAPACITY, where it stays until cancelled; its orderId.
 */
export async function waitingOrder(
  h: ApiHarness,
  label: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const orderId = await placeOrder(h, label, { ...overrides, locationIds: [2] });
  const query = `WorkflowId = '${orderWorkflowId(orderId)}' AND OrderStatus = 'WAITING_FOR_CAPACITY'`;
  const { count } = await waitFor(
    () => h.client.workflow.count(query),
    (c) => c.count === 1,
  );
  if (count !== 1) throw new Error(`order ${orderId} was not listed WAITING_FOR_CAPACITY within 20 s`);
  return orderId;
}
