import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { NativeConnection, type ActivityInterceptorsFactory } from '@temporalio/worker';
import { DEFAULT_FLOW_CONFIG, type FlowConfig } from '../../src/flow/flow-config';
import { ProcessFlow, type ProcessFlowOptions } from '../../src/flow/process-flow';
import type { PterodactylClient } from '../../src/provider';
import { createWorker } from '../../src/worker';
import type { OrderWorker } from '../../src/worker/order-worker';
import {
  PROVISION_WORKFLOW_TYPE,
  orderWorkflowId,
  type Order,
  type OrderState,
  type ProvisionOptions,
} from '../../src/workflows/contract';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from '../../src/workflows/flow-contract';
import { silentLogger } from '../activities/panel-harness';
import { endServerEntities, type WorkflowHarness } from './harness';

/** One activity execution as the worker saw it start. */
export interface ActivityStart {
  type: string;
  orderId: string;
  at: number;
  process: number;
  /** How the execution failed, once it has (the error's name and message). */
  failed?: string;
}

export interface FlowRig {
  taskQueue: string;
  workers: OrderWorker[];
  flows: ProcessFlow[];
  /** Every activity execution start, in order, across processes. */
  starts: ActivityStart[];
  /** Time of every panel request the processes made (each client method call is one request here). */
  calls: number[];
  /** Starts an order as the API does: tier priority and user fairness key. */
  /** Starts the order's workflow as the API does; without `options` it reads the worker's policy (older orders). */
  start(order: Order, options?: ProvisionOptions): Promise<WorkflowHandle>;
  result(handle: WorkflowHandle): Promise<OrderState>;
  /**
   * Every order's final state, awaited one at a time: concurrent result() calls each unlock time skipping, and the
   * test server then skips time although activities wait in a queue.
   */
  results(handles: WorkflowHandle[]): Promise<OrderState[]>;
  stop(): Promise<void>;
}

export interface FlowRigOptions {
  processes?: number;
  flowConfig?: Partial<FlowConfig>;
  flowOptions?: Partial<ProcessFlowOptions>;
  /** The task queue to serve (default a fresh one), e.g. one orders were started on before the workers ran. */
  taskQueue?: string;
}

/** Starts an order on `taskQueue` with its tier's priority, as the API does. */
export function startOrder(
  h: WorkflowHarness,
  taskQueue: string,
  order: Order,
  options?: ProvisionOptions,
): Promise<WorkflowHandle> {
  return h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: orderWorkflowId(order.orderId),
    args: options ? [order, options] : [order],
    priority: { priorityKey: TIER_PRIORITY_KEY[order.tier], fairnessKey: fairnessKeyOf(order.userId) },
  });
}

function recording(client: PterodactylClient, calls: number[]): PterodactylClient {
  const wrapped: Partial<Record<keyof PterodactylClient, unknown>> = {};
  for (const key of Object.keys(client) as Array<keyof PterodactylClient>) {
    const method = client[key] as (...args: unknown[]) => Promise<unknown>;
    wrapped[key] = (...args: unknown[]) => {
      calls.push(Date.now());
      return method(...args);
    };
  }
  return wrapped as PterodactylClient;
}

const orderIdOf = (arg: unknown): string => {
  const a = arg as { order?: Order; orderId?: string } | undefined;
  return a?.order?.orderId ?? a?.orderId ?? '';
};

function recorder(starts: ActivityStart[], process: number): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const start: ActivityStart = {
          type: ctx.info.activityType,
          orderId: orderIdOf(input.args[0]),
          at: Date.now(),
          process,
        };
        starts.push(start);
        try {
          return await next(input);
        } catch (err) {
          start.failed = `${(err as Error).name}: ${(err as Error).message}`;
          throw err;
        }
      },
    },
  });
}

let rigs = 0;

/**
 * `processes` worker processes (each its own NativeConnection, ProcessFlow and workers: the same as separate OS
 * processes as far as Temporal and the panel can tell) on one fresh task queue, recording activity starts and panel
 * requests.
 */
