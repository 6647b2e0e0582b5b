import type { Client } from '@temporalio/client';
import type { AdmissionActivities, AdmittedOrderState } from '../workflows/activity-contract';
import type { AdmittedOrder } from '../workflows/admission-contract';
import { OrderStatusAttribute, TERMINAL_STATUSES, orderWorkflowId, type OrderStatus } from '../workflows/contract';

const notFound = (err: unknown) => (err as { name?: string }).name === 'WorkflowNotFoundError';
/** Describes in flight at once when a shard checks many orders (before it continues as new). */
const CHECKS_AT_ONCE = 20;

/** The admission shard's check of a user's orders: a describe per order (Temporal's own record, not visibility). */
export function admissionActivities(deps: { client: Client }): AdmissionActivities {
  const check = async ({ orderId }: AdmittedOrder): Promise<AdmittedOrderState> => {
    try {
      const described = await deps.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
      const status = described.typedSearchAttributes.get(OrderStatusAttribute) as OrderStatus | undefined;
      const inFlight = described.status.name === 'RUNNING' && !(status && TERMINAL_STATUSES.includes(status));
      return { orderId, state: inFlight ? 'in_flight' : 'ended' };
    } catch (err) {
      if (notFound(err)) return { orderId, state: 'missing' };
      throw err;
    }
  };
  return {
    async checkAdmittedOrders(orders) {
      const states: AdmittedOrderState[] = [];
      for (let i = 0; i < orders.length; i += CHECKS_AT_ONCE)
        states.push(...(await Promise.all(orders.slice(i, i + CHECKS_AT_ONCE).map(check))));
      return states;
    },
  };
}
