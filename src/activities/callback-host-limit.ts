import { ApplicationFailure } from '@temporalio/common';
import { CallbackFailureType, type DeliverCallbackInput, type DeliverCallbackResult } from '../callbacks/contract';
import type { HostSlots } from '../callbacks/host-slots';

/** How soon a delivery that found its receiver's host busy is tried again. */
export const HOST_BUSY_RETRY_MS = 2000;

const hostOf = (url: string): string => {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
};

/**
 * `deliver`, at most `slots.perHost` at once per receiver host in this process: a delivery beyond that fails at once
 * (CallbackHostBusy, retried after HOST_BUSY_RETRY_MS), handing its activity slot back instead of waiting in it.
 */
export function limitedPerHost(
  slots: HostSlots,
  deliver: (input: DeliverCallbackInput) => Promise<DeliverCallbackResult>,
): (input: DeliverCallbackInput) => Promise<DeliverCallbackResult> {
  return async (input) => {
    const release = slots.take(hostOf(input.url));
    if (!release) {
      throw ApplicationFailure.create({
        type: CallbackFailureType.HostBusy,
        message: `the receiver already has ${slots.perHost} callbacks in flight; retrying shortly`,
        nextRetryDelay: HOST_BUSY_RETRY_MS,
      });
    }
    try {
      return await deliver(input);
    } finally {
      release();
    }
  };
}
