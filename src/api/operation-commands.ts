import {
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { Logger } from 'pino';
import { isTerminal } from './order-view';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from '../workflows/flow-contract';
import {
  OPERATION_MEMO,
  SERVER_ID_MEMO,
  SERVER_OPERATION_WORKFLOW_TYPE,
  serverOperationWorkflowId,
  type OperationState,
  type ServerOperationInput,
} from '../workflows/server-operation-contract';
import type { serverOperation } from '../workflows/server-operation';
import { requestEntityOperation } from './entity-operations';
import { ApiError } from './errors';
import { readOrderFacts, type OrderFacts } from './operation-order';
import type { OperationBody } from './operation-schemas';
import { operationLinks, type OperationAccepted } from './operation-view';
import { operationOf } from '../workflows/server-operation-contract';
import { describeIfFound } from '../temporal-errors';

export interface OperationsDeps {
  client: Client;
  /** The order task queue: operation workflows run there, their panel calls on its provider queue. */
  taskQueue: string;
  logger: Logger;
  /** How long a running order's state query may take. */
  queryTimeoutMs: number;
}

/**
 * Starts `serverOperation` under the server's workflow id: refused (WorkflowExecutionAlreadyStartedError) while
 * another operation on the same server runs; a finished one's id is reused for the next operation.
 */
export function startServerOperation(
  client: Client,
  taskQueue: string,
  input: ServerOperationInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof serverOperation>> {
  return client.workflow.start<typeof serverOperation>(SERVER_OPERATION_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: serverOperationWorkflowId(input.orderId),
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    memo: { [OPERATION_MEMO]: input.operation, [SERVER_ID_MEMO]: input.serverId },
    priority: { priorityKey: TIER_PRIORITY_KEY[input.tier], fairnessKey: fairnessKeyOf(input.userId) },
  });
}

function refuseForOrder(order: OrderFacts, body: OperationBody): void {
  const { orderId, status } = order;
  if (!isTerminal(status)) {
    throw new ApiError(
      409,
      'order_not_active',
      `order ${orderId} is ${status}: ${body.operation === 'delete' ? 'cancel it instead' : 'it has no server yet'}`,
      { orderId, status },
    );
  }
  if (body.operation !== 'delete' && (status !== 'ACTIVE' || order.serverId === null)) {
    throw new ApiError(
      409,
      'order_not_active',
      `order ${orderId} is ${status} and has no server to ${body.operation}`,
      { orderId, status },
    );
  }
}

/** 409 `server_deleted` when the server's latest operation was a completed delete (only delete may follow it). */
async function refuseIfDeleted(client: Client, orderId: string): Promise<void> {
  const handle = client.workflow.getHandle<typeof serverOperation>(serverOperationWorkflowId(orderId));
  const latest = await describeIfFound(handle);
  if (!latest || latest.status.name !== 'COMPLETED' || operationOf(latest) !== 'delete') return;
  const state: OperationState = await handle.result();
  if (state.deprovisioned) {
    throw new ApiError(
      409,
      'server_deleted',
      `the server of order ${orderId} was deleted by operation ${latest.runId}`,
      { orderId, operationId: latest.runId },
    );
  }
}

async function inProgress(client: Client, orderId: string): Promise<ApiError> {
  const running = await client.workflow.getHandle(serverOperationWorkflowId(orderId)).describe();
  return new ApiError(
    409,
    'operation_in_progress',
    `operation ${running.runId} (${operationOf(running) ?? 'unknown'}) is still running on the server of order ${orderId}`,
    {
      orderId,
      operationId: running.runId,
      operation: operationOf(running),
    },
  );
}

/**
 * Requests an operation on the order's server through its entity when it has one (`requestEntityOperation`);
 * otherwise starts it directly: 404 for an unknown order; 409 `order_not_active` unless the order is
 * ACTIVE (a delete is also accepted for a FAILED or CANCELLED order, to remove what a failed rollback left), 409
 * `server_deleted` after a completed delete, 409 `operation_in_progress` while another operation runs.
 */
export async function requestOperation(
  deps: OperationsDeps,
  orderId: string,
  body: OperationBody,
  requestedBy: string,
): Promise<OperationAccepted> {
  const { client } = deps;
  const viaEntity = await requestEntityOperation(deps, orderId, body, requestedBy);
  if (viaEntity) return viaEntity;
  const order = await readOrderFacts(client, orderId, deps.queryTimeoutMs);
  refuseForOrder(order, body);
  if (body.operation !== 'delete') await refuseIfDeleted(client, orderId);
  const input: ServerOperationInput = {
    orderId,
    serverId: order.serverId,
    externalId: order.externalId,
    operation: body.operation,
    tier: order.tier,
    userId: order.userId,
    requestedBy,
    ...(body.operation === 'resize' ? { build: body.build } : {}),
  };
  let handle: WorkflowHandleWithFirstExecutionRunId<typeof serverOperation>;
  try {
    handle = await startServerOperation(client, deps.taskQueue, input);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw await inProgress(client, orderId);
    throw err;
  }
  const operationId = handle.firstExecutionRunId;
  deps.logger.info(
    { orderId, serverId: order.serverId, operation: body.operation, operationId, requestedBy },
    'server operation started',
  );
  return {
    operationId,
    orderId,
    serverId: order.serverId,
    operation: body.operation,
    status: 'RUNNING',
    links: operationLinks(orderId, operationId),
  };
}
