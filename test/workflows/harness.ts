import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { FaultInput, SimState } from '../../sim/src';
import { ApplicationFailure, type DataConverter } from '@temporalio/common';
import { msOptionalToNumber } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  Runtime,
  bundleWorkflowCode,
  type ActivityInterceptorsFactory,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createReservationLedger, type Reservation } from '../../src/activities';
import { DEFAULT_FLOW_CONFIG, type FlowConfig } from '../../src/flow/flow-config';
import { WORKFLOWS_PATH, createWorker } from '../../src/worker';
import { localReceiversGuard } from '../net/local-receivers';
import type { ProvisioningActivities } from '../../src/workflows/activity-contract';
import {
  OrderStatusAttribute,
  PROVISION_WORKFLOW_TYPE,
  TierAttribute,
  UserIdAttribute,
  orderWorkflowId,
  orderStateQuery,
  type Order,
  type OrderState,
  type OrderStatus,
  type ProvisionOptions,
} from '../../src/workflows/contract';
import { startDevServerEnv, startTestServerEnv } from '../engines';
import { silentLogger, startPanel, type PanelHarness } from '../activities/panel-harness';
import { recordHistory } from './history';
import { serverEntityWorkflowId } from '../../src/workflows/server-entity-contract';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type ActivityName = keyof ProvisioningActivities;

/** Runs before an activity attempt (on the real simulated panel); may return what to do once the attempt ends. */
export type ActivityHook = (call: { attempt: number; input: never }) => Promise<void | (() => Promise<void>)>;
export type HookPlan = Partial<Record<ActivityName, ActivityHook>>;

export interface WorkflowHarness {
  env: TestWorkflowEnvironment;
  panel: PanelHarness;
  bundle: WorkflowBundle;
  /** The env client's and every worker's data converter (the payload codec), when the harness was given one. */
  dataConverter?: DataConverter;
  teardown(): Promise<void>;
  /** Replaces `env` with a fresh engine of the same kind (the old one is torn down). */
  restartEngine(): Promise<void>;
}

export interface OrderRun {
  state: OrderState;
  history: History;
  handle: WorkflowHandle;
  reservations: Reservation[];
  sim: SimState;
  /** Every failed activity attempt, in order. */
  failures: AttemptFailure[];
}

export interface RunOptions {
  hooks?: HookPlan;
  /** Runs after the start, while the worker runs (signal, cancel, query). */
  during?: (handle: WorkflowHandle) => Promise<void>;
  /** Runs once the order has ended, while the worker still runs (before its server entity is terminated). */
  after?: (handle: WorkflowHandle) => Promise<void>;
  /** Saves the history as test/fixtures/histories/<record>.json when RECORD_HISTORIES=1. */
  record?: string;
  flowConfig?: FlowConfig;
  /** CALLBACK_SECRET of the worker (deliverCallback activity). */
  callbackSecret?: string;
  /** The workflow's second argument, as the API passes it; without it the order runs as orders of earlier versions. */
  provisionOptions?: ProvisionOptions;
  /** Start it with the search attributes the API sets (OrderStatus QUEUED, UserId, Tier). */
  startAttributes?: boolean;
}

/** The panel harness's rate limit (100 000 a minute) as the provider budget, with the default tier policy. */
export const TEST_FLOW_CONFIG: FlowConfig = {
  ...DEFAULT_FLOW_CONFIG,
  rateLimitPerMinute: 100_000,
  rateReserve: 0,
  installCheckMs: 50,
};

let runtimeInstalled = false;

export interface WorkflowHarnessOptions {
  /**
   * `test-server` (default): the official time-skipping test server. `dev-server`: the real server on the real clock,
   * for what the test server does not do (priority and fairness, task-queue rate limits, visibility).
   */
  engine?: 'test-server' | 'dev-server';
  /** The payload codec (test server only): the env's client and the workers of `runOrder` get it. */
  dataConverter?: DataConverter;
  /**
   * A fresh engine for every test (useWorkflowHarness): a test the test server stalled (a time-skipping lock left by
   * a run ended mid-task) then cannot stall the next one or its retry.
   */
  engineEachTest?: boolean;
}

