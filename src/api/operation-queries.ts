import { status } from '@grpc/grpc-js';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { orderWorkflowId } from '../workflows/contract';
import type { serverOperation } from '../workflows/server-operation';
import { operationStateQuery, serverOperationWorkflowId } from '../workflows/server-operation-contract';
import { ApiError, orderNotFound } from './errors';
import type { OperationsDeps } from './operation-commands';
import { viewFromOperationExecution, viewFromOperationState, type OperationView } from './operation-view';
import { grpcCode, isTemporalUnreachable, isWorkflowNotFound } from './temporal-errors';

const operationNotFound = (orderId: string, operationId: string) =>
  new ApiError(404, 'operation_not_found', `order ${orderId} has no operation ${operationId}`, { orderId, operationId });

async function notFound(client: Client, orderId: string, operationId: string): Promise<ApiError> {
  try {
    await client.workflow.getHandle(orderWorkflowId(orderId)).describe();
  } catch (err) {
    if (isWorkflowNotFound(err)) return orderNotFound(orderId);
    throw err;
  }
  return operationNotFound(orderId, operationId);
}

/**
 * One operation of the order's server: its `operationState` query while it runs (Temporal's records when no worker
 * answers within `queryTimeoutMs`), its result once it completed. 404 for an unknown order or operation.
 */
export async function getOperation(deps: OperationsDeps, orderId: string, operationId: string): Promise<OperationView> {
  const { client } = deps;
  const handle = client.workflow.getHandle<typeof serverOperation>(serverOperationWorkflowId(orderId), operationId);
  let described: WorkflowExecutionDescription;
  try {
    described = await handle.describe();
  } catch (err) {
    if (isWorkflowNotFound(err) || grpcCode(err) === status.INVALID_ARGUMENT) throw await notFound(client, orderId, operationId);
    throw err;
  }
  if (described.status.name === 'COMPLETED') return viewFromOperationState(await handle.result(), 'result');
  if (described.status.name !== 'RUNNING') return viewFromOperationExecution(orderId, described);
  try {
    return viewFromOperationState(await client.withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(operationStateQuery)), 'workflow');
  } catch (err) {
    if (isTemporalUnreachable(err)) throw err;
    deps.logger.debug({ orderId, operationId, reason: err instanceof Error ? err.message : String(err) }, 'operation query unanswered; using visibility');
    return viewFromOperationExecution(orderId, described);
  }
}
