import type { WorkflowExecutionStatusName } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import {
  ORDER_STATUSES,
  OrderStatusAttribute,
  RECORDED_STATUSES,
  TERMINAL_STATUSES,
  TIERS,
  TierAttribute,
  UserIdAttribute,
  orderWorkflowId,
  orderIdOfOrder,
  type CallbackRecord,
  type OrderError,
  type OrderState,
  type ParkedOrder,
  type ProvisionedServer,
  type RecordedStatus,
  type Step,
  type Tier,
  type OrderTimelineEntry,
} from '../workflows/contract';
import type { ServerEntityState } from '../workflows/server-entity-contract';

export interface OrderLinks {
  self: string;
  cancel: string;
  /** The order's workflow history in the Temporal UI; only when TEMPORAL_UI_URL is set. */
  temporalUi?: string;
  /** The entity of the server the order created (GET /v1/servers/:id); once the order is ACTIVE. */
  server?: string;
}

export type OrderViewError = Omit<OrderError, 'step'> & { step: OrderError['step'] | null };

/** Where a waiting order stands; `asOf` is when the queue census it comes from was taken (null: no census yet). */
export interface OrderQueueView {
  position: number | null;
  etaSeconds: number | null;
  asOf: string | null;
}

/**
 * GET /v1/orders/:id. `source` says whether the workflow answered (`workflow`), only Temporal's records did
 * (`visibility`: then `status` is the recorded one, PROVISIONING for any provisioning step), or, once retention
 * removed the order's workflow, its server's entity (`entity`).
 */
export interface OrderView {
  orderId: string;
  status: RecordedStatus;
  tier: Tier | null;
  userId: number | null;
  step: Step | null;
  server: ProvisionedServer | null;
  error: OrderViewError | null;
  compensationErrors: OrderError[];
  timeline: OrderTimelineEntry[];
  createdAt: string;
  updatedAt: string;
  source: 'workflow' | 'visibility' | 'entity';
  /** Set while the order waits (QUEUED, WAITING_FOR_CAPACITY, WAITING_FOR_PROVIDER), null otherwise. */
  queue: OrderQueueView | null;
  /** The latest parking (NEEDS_ATTENTION) with its ledger; only when the workflow answered and the order parked. */
  parked?: ParkedOrder;
  /** The signed status events sent to the order's callbackUrl and their delivery; only when the workflow answered and one was sent. */
  callbacks?: CallbackRecord[];
  links: OrderLinks;
}

export interface OrderSummary {
  orderId: string;
  /** As visibility records it (RecordedStatus). */
  status: RecordedStatus;
  tier: Tier | null;
  userId: number | null;
  createdAt: string;
  closedAt: string | null;
  links: OrderLinks;
}

/** The execution facts both a describe and a visibility listing give. */
export interface ExecutionFacts {
  workflowId: string;
  status: { name: WorkflowExecutionStatusName };
  startTime: Date;
  closeTime?: Date;
  typedSearchAttributes: TypedSearchAttributes;
}

export function orderLinks(orderId: string, status?: RecordedStatus): OrderLinks {
  const self = `/v1/orders/${encodeURIComponent(orderId)}`;
  const server = status === 'ACTIVE' ? { server: `/v1/servers/${encodeURIComponent(orderId)}` } : {};
  return { self, cancel: `${self}/cancel`, ...server };
}

