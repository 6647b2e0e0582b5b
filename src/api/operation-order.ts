import type { Client } from '@temporalio/client';
import {
  TIERS,
  TierAttribute,
  UserIdAttribute,
  orderStateQuery,
  orderWorkflowId,
  type OrderState,
  type RecordedStatus,
  type Tier,
} from '../workflows/contract';
import { ownExternalId } from '../workflows/own-server';
import { ApiError, orderNotFound } from './errors';
import { statusFromExecution } from './order-view';
import { isTemporalUnreachable, isWorkflowNotFound } from '../temporal-errors';

/** What an operation needs to know about its order. */
export interface OrderFacts {
  orderId: string;
  status: RecordedStatus;
  /** The order's server as its workflow recorded it; null when it has none (or the record is not readable). */
  serverId: number | null;
  /**
   * The external_id the order's server carries, as its workflow recorded it (orders that finished before it was
   * recorded: the bare orderId). Unknown for a workflow that ended abnormally: the own-server marker, so a look-up
   * never finds a server under a bare id it cannot check.
   */
  externalId: string;
  tier: Tier;
  userId: number;
}

const fromState = (state: OrderState): OrderFacts => ({
  orderId: state.orderId,
  status: state.status,
  serverId: state.server?.id ?? null,
  externalId: state.externalId ?? state.orderId,
  tier: state.tier,
  userId: state.userId,
});

/**
 * The order's status and server from its workflow: the workflow's result once it completed (no worker needed), its
 * `orderState` query while it runs (503 `order_state_unavailable` when no worker answers within `queryTimeoutMs`),
 * and only Temporal's records for a workflow that ended abnormally. 404 for an unknown order.
 */
export async function readOrderFacts(client: Client, orderId: string, queryTimeoutMs: number): Promise<OrderFacts> {
  const handle = client.workflow.getHandle(orderWorkflowId(orderId));
  const described = await handle.describe().catch((err: unknown) => {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  });
  if (described.status.name === 'COMPLETED') return fromState((await handle.result()) as OrderState);
  if (described.status.name === 'RUNNING') {
    try {
      return fromState(await client.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(orderStateQuery)));
    } catch (err) {
      if (isTemporalUnreachable(err)) throw err;
      throw new ApiError(
        503,
        'order_state_unavailable',
        `order ${orderId} did not report its state in time; try again shortly`,
        { orderId },
      );
    }
  }
  const tier = described.typedSearchAttributes.get(TierAttribute);
  return {
    orderId,
    status: statusFromExecution(described),
    serverId: null,
    externalId: ownExternalId(orderId),
    tier: (TIERS as readonly string[]).includes(tier ?? '') ? (tier as Tier) : 'standard',
    userId: described.typedSearchAttributes.get(UserIdAttribute) ?? 0,
  };
}
