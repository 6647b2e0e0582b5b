import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import {
  OPERATOR_ACTIONS,
  operatorActionUpdate,
  orderWorkflowId,
  type OrderState,
  type RecordedStatus,
} from '../workflows/contract';
import { ApiError, orderNotFound } from './errors';
import type { OrdersDeps } from './order-queries';
import { nonBlankText } from './schemas';
import { executionIsFinal, statusFromExecution, viewFromState, withTemporalUi, type OrderView } from './order-view';
import { isWorkflowNotFound } from '../temporal-errors';

/** POST /v1/orders/:id/actions body: what the operator does and why (recorded on the order's timeline). */
export const orderActionBodySchema = z.strictObject({
  action: z.enum(OPERATOR_ACTIONS),
  note: nonBlankText(1000),
});
export type OrderActionBody = z.output<typeof orderActionBodySchema>;

const notParked = (orderId: string, status: RecordedStatus, reason?: string): ApiError =>
  new ApiError(
    409,
    'order_not_parked',
    `order ${orderId} is ${status}, not NEEDS_ATTENTION${reason ? `: ${reason}` : ''}`,
    { orderId, status },
  );

/**
 * Applies an operator action to a parked order through the workflow's `operatorAction` update and answers with the
 * order as the workflow has it right after: 404 for an unknown order, 409 when it is not NEEDS_ATTENTION.
 */
export async function applyOrderAction(
  deps: OrdersDeps,
  orderId: string,
  body: OrderActionBody,
  by: string,
): Promise<OrderView> {
  const handle = deps.client.workflow.getHandle(orderWorkflowId(orderId));
  const description = await handle.describe().catch((err: unknown) => {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  });
  const status = statusFromExecution(description);
  if (executionIsFinal(description) || status !== 'NEEDS_ATTENTION') throw notParked(orderId, status);
  let state: OrderState;
  try {
    state = await handle.executeUpdate(operatorActionUpdate, { args: [{ action: body.action, note: body.note, by }] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError)
      throw notParked(orderId, statusFromExecution(await handle.describe()), err.cause?.message);
    if (isWorkflowNotFound(err)) throw notParked(orderId, statusFromExecution(await handle.describe()));
    throw err;
  }
  deps.logger.info({ orderId, action: body.action, by, status: state.status }, 'operator action applied');
  return withTemporalUi(viewFromState(state), deps.temporalUiUrl, deps.client.options.namespace);
}
