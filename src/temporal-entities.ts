import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  serverEntityPriority,
  serverEntitySearchAttributes,
  serverEntityWorkflowId,
  type ServerEntityInput,
} from './workflows/server-entity-contract';

/**
 * Starts the entity of an order's server (`serverLifecycle`, id `server-<orderId>`) on `taskQueue` with its search
 * attributes and priority (serverEntityPriority). Idempotent: an entity already running is kept (conflict policy
 * USE_EXISTING: `running`); one that completed (its server was deleted) is never started again (`ended`), one
 * terminated by hand is started anew.
 */
export async function startServerEntityWorkflow(
  client: Client,
  taskQueue: string,
  entity: ServerEntityInput,
): Promise<'running' | 'ended'> {
  try {
    await client.workflow.start(SERVER_LIFECYCLE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: serverEntityWorkflowId(entity.orderId),
      args: [entity],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: serverEntitySearchAttributes(entity),
      priority: serverEntityPriority(entity),
    });
    return 'running';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'ended';
    throw err;
  }
}
