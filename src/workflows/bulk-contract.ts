import { defineQuery } from '@temporalio/workflow';
import type { ParkedReason, Tier } from './contract';
import type { ServerStatus } from './server-entity-contract';

export const BULK_WORKFLOW_TYPE = 'bulkAction';
export const bulkWorkflowId = (bulkId: string): string => `bulk-${bulkId}`;

/**
 * suspend, unsuspend and delete act on servers (their entities), retry on orders parked NEEDS_ATTENTION (the
 * `retry-step` action), cancel on orders still waiting (QUEUED, WAITING_FOR_CAPACITY, WAITING_FOR_PROVIDER).
 */
export const BULK_ACTIONS = ['suspend', 'unsuspend', 'delete', 'retry', 'cancel'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const SERVER_BULK_ACTIONS: readonly BulkAction[] = ['suspend', 'unsuspend', 'delete'];

/** Which servers or orders a bulk action takes; `status` and `node` only for server actions, `parkedReason` for retry. */
export interface BulkFilter {
  userId?: number;
  tier?: Tier;
  node?: number;
  status?: ServerStatus;
  parkedReason?: ParkedReason;
}

export interface BulkInput {
  bulkId: string;
  action: BulkAction;
  filter: BulkFilter;
  /** The name of the API key that asked (never its secret). */
  requestedBy: string;
  /** Recorded with each action (the retry's note, the cancellation's reason). */
  reason?: string;
  /** Targets started per second at most, and at most `concurrency` at a time. */
  perSecond: number;
  concurrency: number;
  /** Carried over by continue-as-new: the state and the targets not yet done. */
  carried?: { state: BulkState; remaining: string[] };
}

export type BulkOutcome = 'done' | 'skipped' | 'failed';

export interface BulkFailure {
  orderId: string;
  reason: string;
}

export interface BulkState {
  bulkId: string;
  action: BulkAction;
  filter: BulkFilter;
  requestedBy: string;
  status: 'LISTING' | 'RUNNING' | 'COMPLETED' | 'CANCELLED';
  /** Targets found by the filter (known once listing is done). */
  total: number;
  done: number;
  /** Targets that no longer matched when their turn came (e.g. an order no longer waiting). */
  skipped: number;
  failed: number;
  /** Each failure's order and reason (the first BULK_FAILURES_KEPT). */
  failures: BulkFailure[];
  /** True when the filter matched more than BULK_MAX_TARGETS: only the first ones are acted on. */
  truncated: boolean;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** How fast a bulk action acts (BULK_RATE_PER_SECOND, BULK_CONCURRENCY). */
export interface BulkPace {
  perSecond: number;
  concurrency: number;
}
export const DEFAULT_BULK_PACE: BulkPace = { perSecond: 2, concurrency: 4 };

/** A bulk action's state before it listed its targets. */
export function initialBulkState(input: BulkInput, at: string): BulkState {
  return {
    bulkId: input.bulkId,
    action: input.action,
    filter: input.filter,
    requestedBy: input.requestedBy,
    status: 'LISTING',
    total: 0,
    done: 0,
    skipped: 0,
    failed: 0,
    failures: [],
    truncated: false,
    startedAt: at,
    updatedAt: at,
    finishedAt: null,
  };
}

export const BULK_MAX_TARGETS = 10_000;
export const BULK_FAILURES_KEPT = 200;

export const bulkStateQuery = defineQuery<BulkState>('bulkState');
