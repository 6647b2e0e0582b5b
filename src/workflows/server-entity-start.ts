import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  CancellationScope,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { EntityActivities } from './activity-contract';
import type { Order } from './contract';
import type { OrderTracker } from './order-state';
import {
  SERVER_LIFECYCLE_WORKFLOW_TYPE,
  serverEntityPriority,
  serverEntitySearchAttributes,
  serverEntityWorkflowId,
  type ServerEntityInput,
} from './server-entity-contract';

/** Orders that reach ACTIVE start their server's entity (orders of earlier versions do not). */
export const SERVER_ENTITY_PATCH = 'server-entity';
/** Orders start the entity as an abandoned child workflow (orders of earlier versions through an activity). */
export const SERVER_ENTITY_CHILD_PATCH = 'server-entity-child';

const entities = proxyActivities<EntityActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** Starts the entity as a child the order abandons when it completes; false when its workflow id is taken. */
async function startAsChild(entity: ServerEntityInput): Promise<boolean> {
  try {
    await startChild(SERVER_LIFECYCLE_WORKFLOW_TYPE, {
      workflowId: serverEntityWorkflowId(entity.orderId),
      args: [entity],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: serverEntitySearchAttributes(entity),
      priority: serverEntityPriority(entity),
    });
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

/**
 * Starts the entity of the order's server (`serverLifecycle`, id `server-<orderId>`) once the order is ACTIVE,
 * before its callback goes out, so the panel can address the server at once. The entity outlives the order: it
 * starts as a child with parent close policy ABANDON, on the order's task queue at serverEntityPriority, and an
 * entity that already holds its workflow id (running, or completed because its server was deleted) is not started
 * again. Histories that reached this point before SERVER_ENTITY_CHILD_PATCH replay the idempotent startServerEntity
 * activity instead.
 */
export async function startServerEntity(order: Order, tracker: OrderTracker): Promise<void> {
  const { state } = tracker;
  if (state.status !== 'ACTIVE' || !state.server || !patched(SERVER_ENTITY_PATCH)) return;
  const workflowId = serverEntityWorkflowId(order.orderId);
  const entity: ServerEntityInput = {
    orderId: order.orderId,
    userId: order.userId,
    tier: order.tier,
    externalId: state.externalId ?? order.orderId,
    server: state.server,
    limits: order.limits,
    order: { createdAt: state.createdAt, activeAt: state.updatedAt, timeline: state.timeline },
    ...(order.callbackUrl ? { callbackUrl: order.callbackUrl } : {}),
  };
  if (patched(SERVER_ENTITY_CHILD_PATCH)) {
    const started = await CancellationScope.nonCancellable(() => startAsChild(entity));
    tracker.note(
      started
        ? `server entity ${workflowId} started`
        : `server entity ${workflowId} already exists or ended; not started`,
    );
    return;
  }
  const { started } = await CancellationScope.nonCancellable(() =>
    entities.startServerEntity({ taskQueue: workflowInfo().taskQueue, entity }),
  );
  tracker.note(
    started ? `server entity ${workflowId} started` : `server entity ${workflowId} had ended; not started again`,
  );
}
