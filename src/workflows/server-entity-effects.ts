import {
  ChildWorkflowFailure,
  ParentClosePolicy,
  startChild,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { ServerCallbackEvent, ServerEventType } from '../callbacks/contract';
import type { BuildLimits } from './activity-payloads';
import { summarizeFailure } from './failures';
import { TIER_PRIORITY_KEY, fairnessKeyOf } from './flow-contract';
import type { ServerEntityState } from './server-entity-contract';
import { serverOperation } from './server-operation';
import {
  OPERATION_MEMO,
  SERVER_ID_MEMO,
  serverOperationWorkflowId,
  type OperationState,
  type ServerOperationName,
} from './server-operation-contract';

/**
 * Runs one operation on the entity's server as a `serverOperation` child under the server's operation id (with the
 * memo and priority the API gives the operations it starts), telling `onStart` its run id: its outcome (FAILED when
 * its workflow was terminated or timed out), or `busy` when another operation holds the id.
 */
export async function runOperationChild(
  state: ServerEntityState,
  job: { operation: ServerOperationName; requestedBy: string; build?: BuildLimits },
  onStart: (operationId: string) => void,
): Promise<Pick<OperationState, 'status' | 'error'> | 'busy'> {
  const { orderId, externalId, userId, tier, server } = state;
  try {
    const child = await startChild(serverOperation, {
      workflowId: serverOperationWorkflowId(orderId),
      args: [
        {
          orderId,
          externalId,
          serverId: server.id,
          operation: job.operation,
          tier,
          userId,
          requestedBy: job.requestedBy,
          ...(job.build ? { build: job.build } : {}),
        },
      ],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      memo: { [OPERATION_MEMO]: job.operation, [SERVER_ID_MEMO]: server.id },
      priority: { priorityKey: TIER_PRIORITY_KEY[tier], fairnessKey: fairnessKeyOf(userId) },
    });
    onStart(child.firstExecutionRunId);
    return await child.result();
  } catch (err) {
    if ((err as { name?: string }).name === 'WorkflowExecutionAlreadyStartedError') return 'busy';
    if (!(err instanceof ChildWorkflowFailure)) throw err;
    const { type, message } = summarizeFailure(err.cause ?? err);
    return { status: 'FAILED', error: { step: null, type, message: `the operation's workflow ended: ${message}` } };
  }
}

/** The event the order's callbackUrl gets when the entity acts; its id is stable across retries and replays. */
export function serverEvent(state: ServerEntityState, type: ServerEventType): ServerCallbackEvent {
  const { orderId, server, status, billing } = state;
  return {
    id: `${workflowInfo().workflowId}:${type}:${state.eventsSent}`,
    type,
    orderId,
    occurredAt: state.updatedAt,
    server: {
      orderId,
      serverId: server.id,
      status,
      billing: { state: billing.state, suspendAt: billing.suspendAt, deleteAt: billing.deleteAt },
    },
  };
}
