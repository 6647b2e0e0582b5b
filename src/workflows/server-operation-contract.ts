import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Order, Tier } from './contract';
import type { ServerClaim } from './own-server';

/** Input and results of the rollback activities both workflows use (re-exported by activity-contract.ts). */
export interface ReleaseInput {
  orderId: string;
}

export interface ReleaseResult {
  released: number[];
}

export interface DeleteServerInput {
  orderId: string;
  /**
   * A create request was sent for the order: when the look-up finds no server, the rollback looks again once the
   * panel could have finished a request whose answer was lost.
   */
  createSent?: boolean;
  /**
   * The order's server as the workflow recorded it (create's answer): only this server is deleted, and only while it
   * still carries `claim.externalId`. Absent when none was recorded: the server is looked up by `claim.externalId`
   * and deleted only when it is the claim's (see ServerClaim).
   */
  serverId?: number;
  /**
   * Whose server it is. Required: an input without it (scheduled by a version before the own-server marker) deletes
   * nothing and fails with ForeignServer, so the order parks and an operator's rollback runs it again with one.
   */
  claim?: ServerClaim;
}

export interface DeleteServerResult {
  outcome: 'deleted' | 'force_deleted' | 'already_gone';
  serverId: number | null;
  /** A server found under the order's external_id that is not the order's: left untouched. */
  sparedServerId?: number;
}

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

export type BuildLimits = Order['limits'];

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
export interface OperationTimelineEntry {
  at: string;
  status: OperationStatus;
  detail: string;
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
  timeline: OperationTimelineEntry[];
  startedAt: string;
  updatedAt: string;
}

export const operationStateQuery = defineQuery<OperationState>('operationState');

/**
 * Asks a running operation to stop: the step in flight is cancelled (a panel change already sent is waited for), the
 * operation's rollbacks run (resize restores the previous build) and it ends CANCELLED. Ignored once it is rolling back.
 */
export const cancelOperationSignal = defineSignal<[{ reason?: string; by?: string }]>('cancelOperation');

export interface ServerRef {
  orderId: string;
  serverId: number;
  /** The external_id the server must carry (ForeignServer otherwise); absent in inputs from earlier versions: unchecked. */
  externalId?: string;
}

export interface ChangeResult {
  /** False when the panel already was in the wanted state and no change was sent. */
  changed: boolean;
}

export interface ApplyBuildInput extends ServerRef {
  limits: BuildLimits;
}

/**
 * Activities of `serverOperation` that call the panel (they run on the provider task queue). Each is idempotent:
 * it reads the server first and changes only what differs.
 */
export interface LifecycleActivities {
  suspendServer(input: ServerRef): Promise<ChangeResult>;
  unsuspendServer(input: ServerRef): Promise<ChangeResult>;
  /** Starts a reinstall unless one is already running; the workflow then waits with `install`. */
  reinstallServer(input: ServerRef): Promise<ChangeResult>;
  readBuild(input: ServerRef): Promise<BuildLimits>;
  /** PATCHes the limits when they differ (resize, and the restore that compensates it). */
  applyBuild(input: ApplyBuildInput): Promise<ChangeResult>;
  /** Reads the server back; VerificationFailed (permanent) when its limits are not `limits`. */
  verifyBuild(input: ApplyBuildInput): Promise<BuildLimits>;
}

export const LIFECYCLE_PROVIDER_ACTIVITIES = [
  'suspendServer',
  'unsuspendServer',
  'reinstallServer',
  'readBuild',
  'applyBuild',
  'verifyBuild',
] as const;
