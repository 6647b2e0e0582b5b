import type { Priority, SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import {
  NodeIdAttribute,
  ServerStatusAttribute,
  TierAttribute,
  UserIdAttribute,
  type OrderTimelineEntry,
  type ProvisionedServer,
  type Tier,
} from './contract';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from './flow-contract';
import type { TimelineEntry } from './timeline';
import type { BuildLimits } from './activity-payloads';
import type { OperationState, ServerOperationName } from './server-operation-contract';

export const SERVER_LIFECYCLE_WORKFLOW_TYPE = 'serverLifecycle';
/** The entity of the server order `orderId` created: it runs as long as the server exists. */
export const serverEntityWorkflowId = (orderId: string): string => `server-${orderId}`;

export { NodeIdAttribute, ServerStatusAttribute } from './contract';

/**
 * The task-queue priority of an entity (started for its order or by an adoption): its tier's priority key and its
 * user's fairness key, as the server's operations and its order run.
 */
export const serverEntityPriority = (entity: Pick<ServerEntityInput, 'userId' | 'tier'>): Priority => ({
  priorityKey: TIER_PRIORITY_KEY[entity.tier],
  fairnessKey: fairnessKeyOf(entity.userId),
});

/** The search attributes an entity starts with (for its order, or by an adoption). */
export const serverEntitySearchAttributes = (
  entity: Pick<ServerEntityInput, 'server' | 'userId' | 'tier'>,
): SearchAttributePair[] => [
  { key: ServerStatusAttribute, value: 'ACTIVE' },
  { key: NodeIdAttribute, value: entity.server.node },
  { key: UserIdAttribute, value: entity.userId },
  { key: TierAttribute, value: entity.tier },
];

/** LOST: the server vanished from the panel (found by the reconciliation sweep); the entity ended. */
export const SERVER_STATUSES = ['ACTIVE', 'SUSPENDED', 'DELETING', 'DELETED', 'LOST'] as const;
export type ServerStatus = (typeof SERVER_STATUSES)[number];
/** Statuses in which the entity's server takes no more operations (deleted, being deleted, lost). */
export const isServerGone = (status: ServerStatus): boolean =>
  status === 'DELETING' || status === 'DELETED' || status === 'LOST';
/** The order id of an entity's workflow id (the inverse of serverEntityWorkflowId). */
export const orderIdOfEntity = (workflowId: string): string => workflowId.replace(/^server-/, '');

/** Why the server is suspended: a billing suspension is lifted by a payment, an operator's only by an operator. */
export interface SuspensionReasons {
  billing: boolean;
  operator: boolean;
}

export type BillingAction = 'suspension_warning' | 'suspend' | 'deletion_warning' | 'delete';

export interface BillingState {
  state: 'current' | 'overdue';
  suspendAt: string | null;
  deleteAt: string | null;
  /** How long before suspendAt and deleteAt their warnings go out. */
  warningLeadMs: number;
  /** Warnings already sent for this overdue period. */
  warned: { suspension: boolean; deletion: boolean };
  /** The next thing the billing clock will do, and when; null when nothing is pending. */
  next: { action: BillingAction; at: string } | null;
}

/** An operation the entity ran on its server (each one a `serverOperation` child, one at a time). */
export interface ServerOperationRecord {
  /** The run id of its `serverOperation` child (GET /v1/orders/:id/operations/:operationId); null until it starts. */
  operationId: string | null;
  operation: ServerOperationName;
  /** `billing`, or the name of the API key that asked. */
  requestedBy: string;
  status: OperationState['status'] | 'PENDING';
  error: OperationState['error'];
  at: string;
}

/** What the entity keeps of the order that created its server, so the order stays readable after its retention. */
export interface OrderRecord {
  createdAt: string;
  /** When the order became ACTIVE. */
  activeAt: string;
  timeline: OrderTimelineEntry[];
}

export interface ServerEntityState {
  orderId: string;
  userId: number;
  tier: Tier;
  externalId: string;
  server: ProvisionedServer;
  /** The server's limits as ordered, then as last resized; null for entities of earlier versions. */
  limits: BuildLimits | null;
  status: ServerStatus;
  suspendedBy: SuspensionReasons;
  billing: BillingState;
  operations: ServerOperationRecord[];
  timeline: Array<TimelineEntry<ServerStatus>>;
  /** The order's own record; null for entities adopted without one. */
  order: OrderRecord | null;
  /** Events sent to the callbackUrl so far (numbers the next one's id). */
  eventsSent: number;
  createdAt: string;
  updatedAt: string;
}

export interface ServerEntityInput {
  orderId: string;
  userId: number;
  tier: Tier;
  externalId: string;
  server: ProvisionedServer;
  limits?: BuildLimits;
  order?: OrderRecord;
  /** Where the server's events go (the order's callbackUrl), if anywhere. */
  callbackUrl?: string;
  /** Continue as new once the history is longer than this (default SERVER_ENTITY_EVENTS_PER_RUN). */
  eventsPerRun?: number;
  /** Carried over by continue-as-new. */
  carried?: ServerEntityState;
}

/** `overdue` (suspendAt and deleteAt resolved by the API: its defaults and the tier's grace) or `paid`. */
export type BillingRequest =
  { state: 'overdue'; suspendAt: string; deleteAt: string; warningLeadMs: number } | { state: 'paid' };

export interface OperatorRequest {
  operation: ServerOperationName;
  /** The name of the API key that asked (never its secret). */
  by: string;
  /** The new limits: required for `resize`, ignored otherwise. */
  build?: BuildLimits;
}

/** The operator's operation as it started: its `serverOperation` child's run id, and the entity after it. */
export interface OperatorRequestResult {
  operationId: string;
  state: ServerEntityState;
}

/**
 * Why the entity refused an operator's request (the ApplicationFailure type of the rejected update): another
 * operation holds the server, the server is being deleted or gone, or the server's state forbids it.
 */
export const OPERATOR_REFUSALS = {
  busy: 'OperationInProgress',
  gone: 'ServerGone',
  forbidden: 'OperationNotAllowed',
} as const;

export const serverStateQuery = defineQuery<ServerEntityState>('serverState');
/** The billing clock; rejected (validator) once the server is being deleted or gone. Answers the state after it. */
export const billingUpdate = defineUpdate<ServerEntityState, [BillingRequest]>('billing');
/**
 * An operator's operation on the server (suspend, unsuspend, reinstall, resize, delete): refused (OPERATOR_REFUSALS)
 * while another operation runs or when the state forbids it; answers once its `serverOperation` child started.
 */
export const operatorRequestUpdate = defineUpdate<OperatorRequestResult, [OperatorRequest]>('serverOperator');

/**
 * How the API resolves an overdue notice: deleteAt defaults to suspendAt plus the tier's grace (GRACE_PERIOD_*), and
 * warnings go out `warningLeadMs` before suspendAt and deleteAt (BILLING_WARNING_LEAD).
 */
export interface BillingPolicy {
  graceMs: Record<Tier, number>;
  warningLeadMs: number;
}

const DAY_MS = 24 * 3_600_000;
export const DEFAULT_BILLING_POLICY: BillingPolicy = {
  graceMs: { premium: 14 * DAY_MS, standard: 7 * DAY_MS, free: 3 * DAY_MS },
  warningLeadMs: DAY_MS,
};

/** Histories longer than this continue as new (the state and the pending billing clock carried over). */
export const SERVER_ENTITY_EVENTS_PER_RUN = 2000;
