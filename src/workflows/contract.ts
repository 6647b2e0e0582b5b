import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { TimelineEntry } from './timeline';
import { TIERS, type OrderPriority, type Tier, type TierPolicy, type WaitingReason } from './flow-contract';

/** Task queue the order workflows and activities run on unless TEMPORAL_TASK_QUEUE says otherwise. */
export const DEFAULT_TASK_QUEUE = 'server-queue';
export const PROVISION_WORKFLOW_TYPE = 'provisionServer';

/** One workflow per order: the id makes a second start of the same order impossible. */
export const orderWorkflowId = (orderId: string): string => `order-${orderId}`;
/** The order id of an order's workflow id (the inverse of orderWorkflowId). */
export const orderIdOfOrder = (workflowId: string): string => workflowId.replace(/^order-/, '');

export { TIERS, type Tier };

export const STEPS = ['allocate', 'create', 'install', 'configure', 'verify'] as const;
export type Step = (typeof STEPS)[number];

export const ORDER_STATUSES = [
  'QUEUED',
  'WAITING_FOR_CAPACITY',
  'WAITING_FOR_PROVIDER',
  'ALLOCATING',
  'CREATING',
  'INSTALLING',
  'CONFIGURING',
  'VERIFYING',
  'ACTIVE',
  'COMPENSATING',
  'FAILED',
  'CANCELLED',
  'NEEDS_ATTENTION',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const TERMINAL_STATUSES: readonly OrderStatus[] = ['ACTIVE', 'FAILED', 'CANCELLED'];
/** The steps of provisioning, which the OrderStatus search attribute records together as PROVISIONING. */
export const PROVISIONING_STATUSES: readonly OrderStatus[] = [
  'ALLOCATING',
  'CREATING',
  'INSTALLING',
  'CONFIGURING',
  'VERIFYING',
];

/**
 * What the OrderStatus search attribute (visibility: listings, the queue census) records for an order: every status
 * but the provisioning steps, which are recorded together as PROVISIONING (orders started before that record each
 * step). An upsert costs Temporal a visibility write, so an order writes one when it changes phase, not at each step;
 * its workflow (GET /v1/orders/:id) always knows the step.
 */
export type RecordedStatus = OrderStatus | 'PROVISIONING';
export const RECORDED_STATUSES: readonly RecordedStatus[] = [
  'QUEUED',
  'WAITING_FOR_CAPACITY',
  'WAITING_FOR_PROVIDER',
  'PROVISIONING',
  'COMPENSATING',
  'NEEDS_ATTENTION',
  'ACTIVE',
  'FAILED',
  'CANCELLED',
];
export const recordedStatusOf = (status: OrderStatus): RecordedStatus =>
  PROVISIONING_STATUSES.includes(status) ? 'PROVISIONING' : status;

/** Statuses of an order that waits for its turn: not started, or held back by capacity or the provider. */
export const WAITING_STATUSES = [
  'QUEUED',
  'WAITING_FOR_CAPACITY',
  'WAITING_FOR_PROVIDER',
] as const satisfies readonly OrderStatus[];
export type WaitingStatus = (typeof WAITING_STATUSES)[number];
export const isWaiting = (status: RecordedStatus): status is WaitingStatus =>
  (WAITING_STATUSES as readonly string[]).includes(status);

/** What the panel orders (validated by the API before a workflow starts). */
export interface Order {
  orderId: string;
  userId: number;
  tier: Tier;
  name: string;
  eggId: number;
  environment?: Record<string, string>;
  limits: { memory: number; swap: number; disk: number; io: number; cpu: number };
  featureLimits: { databases: number; backups: number; allocations: number };
  locationIds: number[];
  /** Where the service POSTs signed status events (docs/callbacks.md); absent: no callbacks. */
  callbackUrl?: string;
}

/**
 * The second argument of `provisionServer`. `policy` is the order's tier policy as the API had it when it accepted
 * the order; orders started without it (older histories) ask the worker through the `flowPolicy` local activity.
 */
export interface ProvisionOptions {
  policy?: TierPolicy;
  /**
   * `phases` (set by the API for every order since it exists): the OrderStatus search attribute records phases
   * (RecordedStatus), and the QUEUED the API started the order with is not written again. Without it (older orders)
   * every status is recorded.
   */
  recordedStatuses?: 'phases';
}

export interface ProvisionedServer {
  id: number;
  uuid: string;
  identifier: string;
  node: number;
  allocation: { id?: number; ip: string; port: number };
}

/** Why an order did not become ACTIVE; `compensation` names the rollback action for `step: 'compensate'`. */
export interface OrderError {
  step: Step | 'compensate' | 'cancel';
  type: string;
  message: string;
  compensation?: string;
}
/** An order's timeline entry. */
export type OrderTimelineEntry = TimelineEntry<OrderStatus>;

/**
 * One callback event of the order: pending while `delivered` is false and `error` null; `error` says why it was
 * given up (the receiver refused it, or retries ran out).
 */
export interface CallbackRecord {
  eventId: string;
  type: string;
  status: OrderStatus;
  delivered: boolean;
  deliveredAt: string | null;
  error: { type: string; message: string } | null;
}

/**
 * The order's state as the workflow keeps it; read through `orderStateQuery`. It is also the workflow's result:
 * an order that ends FAILED or CANCELLED still completes its workflow normally (with that state), so a Temporal
 * "failed" workflow always means a bug, never a business outcome. `compensationErrors` lists rollbacks that could
 * not finish (resources may be left on the panel and need an operator).
 */
export interface OrderState {
  orderId: string;
  status: OrderStatus;
  tier: Tier;
  userId: number;
  step: Step | null;
  server: ProvisionedServer | null;
  error: OrderError | null;
  compensationErrors: OrderError[];
  timeline: OrderTimelineEntry[];
  createdAt: string;
  updatedAt: string;
  /** When the order entered the queue (its workflow started); queue order and ETA count from here. */
  enqueuedAt: string;
  /** Why the order waits now (see flow-contract.ts), and since when; both null while a step runs. */
  waitingReason: WaitingReason | null;
  waitingSince: string | null;
  /** Until when the current wait may last: promotion time (`dispatch`) or the NO_CAPACITY deadline (`capacity`). */
  waitingUntil: string | null;
  priority: OrderPriority;
  /** Status events sent to the order's callbackUrl, oldest first (empty without a callbackUrl). */
  callbacks: CallbackRecord[];
  /** The order's latest parking (NEEDS_ATTENTION, see docs/operating.md); absent or null if it never parked. */
  parked?: ParkedOrder | null;
  /**
   * The panel external_id of the order's server: `ownExternalId(orderId)` for orders started with the own-server
   * marker, the bare orderId before; absent in the results of orders that finished before it was recorded (bare).
   */
  externalId?: string;
}

export const PARKED_REASONS = ['STEP_RETRIES_EXHAUSTED', 'COMPENSATION_FAILED'] as const;
export type ParkedReason = (typeof PARKED_REASONS)[number];
export const OPERATOR_ACTIONS = ['retry-step', 'rollback', 'mark-resolved'] as const;
export type OperatorAction = (typeof OPERATOR_ACTIONS)[number];
export interface OperatorActionRequest {
  action: OperatorAction;
  note: string;
  /** The name of the API key that acted (never its secret). */
  by?: string;
}

/** What the workflow knows exists for a parked order: the server, its node and allocation, the reservation, undo actions. */
export interface ParkedLedger {
  serverId: number | null;
  serverUuid: string | null;
  nodeId: number | null;
  allocation: { id: number | null; ip: string; port: number } | null;
  /**
   * True while the order holds a worker's capacity reservation: an allocation was chosen, no server created on it yet
   * (creating hands the allocation to the panel and drops the reservation) and releaseAllocation has not run.
   */
  reservationHeld: boolean;
  /** Rollback actions still registered (run by `rollback`), newest last. */
  pendingCompensations: string[];
  /** Rollback actions that failed (COMPENSATION_FAILED). */
  failedCompensations: string[];
}

/**
 * An order waiting for an operator in NEEDS_ATTENTION: `sequence` counts its parkings (1 for the first), `errors` are
 * the last failures, `resolution` the operator action that ended the parking (null while parked), `webhook` the
 * operator notification.
 */
export interface ParkedOrder {
  sequence: number;
  reason: ParkedReason;
  step: Step | 'compensate';
  since: string;
  errors: OrderError[];
  ledger: ParkedLedger;
  resolution: { action: OperatorAction; note: string; at: string; by?: string } | null;
  webhook: { eventId: string; sent: boolean | null; error: string | null };
}

/** Cancels an order; `by` names the API key that asked (recorded on the timeline, never the secret). */
export const cancelOrderSignal = defineSignal<[{ reason?: string; by?: string }]>('cancelOrder');
export const orderStateQuery = defineQuery<OrderState>('orderState');
/** An operator's action on a NEEDS_ATTENTION order; rejected (validator) otherwise; answers the state after it. */
export const operatorActionUpdate = defineUpdate<OrderState, [OperatorActionRequest]>('operatorAction');

/** Custom search attributes the service registers and lists orders by. */
export const OrderStatusAttribute = defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD);
export const UserIdAttribute = defineSearchAttributeKey('UserId', SearchAttributeType.INT);
export const TierAttribute = defineSearchAttributeKey('Tier', SearchAttributeType.KEYWORD);
/** A server entity's status (server-entity-contract.ts) and node. */
export const ServerStatusAttribute = defineSearchAttributeKey('ServerStatus', SearchAttributeType.KEYWORD);
export const NodeIdAttribute = defineSearchAttributeKey('NodeId', SearchAttributeType.INT);
export const ORDER_SEARCH_ATTRIBUTES = [
  OrderStatusAttribute,
  UserIdAttribute,
  TierAttribute,
  ServerStatusAttribute,
  NodeIdAttribute,
];
