import { CancellationScope, TemporalFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { callbackEventId, callbackEventType, callbackTaskQueue, type CallbackEvent } from '../callbacks/contract';
import type { ProvisioningActivities } from './activity-contract';
import { callbackOptions } from './activity-options';
import type { CallbackRecord, Order, OrderState } from './contract';
import { summarizeFailure } from './failures';

function eventOf(state: OrderState, sequence: number): CallbackEvent {
  const { orderId, status, tier, userId, server, error } = state;
  return {
    id: callbackEventId(workflowInfo().workflowId, status, sequence),
    type: callbackEventType(status),
    orderId,
    status,
    occurredAt: state.updatedAt,
    order: { orderId, status, tier, userId, server, error },
  };
}

/**
 * Tells the order's callbackUrl about its current status, through the callback task queue (callbackTaskQueue) (call it right after the status is set, so the query and
 * search attributes show it before delivery starts) and waits until the event is delivered or given up. Does
 * nothing, and adds no command, when the order has no callbackUrl. Not cancellable: the order has already settled.
 * The outcome lands in `state.callbacks`; an event given up is logged as an error.
 */
export async function notifyStatus(order: Order, state: OrderState): Promise<void> {
  const url = order.callbackUrl;
  if (!url) return;
  const event = eventOf(state, state.callbacks.length + 1);
  const record: CallbackRecord = {
    eventId: event.id,
    type: event.type,
    status: event.status,
    delivered: false,
    deliveredAt: null,
    error: null,
  };
  state.callbacks.push(record);
  try {
    const delivery = proxyActivities<Pick<ProvisioningActivities, 'deliverCallback'>>({
      ...callbackOptions,
      taskQueue: callbackTaskQueue(workflowInfo().taskQueue),
    });
    await CancellationScope.nonCancellable(() => delivery.deliverCallback({ url, event }));
    record.delivered = true;
    record.deliveredAt = new Date().toISOString();
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err;
    record.error = summarizeFailure(err);
    log.error('order callback given up', { orderId: state.orderId, eventId: event.id, ...record.error });
  }
}
