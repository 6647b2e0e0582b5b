import { CancellationScope, TemporalFailure, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  callbackEventId,
  callbackEventType,
  callbackTaskQueue,
  type CallbackEvent,
  type ServerCallbackEvent,
} from '../callbacks/contract';
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
  Object.assign(record, await deliverEvent(url, event));
}

/**
 * Delivers one event through the callback task queue and waits until it is delivered or given up (logged as an
 * error). Not cancellable: what it reports has happened.
 */
export async function deliverEvent(
  url: string,
  event: CallbackEvent | ServerCallbackEvent,
): Promise<Pick<CallbackRecord, 'delivered' | 'deliveredAt' | 'error'>> {
  try {
    const delivery = proxyActivities<Pick<ProvisioningActivities, 'deliverCallback'>>({
      ...callbackOptions,
      taskQueue: callbackTaskQueue(workflowInfo().taskQueue),
    });
    await CancellationScope.nonCancellable(() => delivery.deliverCallback({ url, event }));
    return { delivered: true, deliveredAt: new Date().toISOString(), error: null };
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err;
    const error = summarizeFailure(err);
    log.error('callback given up', { orderId: event.orderId, eventId: event.id, ...error });
    return { delivered: false, deliveredAt: null, error };
  }
}
