import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps, type AllocationReservations } from '../activities';
import { DEFAULT_FLOW_CONFIG, type FlowConfig } from '../flow/flow-config';
import type { BreakerOptions } from '../flow/breaker';
import { ProcessFlow } from '../flow/process-flow';
import type { ProviderTaskCalls } from '../flow/task-calls';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import type { PterodactylClient, RateLimitInfo } from '../provider';
import {
  ORDER_QUEUE_ACTIVITIES,
  PLANNING_ACTIVITIES,
  PROVIDER_ACTIVITIES,
  type FlowActivities,
  type ProvisioningActivities,
} from '../workflows/activity-contract';
import { FLOW_REPORT_INTERVAL_MS } from '../workflows/flow-contract';
import { activityDepsFor } from './activity-deps';
import { FlowReporter } from './flow-reporter';
import { observabilityOptions } from './metrics-wiring';
import { OrderWorker } from './order-worker';
import { callbackTaskQueue } from '../callbacks/contract';

/** Deliveries the callback worker runs at once (CALLBACK_CONCURRENCY). */
export const DEFAULT_CALLBACK_CONCURRENCY = 20;
import { ProviderWorkerHost } from './provider-worker';
import { entityActivities } from '../activities/server-entity';
import { reconcileActivities } from '../activities/reconcile';

/** The workflows module the worker bundles (exports provisionServer and flowControl). */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Worker settings callers may tune (tests shorten heartbeat throttling, add interceptors). */
export type WorkerTuning = Pick<
  WorkerOptions,
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxHeartbeatThrottleInterval'
  | 'defaultHeartbeatThrottleInterval'
  | 'shutdownGraceTime'
  | 'interceptors'
  | 'identity'
>;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  taskQueue: string;
  namespace?: string;
  /**
   * The panel client, or a factory given the callback to pass as its `onRateLimit` (then the provider budget adapts
   * to X-RateLimit-Remaining as well as to 429s).
   */
  provider: PterodactylClient | ((onRateLimit: (info: RateLimitInfo) => void) => PterodactylClient);
  logger: Logger;
  /** Shared by every activity of this process; a fresh ledger when omitted. */
  reservations?: AllocationReservations;
  installPollMs?: number;
  /** CALLBACK_SECRETS, CALLBACK_SECRET, CALLBACK_LEGACY_HEADERS for deliverCallback; see src/activities/callback.ts. */
  callbackSecrets?: readonly string[];
  callbackSecret?: string;
  callbackLegacyHeaders?: boolean;
  callbackTimeoutMs?: number;
  /** OPERATOR_WEBHOOK_URL/_FORMAT for the notifyOperators activity; see src/activities/operator-webhook.ts. */
  operatorWebhook?: ActivityDeps['operatorWebhook'];
  /** CALLBACK_CONCURRENCY: deliveries the callback worker runs at once; default 20. */
  callbackConcurrency?: number;
  /** CALLBACK_PER_HOST_CONCURRENCY: deliveries in flight to one receiver host; default 4. */
  callbackPerHost?: number;
  /** How long a rollback waits for a create whose answer was lost to settle on the panel; default 20 s. */
  createSettleMs?: number;
  /** ORDER_ADMIN_VARIABLES: whether orders may set admin-only egg variables; default no. */
  variablePolicy?: ActivityDeps['variablePolicy'];
  /** Which addresses callbacks and the webhook may reach (CALLBACK_ALLOWED_HOSTS); default: public ones only. */
  outboundGuard?: ActivityDeps['outboundGuard'];
  /** Provider budget and tier policy; defaults to DEFAULT_FLOW_CONFIG. */
  flowConfig?: FlowConfig;
  /** The circuit breakers' threshold and open periods; defaults in src/flow/breaker.ts. */
  breakers?: BreakerOptions;
  /** The process's flow control, when several workers of one process must share it; built from the above when omitted. */
  flow?: ProcessFlow;
  /** Report to (and read from) the flow-control workflow; default true. Off, the process works on its own view. */
  reportFlow?: boolean;

  /** A prebuilt workflow bundle (see bundleWorkflowCode); the worker bundles WORKFLOWS_PATH when omitted. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
  /** The process's metrics (activities, orders, flow control); without them activities still log their order ids. */
  metrics?: WorkerMetrics;
  /** The payload codec (PAYLOAD_ENCRYPTION_KEY, see dataConverterFor) of every worker and the internal client. */
  dataConverter?: DataConverter;
}

