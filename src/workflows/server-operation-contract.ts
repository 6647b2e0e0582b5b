import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { BuildLimits, DeleteServerResult, ReleaseResult } from './activity-payloads';
import type { Tier } from './contract';
import type { TimelineEntry } from './timeline';

export const SERVER_OPERATION_WORKFLOW_TYPE = 'serverOperation';

export const SERVER_OPERATIONS = ['suspend', 'unsuspend', 'reinstall', 'resize', 'delete'] as const;
export type ServerOperationName = (typeof SERVER_OPERATIONS)[number];

/**
 * One workflow id per server: every operation on the server of order `orderId` runs under this id (started with
 * conflict policy FAIL and reuse policy ALLOW_DUPLICATE), so two never run at once. An order has at most one server
 * and a server one order (the panel's external_id is unique), so the order id names the server, and does so before
 * the panel gave it an id (a delete after a create whose answer was lost). Each run's id is its operation id.
 */
export const serverOperationWorkflowId = (orderId: string): string => `server-order-${orderId}`;

/** Memo key holding the operation's name (read by the API without asking the workflow). */
export const OPERATION_MEMO = 'operation';
/** The operation a `serverOperation` run performs, from its memo (OPERATION_MEMO); null when it has none. */
export function operationOf(described: { memo?: Record<string, unknown> }): ServerOperationName | null {
  const value = described.memo?.[OPERATION_MEMO];
  return (SERVER_OPERATIONS as readonly unknown[]).includes(value) ? (value as ServerOperationName) : null;
}
/** Memo key holding the panel id of the server operated on. */
export const SERVER_ID_MEMO = 'serverId';

export interface ServerOperationInput {
  orderId: string;
  /**
   * The external_id of the order's server (OrderState.externalId): the server acted on must carry it. Absent in
   * operations started before the own-server marker: the bare orderId.
   */
  externalId?: string;
  /** The order's server; null only for a delete of an order that never recorded one (found by external_id). */
  serverId: number | null;
  operation: ServerOperationName;
  /** The new limits; required for `resize`, ignored otherwise. */
  build?: BuildLimits;
  /** The order's tier and user: the operation's provider calls are dispatched with the order's priority and fairness key. */
  tier: Tier;
  userId: number;
  /** The name of the API key that asked for it (never its secret). */
  requestedBy?: string;
}

export const OPERATION_STATUSES = [
  'RUNNING',
  'WAITING_FOR_PROVIDER',
  'ROLLING_BACK',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
export const OPERATION_STEPS = [
  'suspend',
  'unsuspend',
  'reinstall',
  'install',
  'read',
  'apply',
  'verify',
  'delete',
  'release',
  'restore',
] as const;
export type OperationStep = (typeof OPERATION_STEPS)[number];

export interface OperationError {
  step: OperationStep | null;
  type: string;
  message: string;
}

/**
 * An operation's state, read through `operationStateQuery` and returned as the workflow's result. A business failure
 * (server gone, verification failed) ends FAILED with `error` while the workflow still completes normally.
 */
export interface OperationState {
  operationId: string;
  orderId: string;
  serverId: number | null;
  operation: ServerOperationName;
  status: OperationStatus;
  step: OperationStep | null;
  /** False when the server already was as asked (nothing sent to the panel); null until known. */
  changed: boolean | null;
  /** Resize: the limits before and the limits asked for. */
  build: { previous: BuildLimits | null; requested: BuildLimits } | null;
  /** Resize: the previous build was restored after the change could not be verified. */
  rolledBack: boolean;
  /** Delete: the server is confirmed gone from the panel and the order's reservation released. */
  deprovisioned: boolean;
  deleted: DeleteServerResult | null;
  released: ReleaseResult['released'];
  error: OperationError | null;
  /** Rollbacks that could not finish (the server may be left half-changed and need an operator). */
  compensationErrors: OperationError[];
  timeline: Array<TimelineEntry<OperationStatus>>;
  startedAt: string;
  updatedAt: string;
}

export const operationStateQuery = defineQuery<OperationState>('operationState');

/**
 * Asks a running operation to stop: the step in flight is cancelled (a panel change already sent is waited for), the
 * operation's rollbacks run (resize restores the previous build) and it ends CANCELLED. Ignored once it is rolling back.
 */
export const cancelOperationSignal = defineSignal<[{ reason?: string; by?: string }]>('cancelOperation');