export async function startFlowRig(h: WorkflowHarness, options: FlowRigOptions = {}): Promise<FlowRig> {
  const taskQueue = options.taskQueue ?? `flow-${++rigs}-${Date.now()}`;
  const flowConfig: FlowConfig = { ...DEFAULT_FLOW_CONFIG, installCheckMs: 200, ...options.flowConfig };
  const starts: ActivityStart[] = [];
  const calls: number[] = [];
  const workers: OrderWorker[] = [];
  const flows: ProcessFlow[] = [];
  const connections: NativeConnection[] = [];
  for (let i = 0; i < (options.processes ?? 1); i++) {
    const connection = await NativeConnection.connect({ address: h.env.address });
    connections.push(connection);
    const flow = new ProcessFlow({
      provider: (onRateLimit) => recording(h.panel.client({ onRateLimit, timeoutMs: 2000 }), calls),
      limitPerMinute: flowConfig.rateLimitPerMinute,
      reserve: flowConfig.rateReserve,
      installPollMs: flowConfig.installCheckMs,
      logger: silentLogger,
      ...options.flowOptions,
    });
    flows.push(flow);
    workers.push(
      await createWorker({
        connection,
        namespace: h.env.namespace ?? 'default',
        taskQueue,
        createSettleMs: 1000,
        provider: flow.provider,
        logger: silentLogger,
        flow,
        flowConfig,
        workflowBundle: h.bundle,
        tuning: {
          maxHeartbeatThrottleInterval: '100 ms',
          shutdownGraceTime: '2 seconds',
          interceptors: { activity: [recorder(starts, i)] },
        },
      }),
    );
  }
  const running = workers.map((w) => w.run());
  const started: string[] = [];
  return {
    taskQueue,
    workers,
    flows,
    starts,
    calls,
    start: (order, options) => {
      started.push(order.orderId);
      return startOrder(h, taskQueue, order, options);
    },
    result: async (handle) => (await handle.result()) as OrderState,
    results: async (handles) => {
      const states: OrderState[] = [];
      for (const handle of handles) states.push((await handle.result()) as OrderState);
      return states;
    },
    stop: async () => {
      await endServerEntities(h, started);
      for (const w of workers) w.shutdown();
      await Promise.allSettled(running);
      for (const f of flows) f.stop();
      for (const c of connections) await c.close();
    },
  };
}

/** Order ids in the order their `type` activity first started. */
export const firstStarts = (starts: ActivityStart[], type: string): string[] => [
  ...new Set(starts.filter((s) => s.type === type).map((s) => s.orderId)),
];

/** The most requests seen in any window of `windowMs`. */
export function peakInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** Adds `count` panel users (the seed has only users 1-3) and returns their ids. */
export async function addUsers(h: WorkflowHarness, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${h.panel.sim.url}/_sim/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    if (!res.ok) throw new Error(`could not add a user: ${res.status}`);
    ids.push(((await res.json()) as { id: number }).id);
  }
  return ids;
}

/** When the workflow scheduled its first `type` activity, by the server's clock (ms since the epoch). */
export async function scheduledAt(handle: WorkflowHandle, type: string): Promise<number> {
  const history = await handle.fetchHistory();
  const event = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === type);
  if (!event?.eventTime) throw new Error(`${handle.workflowId} never scheduled ${type}`);
  return tsToMs(event.eventTime);
}

/**
 * Pairs (earlier, later) of first starts of `type` where `later` ranks higher yet was already queued `marginMs` before
 * `earlier` started: the queue served a lower priority over a higher one that was waiting with it.
 */
export function priorityInversions(
  starts: ActivityStart[],
  type: string,
  queuedAt: Map<string, number>,
  rank: (orderId: string) => number,
  marginMs: number,
): Array<[string, string]> {
  const first = new Map<string, number>();
  for (const s of starts) if (s.type === type && !first.has(s.orderId)) first.set(s.orderId, s.at);
  const inversions: Array<[string, string]> = [];
  for (const [earlier, startedAt] of first) {
    for (const [later, laterAt] of first) {
      const waiting = laterAt > startedAt && (queuedAt.get(later) ?? Infinity) < startedAt - marginMs;
      if (waiting && rank(later) < rank(earlier)) inversions.push([earlier, later]);
    }
  }
  return inversions;
}
