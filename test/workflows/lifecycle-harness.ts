import type { WorkflowHandle } from '@temporalio/client';
import type { SimState } from '../../sim/src';
import { createReservationLedger, type AllocationReservations } from '../../src/activities';
import { startServerOperation } from '../../src/api/operation-commands';
import { createWorker } from '../../src/worker';
import type { OrderWorker } from '../../src/worker/order-worker';
import { PROVISION_WORKFLOW_TYPE, orderWorkflowId, type Order, type OrderState } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import type { OperationState, ServerOperationInput } from '../../src/workflows/server-operation-contract';
import { paperOrder, silentLogger } from '../activities/panel-harness';
import {
  TEST_FLOW_CONFIG,
  hookInterceptor,
  startWorkflowHarness,
  type ActivityHook,
  type AttemptFailure,
  type HookPlan,
  type WorkflowHarness,
  type WorkflowHarnessOptions,
} from './harness';

/** Runs before an activity attempt of the given type; may return what to do once the attempt ends. */
export type LifecycleHook = ActivityHook;

export interface LifecycleHarness {
  h: WorkflowHarness;
  taskQueue: string;
  reservations: AllocationReservations;
  /** Hooks by activity type; tests set them and `beforeEach` clears them. */
  hooks: Record<string, LifecycleHook>;
  /** Every failed activity attempt since the test began (cleared with the hooks). */
  failures: AttemptFailure[];
  /** Provisions an order to ACTIVE on the shared worker; returns its final state. */
  provision(orderId: string, overrides?: Partial<Order>): Promise<OrderState>;
  /**
   * Starts an operation on the order's server (as the API does: the order's user 2, and its own-server marker unless
   * the input says otherwise) and waits for its result.
   */
  operate(
    input: Omit<ServerOperationInput, 'tier' | 'userId'>,
  ): Promise<{ state: OperationState; history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> }>;
  start(input: Omit<ServerOperationInput, 'tier' | 'userId'>): ReturnType<typeof startServerOperation>;
  sim(): Promise<SimState>;
  teardown(): Promise<void>;
}

let files = 0;

/** The workflow harness plus one worker (order and provider queues) that runs every order and operation of a file. */
export async function startLifecycleHarness(options: WorkflowHarnessOptions = {}): Promise<LifecycleHarness> {
  const h = await startWorkflowHarness(options);
  const taskQueue = `lifecycle-${++files}-${Date.now()}`;
  const reservations = createReservationLedger();
  const hooks: Record<string, LifecycleHook> = {};
  const failures: AttemptFailure[] = [];
  const worker: OrderWorker = await createWorker({
    connection: h.env.nativeConnection,
    namespace: h.env.namespace ?? 'default',
    taskQueue,
    createSettleMs: 1000,
    provider: (onRateLimit) => h.panel.client({ onRateLimit }),
    logger: silentLogger,
    reservations,
    installPollMs: 50,
    flowConfig: TEST_FLOW_CONFIG,
    reportFlow: false,
    workflowBundle: h.bundle,
    tuning: {
      maxHeartbeatThrottleInterval: '100 ms',
      interceptors: { activity: [hookInterceptor(hooks as HookPlan, failures)] },
    },
  });
  const running = worker.run();
  const start = (input: Omit<ServerOperationInput, 'tier' | 'userId'>) =>
    startServerOperation(h.env.client, taskQueue, {
      tier: 'standard',
      userId: 2,
      externalId: ownExternalId(input.orderId),
      ...input,
    });
  return {
    h,
    taskQueue,
    reservations,
    hooks,
    failures,
    provision: async (orderId, overrides = {}) => {
      const handle = await h.env.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: orderWorkflowId(orderId),
        args: [paperOrder(orderId, overrides)],
      });
      const state = (await handle.result()) as OrderState;
      if (state.status !== 'ACTIVE') throw new Error(`order ${orderId} ended ${state.status}: ${state.error?.message}`);
      return state;
    },
    start,
    operate: async (input) => {
      const handle = await start(input);
      const state = await handle.result();
      return { state, history: await handle.fetchHistory() };
    },
    sim: () => h.panel.state(),
    teardown: async () => {
      worker.shutdown();
      await running;
      await h.teardown();
    },
  };
}

/**
 * For a describe block: one harness for the block (handed to `use` once started), the panel reset and the hooks
 * cleared before each test.
 */
export function useLifecycleHarness(
  use: (harness: LifecycleHarness) => void,
  options: WorkflowHarnessOptions = {},
): void {
  let l: LifecycleHarness | undefined;
  beforeAll(async () => {
    l = await startLifecycleHarness(options);
    use(l);
  });
  afterAll(async () => {
    await l?.teardown();
  });
  beforeEach(async () => {
    await l!.h.panel.reset();
    for (const key of Object.keys(l!.hooks)) delete l!.hooks[key];
    l!.failures.length = 0;
  });
}