/** `${baseUrl}/namespaces/<namespace>/workflows/<workflowId>`: the Temporal UI page of one workflow's history. */
export function temporalUiLink(baseUrl: string, namespace: string, workflowId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The view or summary with `links.temporalUi` added when a Temporal UI base URL is configured. */
export function withTemporalUi<T extends { orderId: string; links: OrderLinks }>(
  item: T,
  baseUrl: string | undefined,
  namespace: string,
): T {
  if (!baseUrl) return item;
  return {
    ...item,
    links: { ...item.links, temporalUi: temporalUiLink(baseUrl, namespace, orderWorkflowId(item.orderId)) },
  };
}

export const isTerminal = (status: RecordedStatus): boolean =>
  (TERMINAL_STATUSES as readonly RecordedStatus[]).includes(status);

export function viewFromState(state: OrderState): OrderView {
  return {
    orderId: state.orderId,
    status: state.status,
    tier: state.tier,
    userId: state.userId,
    step: state.step,
    server: state.server,
    error: state.error,
    compensationErrors: state.compensationErrors ?? [],
    timeline: state.timeline,
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    source: 'workflow',
    queue: null,
    links: orderLinks(state.orderId, state.status),
    ...(state.parked ? { parked: state.parked } : {}),
    ...(state.callbacks?.length ? { callbacks: state.callbacks } : {}),
  };
}

function recordedStatus(facts: ExecutionFacts): RecordedStatus | undefined {
  const value = facts.typedSearchAttributes.get(OrderStatusAttribute) ?? '';
  return [...ORDER_STATUSES, ...RECORDED_STATUSES].includes(value as RecordedStatus)
    ? (value as RecordedStatus)
    : undefined;
}

/** The order status from the OrderStatus search attribute, corrected by how the execution itself ended. */
export function statusFromExecution(facts: ExecutionFacts): RecordedStatus {
  const recorded = recordedStatus(facts);
  switch (facts.status.name) {
    case 'RUNNING':
    case 'CONTINUED_AS_NEW':
      return recorded ?? 'QUEUED';
    case 'COMPLETED':
      return recorded && isTerminal(recorded) ? recorded : 'FAILED';
    case 'CANCELLED':
      return 'CANCELLED';
    default:
      return recorded === 'CANCELLED' ? 'CANCELLED' : 'FAILED';
  }
}

/** True when the workflow can no longer act on the order (closed, or its recorded status is terminal). */
export function executionIsFinal(facts: ExecutionFacts): boolean {
  return facts.status.name !== 'RUNNING' || isTerminal(statusFromExecution(facts));
}

function abnormalEnd(facts: ExecutionFacts): OrderViewError | null {
  const name = facts.status.name;
  if (name === 'RUNNING' || name === 'COMPLETED' || name === 'CONTINUED_AS_NEW') return null;
  if (name === 'CANCELLED' && recordedStatus(facts) === 'CANCELLED') return null;
  return { step: null, type: `Workflow${name}`, message: `the order's workflow ended as ${name}` };
}

export function summaryFromExecution(facts: ExecutionFacts): OrderSummary {
  const orderId = orderIdOfOrder(facts.workflowId);
  const tier = facts.typedSearchAttributes.get(TierAttribute);
  const status = statusFromExecution(facts);
  return {
    orderId,
    status,
    tier: (TIERS as readonly string[]).includes(tier ?? '') ? (tier as Tier) : null,
    userId: facts.typedSearchAttributes.get(UserIdAttribute) ?? null,
    createdAt: facts.startTime.toISOString(),
    closedAt: facts.closeTime?.toISOString() ?? null,
    links: orderLinks(orderId, status),
  };
}

/** The view when the workflow cannot answer its query (no worker running): what Temporal itself records. */
export function viewFromExecution(facts: ExecutionFacts): OrderView {
  const summary = summaryFromExecution(facts);
  return {
    orderId: summary.orderId,
    status: summary.status,
    tier: summary.tier,
    userId: summary.userId,
    step: null,
    server: null,
    error: abnormalEnd(facts),
    compensationErrors: [],
    timeline: [],
    createdAt: summary.createdAt,
    updatedAt: summary.closedAt ?? summary.createdAt,
    source: 'visibility',
    queue: null,
    links: summary.links,
  };
}

/** An ACTIVE order whose workflow retention removed, as its server's entity keeps it. */
export function viewFromEntity(state: ServerEntityState): OrderView {
  return {
    orderId: state.orderId,
    status: 'ACTIVE',
    tier: state.tier,
    userId: state.userId,
    step: null,
    server: state.server,
    error: null,
    compensationErrors: [],
    timeline: state.order?.timeline ?? [],
    createdAt: state.order?.createdAt ?? state.createdAt,
    updatedAt: state.order?.activeAt ?? state.createdAt,
    source: 'entity',
    queue: null,
    links: orderLinks(state.orderId, 'ACTIVE'),
  };
}
