import type { ActivityOptions } from '@temporalio/workflow';
import {
  allocateOptions,
  compensationOptions,
  installOptions,
  panelCallOptions,
  panelChangeOptions,
} from './activity-options';
import type { Step } from './contract';
import type { OperationStep } from './server-operation-contract';

/**
 * How one step runs: its activity options (timeouts, retry policy, cancellation), the task queue its activity is
 * dispatched on (`provider`: paced by the provider budget, with the order's priority and fairness key; `planning`:
 * the planning queue, for steps that usually do not call the panel; `order`: the workflow's own queue), the rollback
 * it registers, and what a failure does once the retry policy has given up.
 */
export interface StepPlan {
  options: ActivityOptions;
  queue: 'provider' | 'planning' | 'order';
  undo: string | null;
  onFailure: string;
}

const TRANSIENT = 'retries exhausted on a transient cause: the order parks in NEEDS_ATTENTION (parking.ts)';
const PERMANENT = 'a permanent failure: the registered rollbacks run, newest first, and the order ends FAILED';
const BREAKER = 'an open circuit breaker: WAITING_FOR_PROVIDER until its next probe, then the call again';

/** The five steps of an order (provision-server.ts, placement.ts). */
export const ORDER_STEP_PLANS = {
  allocate: {
    options: allocateOptions,
    queue: 'planning',
    undo: 'releaseAllocation',
    onFailure: `NoCapacity: WAITING_FOR_CAPACITY up to the tier's capacityWaitMs, then FAILED (NO_CAPACITY); ${BREAKER}; ${TRANSIENT}; ${PERMANENT}`,
  },
  create: {
    options: panelChangeOptions,
    queue: 'provider',
    undo: 'deleteServer',
    onFailure: `AllocationTaken: allocate again without that allocation (up to MAX_PLACEMENT_ATTEMPTS); ${BREAKER}; ${TRANSIENT}; ${PERMANENT}`,
  },
  install: {
    options: installOptions,
    queue: 'order',
    undo: null,
    onFailure: `a failed installation is reinstalled once by the activity; ${TRANSIENT}; ${PERMANENT}`,
  },
  configure: {
    options: panelChangeOptions,
    queue: 'planning',
    undo: null,
    onFailure: `${BREAKER}; ${TRANSIENT}; ${PERMANENT}`,
  },
  verify: {
    options: panelCallOptions,
    queue: 'provider',
    undo: null,
    onFailure: `${BREAKER}; ${TRANSIENT}; ${PERMANENT}`,
  },
} as const satisfies Record<Step, StepPlan>;

const OPERATION_FAILURE =
  'the operation ends FAILED with its error after the registered rollbacks ran (a rollback that fails is reported in compensationErrors)';
const panelChange = {
  options: panelChangeOptions,
  queue: 'provider',
  undo: null,
  onFailure: `${BREAKER}; ${OPERATION_FAILURE}`,
} as const;
const panelRead = { ...panelChange, options: panelCallOptions };

/** The steps of a server operation (server-operation-steps.ts). */
export const OPERATION_STEP_PLANS = {
  suspend: panelChange,
  unsuspend: panelChange,
  reinstall: panelChange,
  install: { options: installOptions, queue: 'order', undo: null, onFailure: OPERATION_FAILURE },
  read: panelRead,
  apply: { ...panelChange, undo: 'restoreBuild' },
  verify: panelRead,
  delete: panelChange,
  release: { options: compensationOptions, queue: 'order', undo: null, onFailure: OPERATION_FAILURE },
  restore: {
    options: compensationOptions,
    queue: 'provider',
    undo: null,
    onFailure: 'reported in compensationErrors; the operation ends FAILED (a rollback is never held by a breaker)',
  },
} as const satisfies Record<OperationStep, StepPlan>;