const pick = <K extends keyof ProvisioningActivities>(all: ProvisioningActivities, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, all[k]])) as Pick<ProvisioningActivities, K>;

const countedBy = (calls: ProviderTaskCalls, activities: object): WorkerOptions['activities'] =>
  Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [name, calls.wrap(fn as (...args: unknown[]) => Promise<unknown>)]),
  );

/**
 * The order worker of one process: a Worker on `taskQueue` (workflows, install waits, capacity checks, the flow
 * policy) and the provider workers on `<taskQueue>-provider` and `<taskQueue>-planning` (every activity that may call
 * the panel, dispatched at the provider budget's rate; the provider queue also serves the planning steps that orders
 * of earlier versions scheduled there), sharing one ProcessFlow. Call `run()` (or `runUntil`) on it.
 */
export async function createWorker(options: CreateWorkerOptions): Promise<OrderWorker> {
  const config = options.flowConfig ?? DEFAULT_FLOW_CONFIG;
  const flow =
    options.flow ??
    new ProcessFlow({
      provider: options.provider,
      reservations: options.reservations,
      installPollMs: options.installPollMs ?? config.installCheckMs,
      limitPerMinute: config.rateLimitPerMinute,
      reserve: config.rateReserve,
      breakers: options.breakers,
      logger: options.logger,
    });
  const all = createActivities(
    activityDepsFor(flow, {
      logger: options.logger,
      callbackSecrets: options.callbackSecrets,
      callbackSecret: options.callbackSecret,
      callbackLegacyHeaders: options.callbackLegacyHeaders,
      callbackTimeoutMs: options.callbackTimeoutMs,
      operatorWebhook: options.operatorWebhook,
      createSettleMs: options.createSettleMs,
      variablePolicy: options.variablePolicy,
      outboundGuard: options.outboundGuard,
      callbackPerHost: options.callbackPerHost,
    }),
  );
  const policy: FlowActivities = { flowPolicy: async () => config.policy };
  const { dataConverter } = options;
  const client = new Client({ connection: options.connection, namespace: options.namespace, dataConverter });
  const { tuning = {} } = options;
  const observed = observabilityOptions(options.metrics, tuning.interceptors, options.workflowBundle !== undefined);
  const main = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: {
      ...pick(all, ORDER_QUEUE_ACTIVITIES),
      ...policy,
      ...entityActivities({ client }),
      ...reconcileActivities({ client, panel: flow.provider, logger: options.logger }),
    },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...tuning,
    ...observed,
    dataConverter,
  });
  const callbacks = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: callbackTaskQueue(options.taskQueue),
    activities: pick(all, ['deliverCallback']),
    maxConcurrentActivityTaskExecutions: options.callbackConcurrency ?? DEFAULT_CALLBACK_CONCURRENCY,
    interceptors: { activity: observed.interceptors.activity },
    dataConverter,
    ...(tuning.shutdownGraceTime ? { shutdownGraceTime: tuning.shutdownGraceTime } : {}),
    ...(tuning.identity ? { identity: tuning.identity } : {}),
  });
  const provider = new ProviderWorkerHost({
    connection: options.connection,
    client,
    dataConverter,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: countedBy(flow.taskCalls, pick(all, [...PROVIDER_ACTIVITIES, ...PLANNING_ACTIVITIES])),
    planningActivities: pick(all, PLANNING_ACTIVITIES),
    flow,
    logger: options.logger,
    tuning: Object.fromEntries(
      Object.entries({
        maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions,
        shutdownGraceTime: tuning.shutdownGraceTime,
        interceptors: { ...tuning.interceptors, activity: observed.interceptors.activity },
        identity: tuning.identity,
      }).filter(([, v]) => v !== undefined),
    ),
  });
  const reporter =
    options.reportFlow === false
      ? undefined
      : new FlowReporter(client, options.taskQueue, flow.identity, flow, options.logger, FLOW_REPORT_INTERVAL_MS);
  options.metrics?.observeFlow({ flow, provider });
  return new OrderWorker(main, provider, flow, reporter, options.flow === undefined, callbacks);
}
