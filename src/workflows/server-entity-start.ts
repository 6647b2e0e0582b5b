import { CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EntityActivities } from './activity-contract';
import type { Order } from './contract';
import type { OrderTracker } from './order-state';
import { serverEntityWorkflowId } from './server-entity-contract';

/** Orders that reach ACTIVE start their server's entity (orders of earlier versions do not). */
export const SERVER_ENTITY_PATCH = 'server-entity';

const entities = proxyActivities<EntityActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Starts the entity of the order's server (`serverLifecycle`, id `server-<orderId>`) once the order is ACTIVE,
 * before its callback goes out, so the panel can address the server at once. The entity is its own workflow, which
 * outlives the order, started by an idempotent activity (not as an abandoned child: the official time-skipping test
 * server stalls once such a child ends after its parent; see the README's benchmarks).
 */
export async function startServerEntity(order: Order, tracker: OrderTracker): Promise<void> {
  const { state } = tracker;
  if (state.status !== 'ACTIVE' || !state.server || !patched(SERVER_ENTITY_PATCH)) return;
  const workflowId = serverEntityWorkflowId(order.orderId);
  const { started } = await CancellationScope.nonCancellable(() =>
    entities.startServerEntity({
      taskQueue: workflowInfo().taskQueue,
      entity: {
        orderId: order.orderId,
        userId: order.userId,
        tier: order.tier,
        externalId: state.externalId ?? order.orderId,
        server: state.server!,
        limits: order.limits,
        order: { createdAt: state.createdAt, activeAt: state.updatedAt, timeline: state.timeline },
        ...(order.callbackUrl ? { callbackUrl: order.callbackUrl } : {}),
      },
    }),
  );
  tracker.note(
    started ? `server entity ${workflowId} started` : `server entity ${workflowId} had ended; not started again`,
  );
}
