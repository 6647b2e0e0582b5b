import { status } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { orderWorkflowId } from '../workflows/contract';
import type { serverOperation } from '../workflows/server-operation';
import { operationStateQuery, serverOperationWorkflowId } from '../workflows/server-operation-contract';
import { serverEntityWorkflowId } from '../workflows/server-entity-contract';
import { ApiError, orderNotFound } from './errors';
import type { OperationsDeps } from './operation-commands';
import {
  viewFromOperationExecution,
  viewFromOperationState,
  type OperationExecution,
  type OperationView,
} from './operation-view';
import { grpcCode, isTemporalUnreachable, isWorkflowNotFound } from '../temporal-errors';

/** How many of a server's operations GET /v1/orders/:id/operations lists, newest first. */
export const OPERATION_LIST_LIMIT = 50;

const operationNotFound = (orderId: string, operationId: string) =>
  new ApiError(404, 'operation_not_found', `order ${orderId} has no operation ${operationId}`, {
    orderId,
    operationId,
  });

async function exists(client: Client, workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (isWorkflowNotFound(err)) return false;
    throw err;
  }
}

/** The order's workflow, or after its retention its server's entity, is known to Temporal. */
async function orderExists(client: Client, orderId: string): Promise<boolean> {
  return (await exists(client, orderWorkflowId(orderId))) || (await exists(client, serverEntityWorkflowId(orderId)));
}

/** The run `operationId` of the order's server workflow; 404 for an unknown order or operation. */
export async function describeOperation(
  client: Client,
  orderId: string,
  operationId: string,
): Promise<OperationExecution> {
  try {
    return await client.workflow.getHandle(serverOperationWorkflowId(orderId), operationId).describe();
  } catch (err) {
    if (!isWorkflowNotFound(err) && grpcCode(err) !== status.INVALID_ARGUMENT) throw err;
    throw (await orderExists(client, orderId)) ? operationNotFound(orderId, operationId) : orderNotFound(orderId);
  }
}

/** Its result once completed, its `operationState` query while it runs (Temporal's records when no worker answers). */
async function viewOf(deps: OperationsDeps, orderId: string, execution: OperationExecution): Promise<OperationView> {
  const handle = deps.client.workflow.getHandle<typeof serverOperation>(
    serverOperationWorkflowId(orderId),
    execution.runId,
  );
  if (execution.status.name === 'COMPLETED') return viewFromOperationState(await handle.result(), 'result');
  if (execution.status.name !== 'RUNNING') return viewFromOperationExecution(orderId, execution);
  try {
    return viewFromOperationState(
      await deps.client.withDeadline(Date.now() + deps.queryTimeoutMs, () => handle.query(operationStateQuery)),
      'workflow',
    );
  } catch (err) {
    if (isTemporalUnreachable(err)) throw err;
    deps.logger.debug(
      { orderId, operationId: execution.runId, reason: err instanceof Error ? err.message : String(err) },
      'operation query unanswered; using visibility',
    );
    return viewFromOperationExecution(orderId, execution);
  }
}

/** GET /v1/orders/:id/operations/:operationId. 404 for an unknown order or operation. */
export async function getOperation(deps: OperationsDeps, orderId: string, operationId: string): Promise<OperationView> {
  return viewOf(deps, orderId, await describeOperation(deps.client, orderId, operationId));
}

export interface OperationList {
  orderId: string;
  operations: OperationView[];
}

/**
 * GET /v1/orders/:id/operations: the server's operations from Temporal's visibility, newest first (at most
 * OPERATION_LIST_LIMIT; visibility is eventually consistent, so one started a moment ago may be missing). 404 for an
 * unknown order.
 */
export async function listOperations(deps: OperationsDeps, orderId: string): Promise<OperationList> {
  if (!(await orderExists(deps.client, orderId))) throw orderNotFound(orderId);
  const query = `WorkflowId = ${JSON.stringify(serverOperationWorkflowId(orderId))}`;
  const runs: OperationExecution[] = [];
  for await (const run of deps.client.workflow.list({ query, pageSize: OPERATION_LIST_LIMIT })) {
    runs.push(run);
    if (runs.length >= OPERATION_LIST_LIMIT) break;
  }
  runs.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const operations = await Promise.all(runs.map((run) => viewOf(deps, orderId, run)));
  return { orderId, operations };
}
