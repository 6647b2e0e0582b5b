import { randomUUID } from 'node:crypto';
import type { Priority } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, type WorkflowExecutionDescription } from '@temporalio/client';
import {
  PROVISION_WORKFLOW_TYPE,
  OrderStatusAttribute,
  TierAttribute,
  UserIdAttribute,
  cancelOrderSignal,
  orderWorkflowId,
  type Order,
  type ProvisionOptions,
  type RecordedStatus,
} from '../workflows/contract';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from '../workflows/flow-contract';
import { urlRefusal, withArticle } from '../net/outbound-guard';
import { ApiError, orderNotFound } from './errors';
import { ORDER_FINGERPRINT_MEMO, orderFingerprint } from './order-fingerprint';
import { getOrder, type OrdersDeps } from './order-queries';
import { executionIsFinal, orderLinks, statusFromExecution, type OrderLinks, type OrderView } from './order-view';
import type { CreateOrderBody } from './schemas';
import { isWorkflowNotFound } from '../temporal-errors';

export type CreateOrderResult =
  { created: true; orderId: string; status: 'QUEUED'; links: OrderLinks } | { created: false; order: OrderView };

function priorityOf(order: Order): Priority {
  return { priorityKey: TIER_PRIORITY_KEY[order.tier], fairnessKey: fairnessKeyOf(order.userId) };
}

/** Starts the workflow; false when one with this id exists already. */
async function startWorkflow(deps: OrdersDeps, order: Order, fingerprint: string): Promise<boolean> {
  try {
    await deps.client.workflow.start(PROVISION_WORKFLOW_TYPE, {
      taskQueue: deps.taskQueue,
      workflowId: orderWorkflowId(order.orderId),
      args: [order, { policy: deps.flowPolicy[order.tier], recordedStatuses: 'phases' } satisfies ProvisionOptions],
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
 * A callbackUrl whose host is a literal address the workers would refuse to call (loopback, private, link-local, ...;
 * see src/net/outbound-guard.ts) is refused at once, as the body's validation errors are. A hostname passes here:
 * the worker checks the addresses it resolves to when it delivers.
 */
function checkCallbackAddress(deps: OrdersDeps, callbackUrl: string | undefined): void {
  if (callbackUrl === undefined) return;
  const reason = urlRefusal(new URL(callbackUrl), deps.callbackAllowedHosts);
  if (reason === undefined) return;
  throw new ApiError(400, 'invalid_body', 'invalid request body', {
    issues: [{ field: 'callbackUrl', reason: `must not point at ${withArticle(reason)} (see CALLBACK_ALLOWED_HOSTS)` }],
  });
}

/**
 * Admits the order through its user's admission shard (429 when the user already has MAX_INFLIGHT_PER_USER orders in
 * flight) and starts its workflow (id `order-<orderId>`, one per order for good). An order id seen before answers
 * with the existing order when the body is the same, and 409 when it differs; neither is ever refused for the limit.
 */
export async function createOrder(deps: OrdersDeps, body: CreateOrderBody): Promise<CreateOrderResult> {
  if (body.callbackUrl !== undefined && !deps.callbacksConfigured) {
    throw new ApiError(
      400,
      'callback_secret_not_configured',
      'callbackUrl needs CALLBACK_SECRETS (or CALLBACK_SECRET), which this service does not have; see docs/callbacks.md',
    );
  }
  checkCallbackAddress(deps, body.callbackUrl);
  deps.eggRules?.checkOrder(body.eggId, body.environment);
  const order: Order = { ...body, orderId: body.orderId ?? randomUUID() };
  const fingerprint = orderFingerprint(order);
  const workflowId = orderWorkflowId(order.orderId);
  const admitted = await deps.admission.admit(order);
  if (!admitted.admitted) {
    const existing = body.orderId === undefined ? undefined : await describeIfExists(deps, workflowId);
    if (!existing) throw await deps.admission.refusal(order, admitted);
    return existingOrder(deps, order, fingerprint, existing);
  }
  let started: boolean;
  try {
    started = await startWorkflow(deps, order, fingerprint);
  } catch (err) {
    if (!admitted.known) await deps.admission.release(order);
    throw err;
  }
  if (started) {
    deps.logger.info({ orderId: order.orderId, workflowId, tier: order.tier, userId: order.userId }, 'order queued');
    return { created: true, orderId: order.orderId, status: 'QUEUED', links: orderLinks(order.orderId) };
  }
  const existing = await deps.client.workflow.getHandle(workflowId).describe();
  if (!admitted.known && executionIsFinal(existing)) await deps.admission.release(order);
  return existingOrder(deps, order, fingerprint, existing);
}

async function describeIfExists(
  deps: OrdersDeps,
  workflowId: string,
): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await deps.client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (isWorkflowNotFound(err)) return undefined;
    throw err;
  }
}

async function existingOrder(
  deps: OrdersDeps,
  order: Order,
  fingerprint: string,
  existing: WorkflowExecutionDescription,
): Promise<CreateOrderResult> {
  if (existing.memo?.[ORDER_FINGERPRINT_MEMO] !== fingerprint) {
    throw new ApiError(409, 'order_conflict', `order ${order.orderId} already exists with a different body`, {
      orderId: order.orderId,
    });
  }
  return { created: false, order: await getOrder(deps, order.orderId) };
}

export interface CancelOrderResult {
  orderId: string;
  status: RecordedStatus;
  cancelRequested: true;
  links: OrderLinks;
}

function alreadyFinished(orderId: string, status: RecordedStatus): ApiError {
  return new ApiError(409, 'order_finished', `order ${orderId} is already ${status} and can no longer be cancelled`, {
    orderId,
    status,
  });
}

/** Asks the order's workflow to cancel (it rolls back what it created); 409 once it has finished or is rolling back. */
export async function cancelOrder(
  deps: OrdersDeps,
  orderId: string,
  reason: string | undefined,
  by: string,
): Promise<CancelOrderResult> {
  const handle = deps.client.workflow.getHandle(orderWorkflowId(orderId));
  const description = await handle.describe().catch((err: unknown) => {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  });
  const status = statusFromExecution(description);
  if (executionIsFinal(description) || status === 'COMPENSATING') throw alreadyFinished(orderId, status);
  try {
    await handle.signal(cancelOrderSignal, reason ? { reason, by } : { by });
  } catch (err) {
    if (isWorkflowNotFound(err)) throw alreadyFinished(orderId, statusFromExecution(await handle.describe()));
    throw err;
  }
  deps.logger.info({ orderId, status }, 'order cancellation requested');
  return { orderId, status, cancelRequested: true, links: orderLinks(orderId) };
}
