import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { EntityActivities } from '../workflows/activity-contract';
import { TierAttribute, UserIdAttribute } from '../workflows/contract';
import {
  NodeIdAttribute,
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  ServerStatusAttribute,
  serverEntityWorkflowId,
} from '../workflows/server-entity-contract';

/**
 * Starts the entity of an order's server (`serverLifecycle`, id `server-<orderId>`) on the order task queue, with
 * its search attributes. Idempotent: an entity already running is kept (conflict policy USE_EXISTING), and one that
 * ended (the server was deleted) is never started again.
 */
export function entityActivities(deps: { client: Client }): EntityActivities {
  return {
    async startServerEntity({ taskQueue, entity }) {
      try {
        await deps.client.workflow.start(SERVER_LIFECYCLE_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: serverEntityWorkflowId(entity.orderId),
          args: [entity],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: ServerStatusAttribute, value: 'ACTIVE' },
            { key: NodeIdAttribute, value: entity.server.node },
            { key: UserIdAttribute, value: entity.userId },
            { key: TierAttribute, value: entity.tier },
          ],
        });
        return { started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw err;
      }
    },
  };
}
