import { randomUUID } from 'node:crypto';
import type { Priority } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import {
  PROVISION_WORKFLOW_TYPE, OrderStatusAttribute, TierAttribute, UserIdAttribute, cancelOrderSignal, orderWorkflowId,
  type Order, type OrderStatus, type ProvisionOptions,
} from '../workflows/contract';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from '../workflows/flow-contract';
import { ApiError, orderNotFound } from './errors';
import { ORDER_FINGERPRINT_MEMO, orderFingerprint } from './order-fingerprint';
import { getOrder, type OrdersDeps } from './order-queries';
import { executionIsFinal, orderLinks, statusFromExecution, type OrderLinks, type OrderView } from './order-view';
import type { CreateOrderBody } from './schemas';
import { isWorkflowNotFound } from './temporal-errors';

export type CreateOrderResult =
  | { created: true; orderId: string; status: 'QUEUED'; links: OrderLinks }
  | { created: false; order: OrderView };

function priorityOf(order: Order): Priority {
  return { priorityKey: TIER_PRIORITY_KEY[order.tier], fairnessKey: fairnessKeyOf(order.userId) };
}

/** Starts the workflow; false when one with this id exists already. */
async function startWorkflow(deps: OrdersDeps, order: Order, fingerprint: string): Promise<boolean> {
  try {
    await deps.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
      taskQueue: deps.taskQueue,
      workflowId: orderWorkflowId(order.orderId),
      args: [order, { policy: deps.flowPolicy[order.tier] } satisfies ProvisionOptions],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: OrderStatusAttribute, value: 'QUEUED' },
        { key: UserIdAttribute, value: order.userId },
        { key: TierAttribute, value: order.tier },
      ],
      memo: { [ORDER_FINGERPRINT_MEMO]: fingerprint },
      priority: priorityOf(order),
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * Starts the order's workflow (id `order-<orderId>`, one per order for good), unless its user already has
 * MAX_INFLIGHT_PER_USER orders in flight (429). An order id seen before answers with the existing order when the
 * body is the same, and 409 when it differs; neither is ever refused for the limit.
 */
export async function createOrder(deps: OrdersDeps, body: CreateOrderBody): Promise<CreateOrderResult> {
  if (body.callbackUrl !== undefined && !deps.callbacksConfigured) {
    throw new ApiError(400, 'callback_secret_not_configured', 'callbackUrl needs CALLBACK_SECRET, which this service does not have; see docs/callbacks.md');
  }
  const order: Order = { ...body, orderId: body.orderId ?? randomUUID() };
  const fingerprint = orderFingerprint(order);
  const workflowId = orderWorkflowId(order.orderId);
  const limit = deps.inflightLimit;
  const started = await limit.inTurn(order.userId, async () => {
    await limit.check(order, body.orderId !== undefined);
    const created = await startWorkflow(deps, order, fingerprint);
    if (created) limit.started(order.userId, workflowId);
    return created;
  });
  if (started) {
    deps.logger.info({ orderId: order.orderId, workflowId, tier: order.tier, userId: order.userId }, 'order queued');
    return { created: true, orderId: order.orderId, status: 'QUEUED', links: orderLinks(order.orderId) };
  }
  const existing = await deps.client.workflow.getHandle(workflowId).describe();
  if (existing.memo?.[ORDER_FINGERPRINT_MEMO] !== fingerprint) {
    throw new ApiError(409, 'order_conflict', `order ${order.orderId} already exists with a different body`, { orderId: order.orderId });
  }
  return { created: false, order: await getOrder(deps, order.orderId) };
}

export interface CancelOrderResult { orderId: string; status: OrderStatus; cancelRequested: true; links: OrderLinks }

function alreadyFinished(orderId: string, status: OrderStatus): ApiError {
  return new ApiError(409, 'order_finished', `order ${orderId} is already ${status} and can no longer be cancelled`, { orderId, status });
}

/** Asks the order's workflow to cancel (it rolls back what it created); 409 once it has finished or is rolling back. */
export async function cancelOrder(deps: OrdersDeps, orderId: string, reason: string | undefined): Promise<CancelOrderResult> {
  const handle = deps.client.workflow.getHandle(orderWorkflowId(orderId));
  const description = await handle.describe().catch((err: unknown) => {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  });
  const status = statusFromExecution(description);
  if (executionIsFinal(description) || status === 'COMPENSATING') throw alreadyFinished(orderId, status);
  try {
    await handle.signal(cancelOrderSignal, reason ? { reason } : {});
  } catch (err) {
    if (isWorkflowNotFound(err)) throw alreadyFinished(orderId, statusFromExecution(await handle.describe()));
    throw err;
  }
  deps.logger.info({ orderId, status }, 'order cancellation requested');
  return { orderId, status, cancelRequested: true, links: orderLinks(orderId) };
}
