import type { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, type CircuitOpenDetails } from '../errors';
import { hasFailureType, rootCause } from './failures';

export type { CircuitOpenDetails };

/** The breaker that refused a call (a `CircuitOpen` failure), or undefined for any other failure. */
export function circuitDetails(err: unknown): CircuitOpenDetails | undefined {
  if (!hasFailureType(err, FailureType.CircuitOpen)) return undefined;
  const root = rootCause(err) as ApplicationFailure;
  return (root.details?.[0] as CircuitOpenDetails | undefined) ?? { scope: 'panel', nodeId: null, retryAfterMs: 5000 };
}

/** A spread of up to a second per order (derived from its id), so waiting orders do not all wake at once. */
export function jitterMs(orderId: string): number {
  let hash = 0;
  for (let i = 0; i < orderId.length; i++) hash = (hash * 31 + orderId.charCodeAt(i)) >>> 0;
  return hash % 1000;
}

/** How an order's or an operation's call refused by an open breaker waits before it is made again. */
export interface BreakerWait {
  /** `the panel` or `node <id>`. */
  what: string;
  /** Until the breaker's next probe (at least a second), plus the order's spread. */
  ms: number;
  /** The timeline's words for the wait and for its end. */
  waiting: string;
  resuming: string;
}

export function breakerWait(open: CircuitOpenDetails, orderId: string): BreakerWait {
  const what = open.scope === 'panel' ? 'the panel' : `node ${open.nodeId}`;
  const ms = Math.max(1000, open.retryAfterMs) + jitterMs(orderId);
  return {
    what,
    ms,
    waiting: `${what} is failing (circuit breaker open); retrying in ${Math.round(ms / 1000)} s`,
    resuming: `${what} may be back; trying again`,
  };
}
