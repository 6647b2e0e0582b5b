import type { serverOperation } from '../workflows/server-operation';
import {
  cancelOperationSignal,
  serverOperationWorkflowId,
  type OperationStatus,
} from '../workflows/server-operation-contract';
import { ApiError } from './errors';
import type { OperationsDeps } from './operation-commands';
import { describeOperation, getOperation } from './operation-queries';
import { operationLinks, type OperationLinks } from './operation-view';
import { isWorkflowNotFound } from '../temporal-errors';

/** The 202 answer of POST /v1/orders/:id/operations/:operationId/cancel. */
export interface CancelOperationResult {
  operationId: string;
  orderId: string;
  status: OperationStatus;
  cancelRequested: true;
  links: OperationLinks;
}

async function alreadyFinished(deps: OperationsDeps, orderId: string, operationId: string): Promise<ApiError> {
  const { status } = await getOperation(deps, orderId, operationId);
  return new ApiError(
    409,
    'operation_finished',
    `operation ${operationId} is already ${status} and can no longer be cancelled`,
    { orderId, operationId, status },
  );
}

/**
 * Asks a running operation to stop (it rolls back what it changed and ends CANCELLED): 404 for an unknown order or
 * operation, 409 `operation_finished` once it has ended, 409 `operation_rolling_back` while it undoes a failure.
 */
export async function cancelOperation(
  deps: OperationsDeps,
  orderId: string,
  operationId: string,
  reason: string | undefined,
  by: string,
): Promise<CancelOperationResult> {
  const execution = await describeOperation(deps.client, orderId, operationId);
  if (execution.status.name !== 'RUNNING') throw await alreadyFinished(deps, orderId, operationId);
  const { status } = await getOperation(deps, orderId, operationId);
  if (status === 'ROLLING_BACK') {
    throw new ApiError(
      409,
      'operation_rolling_back',
      `operation ${operationId} is rolling back and can no longer be cancelled`,
      { orderId, operationId, status },
    );
  }
  try {
    await deps.client.workflow
      .getHandle<typeof serverOperation>(serverOperationWorkflowId(orderId), operationId)
      .signal(cancelOperationSignal, reason ? { reason, by } : { by });
  } catch (err) {
    if (isWorkflowNotFound(err)) throw await alreadyFinished(deps, orderId, operationId);
    throw err;
  }
  deps.logger.info({ orderId, operationId, status }, 'operation cancellation requested');
  return { operationId, orderId, status, cancelRequested: true, links: operationLinks(orderId, operationId) };
}