/** A workflow harness for the suite (started once, its panel reset before each test, torn down after). */
export function useWorkflowHarness(set: (h: WorkflowHarness) => void, options: WorkflowHarnessOptions = {}): void {
  let h: WorkflowHarness | undefined;
  beforeAll(async () => {
    h = await startWorkflowHarness(options);
    set(h);
  });
  afterAll(async () => {
    await h?.teardown();
  });
  let tests = 0;
  beforeEach(async () => {
    await h!.panel.reset();
    if (options.engineEachTest && tests++ > 0) await h!.restartEngine();
  });
}

/** An official engine with the order search attributes, a simulated panel and a workflow bundle. */
export async function startWorkflowHarness(options: WorkflowHarnessOptions = {}): Promise<WorkflowHarness> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger((process.env.SDK_LOG_LEVEL ?? 'ERROR') as 'ERROR') });
    runtimeInstalled = true;
  }
  const startEngine = () =>
    options.engine === 'dev-server' ? startDevServerEnv() : startTestServerEnv(options.dataConverter);
  const [env, panel, bundle] = await Promise.all([
    startEngine(),
    startPanel(),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }),
  ]);
  const harness: WorkflowHarness = {
    env,
    panel,
    bundle,
    dataConverter: options.dataConverter,
    teardown: async () => {
      await panel.close();
      await harness.env.teardown();
    },
    restartEngine: async () => {
      await harness.env.teardown();
      harness.env = await startEngine();
    },
  };
  return harness;
}

/** Sets `faults` on the panel for the first attempt of an activity only, then clears them. */
export const faultsOnFirstAttempt =
  (panel: PanelHarness, faults: FaultInput): ActivityHook =>
  async ({ attempt }) => {
    if (attempt > 1) return;
    await panel.faults(faults);
    return () => panel.faults({});
  };

/** A failed activity attempt as the worker saw it (the official test server does not record lastFailure in history). */
export interface AttemptFailure {
  activity: string;
  attempt: number;
  type: string | null;
  nextRetryDelayMs: number | null;
}

/**
 * Runs the plan's hook before each attempt of an activity type, and what the hook returned once it ends; records each
 * failed attempt in `failures`.
 */
export function hookInterceptor(plan: HookPlan, failures: AttemptFailure[] = []): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const hook = plan[ctx.info.activityType as ActivityName];
        const after = hook ? await hook({ attempt: ctx.info.attempt, input: input.args[0] as never }) : undefined;
        try {
          return await next(input);
        } catch (err) {
          const failure = err instanceof ApplicationFailure ? err : null;
          const delay = failure?.nextRetryDelay;
          failures.push({
            activity: ctx.info.activityType,
            attempt: ctx.info.attempt,
            type: failure?.type ?? (err as Error)?.name ?? null,
            nextRetryDelayMs: delay === undefined || delay === null ? null : (msOptionalToNumber(delay) ?? null),
          });
          throw err;
        } finally {
          if (after) await after();
        }
      },
    },
  });
}

let runs = 0;

/**
 * The order worker `runOrder` runs, on its own task queue; the caller runs and stops it. It makes no flow reports: a
 * report signalled as the worker stops would leave the flow-control workflow a task no worker takes (see
 * terminateWhenIdle), and these suites read no shared flow.
 */
export async function orderWorker(
  h: WorkflowHarness,
  label: string,
  options: Pick<RunOptions, 'hooks' | 'flowConfig' | 'callbackSecret'> = {},
) {
  const taskQueue = `orders-${++runs}-${label}`;
  const reservations = createReservationLedger();
  const failures: AttemptFailure[] = [];
  const worker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace ?? 'default',
    taskQueue,
    createSettleMs: 1000,
    provider: (onRateLimit) => h.panel.client({ onRateLimit }),
    logger: silentLogger,
    reservations,
    installPollMs: 50,
    flowConfig: options.flowConfig ?? TEST_FLOW_CONFIG,
    callbackSecret: options.callbackSecret,
    outboundGuard: localReceiversGuard(),
    reportFlow: false,
    workflowBundle: h.bundle,
    dataConverter: h.dataConverter,
    tuning: {
      maxHeartbeatThrottleInterval: '100 ms',
      interceptors: { activity: [hookInterceptor(options.hooks ?? {}, failures)] },
    },
  });
  return { worker, taskQueue, reservations, failures };
}

