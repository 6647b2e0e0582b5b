import type { Client } from '@temporalio/client';
import type { AdmissionActivities } from '../workflows/activity-contract';
import type { AdmittedOrder } from '../workflows/admission-contract';
import { OrderStatusAttribute, TERMINAL_STATUSES, orderWorkflowId, type OrderStatus } from '../workflows/contract';

/** How long an admitted order that Temporal does not know yet still counts: the API may be starting it. */
export const ADMISSION_START_GRACE_MS = 60_000;

const notFound = (err: unknown) => (err as { name?: string }).name === 'WorkflowNotFoundError';
/** Describes in flight at once when a shard checks many orders (before it continues as new). */
const CHECKS_AT_ONCE = 20;

/** The admission shard's check of a user's orders: a describe per order (Temporal's own record, not visibility). */
export function admissionActivities(deps: { client: Client }): AdmissionActivities {
  const stillInFlight = async (order: AdmittedOrder): Promise<boolean> => {
    try {
      const described = await deps.client.workflow.getHandle(orderWorkflowId(order.orderId)).describe();
      const status = described.typedSearchAttributes.get(OrderStatusAttribute) as OrderStatus | undefined;
      return described.status.name === 'RUNNING' && !(status && TERMINAL_STATUSES.includes(status));
    } catch (err) {
      if (notFound(err)) return Date.now() - Date.parse(order.admittedAt) < ADMISSION_START_GRACE_MS;
      throw err;
    }
  };
  return {
    async ordersStillInFlight(orders) {
      const still: string[] = [];
      for (let i = 0; i < orders.length; i += CHECKS_AT_ONCE) {
        const batch = orders.slice(i, i + CHECKS_AT_ONCE);
        const checked = await Promise.all(batch.map(async (order) => [order.orderId, await stillInFlight(order)] as const));
        still.push(...checked.filter(([, inFlight]) => inFlight).map(([orderId]) => orderId));
      }
      return still;
    },
  };
}
