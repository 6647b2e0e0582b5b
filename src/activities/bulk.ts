import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { heartbeat } from '@temporalio/activity';
import { inList, listWorkflows } from '../temporal-listing';
import type { BulkActivities } from '../workflows/activity-contract';
import {
  BULK_MAX_TARGETS,
  SERVER_BULK_ACTIONS,
  type BulkAction,
  type BulkFilter,
  type BulkOutcome,
} from '../workflows/bulk-contract';
import {
  PROVISION_WORKFLOW_TYPE,
  WAITING_STATUSES,
  cancelOrderSignal,
  isWaiting,
  operatorActionUpdate,
  orderIdOfOrder,
  orderStateQuery,
  orderWorkflowId,
} from '../workflows/contract';
import {
  OPERATOR_REFUSALS,
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  operatorRequestUpdate,
  orderIdOfEntity,
  serverEntityWorkflowId,
} from '../workflows/server-entity-contract';
import {
  serverOperationWorkflowId,
  type OperationState,
  type ServerOperationName,
} from '../workflows/server-operation-contract';

/** The visibility query of a bulk action's targets: running server entities, parked orders or waiting orders. */
export function bulkQuery(action: BulkAction, filter: BulkFilter): string {
  const clauses = SERVER_BULK_ACTIONS.includes(action)
    ? [`WorkflowType = '${SERVER_LIFECYCLE_WORKFLOW_TYPE}'`, `ExecutionStatus = 'Running'`]
    : [`WorkflowType = '${PROVISION_WORKFLOW_TYPE}'`, `ExecutionStatus = 'Running'`];
  if (action === 'retry') clauses.push(`OrderStatus = 'NEEDS_ATTENTION'`);
  if (action === 'cancel') clauses.push(`OrderStatus IN ${inList(WAITING_STATUSES)}`);
  if (filter.userId !== undefined) clauses.push(`UserId = ${filter.userId}`);
  if (filter.tier) clauses.push(`Tier = '${filter.tier}'`);
  if (SERVER_BULK_ACTIONS.includes(action)) {
    if (filter.node !== undefined) clauses.push(`NodeId = ${filter.node}`);
    if (filter.status) clauses.push(`ServerStatus = '${filter.status}'`);
  }
  return clauses.join(' AND ');
}

/**
 * Bulk actions' activities: the listing (paced visibility pages) and the action on one server or order; a server's
 * operation is asked of its entity and awaited to its end (its panel calls go through the provider budget).
 */
export function bulkActivities(deps: { client: Client }): BulkActivities {
  const { client } = deps;
  return {
    async bulkTargets({ action, filter }) {
      const { workflows, truncated } = await listWorkflows(client, bulkQuery(action, filter), {
        max: BULK_MAX_TARGETS,
        onPage: (listed) => heartbeat(listed),
      });
      const orderId = SERVER_BULK_ACTIONS.includes(action) ? orderIdOfEntity : orderIdOfOrder;
      return { orderIds: workflows.map((w) => orderId(w.workflowId)), truncated };
    },

    async bulkApply({ action, orderId, filter, requestedBy, reason }) {
      if (SERVER_BULK_ACTIONS.includes(action))
        return operateServer(client, orderId, action as ServerOperationName, requestedBy);
      const order = client.workflow.getHandle(orderWorkflowId(orderId));
      const state = await order.query(orderStateQuery).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      });
      if (!state) return { outcome: 'skipped', reason: 'the order no longer exists' };
      if (action === 'cancel') {
        if (!isWaiting(state.status)) return { outcome: 'skipped', reason: `no longer waiting: ${state.status}` };
        await order.signal(cancelOrderSignal, { reason: reason ?? 'cancelled in bulk', by: requestedBy });
        return { outcome: 'done' };
      }
      if (state.status !== 'NEEDS_ATTENTION') return { outcome: 'skipped', reason: `not parked: ${state.status}` };
      if (filter.parkedReason && state.parked?.reason !== filter.parkedReason)
        return { outcome: 'skipped', reason: `parked for ${state.parked?.reason ?? 'another reason'}` };
      try {
        await order.executeUpdate(operatorActionUpdate, {
          args: [{ action: 'retry-step', note: reason ?? 'retried in bulk', by: requestedBy }],
        });
        return { outcome: 'done' };
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError)
          return { outcome: 'failed', reason: err.cause?.message ?? err.message };
        throw err;
      }
    },
  };
}

async function operateServer(
  client: Client,
  orderId: string,
  operation: ServerOperationName,
  by: string,
): Promise<{ outcome: BulkOutcome; reason?: string }> {
  try {
    const { operationId } = await client.workflow
      .getHandle(serverEntityWorkflowId(orderId))
      .executeUpdate(operatorRequestUpdate, { args: [{ operation, by }] });
    const run = client.workflow.getHandle(serverOperationWorkflowId(orderId), operationId);
    const ended: OperationState = await run.result();
    if (ended.status === 'COMPLETED') return { outcome: 'done' };
    return { outcome: 'failed', reason: `${operation} ${ended.status.toLowerCase()}: ${ended.error?.message ?? ''}` };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { outcome: 'skipped', reason: 'its server entity no longer runs' };
    if (!(err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)) throw err;
    if (err.cause.type === OPERATOR_REFUSALS.busy)
      throw ApplicationFailure.retryable(err.cause.message, OPERATOR_REFUSALS.busy);
    return { outcome: 'failed', reason: err.cause.message };
  }
}