const { EventType } = temporal.api.enums.v1;
const TASK_OUTSTANDING = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
]);

/**
 * Waits (up to `timeoutMs`) until the workflow has no workflow task and no activity outstanding, then terminates it.
 * The test server locks time skipping while a task is outstanding and releases the lock only when the task completes,
 * fails or times out, never on termination (TestWorkflowMutableStateImpl, sdk-java 1.38): a run terminated mid-task
 * leaves time skipping locked for every later test on that server, whose timers then run on the wall clock.
 */
export async function terminateWhenIdle(handle: WorkflowHandle, reason: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, raw } = await handle.describe();
    if (status.name !== 'RUNNING') return;
    const last = (await handle.fetchHistory()).events?.at(-1)?.eventType;
    const busy = (raw.pendingActivities ?? []).length > 0 || (last != null && TASK_OUTSTANDING.has(last));
    if (!busy || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await handle.terminate(reason);
}

/**
 * Terminates the server entities of `orderIds` (ACTIVE orders start one) once their test is over, each once it is
 * idle (terminateWhenIdle): call it while the worker still runs, or a task it never takes keeps time skipping locked.
 */
export async function endServerEntities(h: WorkflowHarness, orderIds: string[]): Promise<void> {
  await Promise.all(
    orderIds.map((orderId) =>
      terminateWhenIdle(h.env.client.workflow.getHandle(serverEntityWorkflowId(orderId)), 'test over').catch(
        () => undefined,
      ),
    ),
  );
}

/** Runs one order to its end on a fresh worker and task queue with real activities against the simulated panel. */
export async function runOrder(h: WorkflowHarness, order: Order, options: RunOptions = {}): Promise<OrderRun> {
  const { worker, taskQueue, reservations, failures } = await orderWorker(h, order.orderId, options);
  const handle = await worker.runUntil(async () => {
    const started = await h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: orderWorkflowId(order.orderId),
      args: options.provisionOptions ? [order, options.provisionOptions] : [order],
      ...(options.startAttributes
        ? {
            typedSearchAttributes: [
              { key: OrderStatusAttribute, value: 'QUEUED' },
              { key: UserIdAttribute, value: order.userId },
              { key: TierAttribute, value: order.tier },
            ],
          }
        : {}),
    });
    await options.during?.(started);
    await started.result();
    await options.after?.(started);
    await endServerEntities(h, [order.orderId]);
    return started;
  });
  const state = (await handle.result()) as OrderState;
  const history = await handle.fetchHistory();
  if (options.record) recordHistory(options.record, history);
  return { state, history, handle, reservations: reservations.list(), sim: await h.panel.state(), failures };
}

/** Polls the order's query until it reports `status` (real time: activities run on the wall clock). */
export async function waitForStatus(
  handle: WorkflowHandle,
  status: OrderStatus,
  timeoutMs = 10_000,
): Promise<OrderState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(orderStateQuery);
    if (state.status === status) return state;
    if (Date.now() > deadline) throw new Error(`order stayed ${state.status}, never ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Queries the order until it reports `status`, letting up to `maxSkipMs` of server time pass in steps of `stepMs`
 * between queries (the test server skips time only while a client waits for it: retry backoffs pass at once).
 */
export async function skipUntilStatus(
  env: TestWorkflowEnvironment,
  handle: WorkflowHandle,
  status: OrderStatus,
  maxSkipMs = 60 * 60_000,
  stepMs = 5_000,
): Promise<OrderState> {
  let state = await handle.query(orderStateQuery);
  for (let skipped = 0; state.status !== status; skipped += stepMs) {
    if (skipped >= maxSkipMs)
      throw new Error(`order stayed ${state.status}, never ${status}, over ${maxSkipMs} ms of skipped time`);
    await env.sleep(stepMs);
    state = await handle.query(orderStateQuery);
  }
  return state;
}

export const statuses = (state: OrderState): OrderStatus[] =>
  state.timeline.map((t) => t.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
