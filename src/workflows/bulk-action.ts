import {
  ActivityFailure,
  CancellationScope,
  CancelledFailure,
  continueAsNew,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { BulkActivities } from './activity-contract';
import {
  BULK_FAILURES_KEPT,
  bulkStateQuery,
  initialBulkState,
  type BulkInput,
  type BulkOutcome,
  type BulkState,
} from './bulk-contract';
import { summarizeFailure } from './failures';

/** One step's options: the listing may page for minutes; one action waits for its operation to finish. */
const listing = proxyActivities<BulkActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 10 },
});
const acting = proxyActivities<BulkActivities>({
  startToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

/** Targets done per run before continuing as new (the history of one target is about six events). */
const TARGETS_PER_RUN = 500;

/**
 * A bulk action (workflow id `bulk-<bulkId>`, on the API worker): lists the filter's targets once, then acts on each,
 * `concurrency` at a time and at most `perSecond` starts a second (server operations then queue for the provider
 * budget like any other), counting done, skipped and failed with each failure's reason. Cancelling the workflow stops
 * it between targets: it ends CANCELLED with its counts. Continues as new every TARGETS_PER_RUN targets.
 */
export async function bulkAction(input: BulkInput): Promise<BulkState> {
  const state = input.carried?.state ?? initialBulkState(input, new Date().toISOString());
  setHandler(bulkStateQuery, () => state);
  const touch = () => (state.updatedAt = new Date().toISOString());
  const record = (orderId: string, outcome: BulkOutcome, reason?: string) => {
    state[outcome === 'done' ? 'done' : outcome === 'skipped' ? 'skipped' : 'failed'] += 1;
    if (outcome === 'failed' && state.failures.length < BULK_FAILURES_KEPT)
      state.failures.push({ orderId, reason: reason ?? 'no reason given' });
    touch();
  };
  try {
    let remaining = input.carried?.remaining;
    if (!remaining) {
      const listed = await listing.bulkTargets({ action: input.action, filter: input.filter });
      remaining = listed.orderIds;
      Object.assign(state, { total: remaining.length, truncated: listed.truncated, status: 'RUNNING' });
      touch();
    }
    const queue = [...remaining];
    const inFlight = new Set<Promise<void>>();
    const gapMs = Math.ceil(1000 / Math.max(input.perSecond, 0.01));
    let started = 0;
    while (queue.length > 0 && started < TARGETS_PER_RUN) {
      while (inFlight.size >= Math.max(1, input.concurrency)) await Promise.race(inFlight);
      const orderId = queue.shift()!;
      started += 1;
      const one: Promise<void> = acting
        .bulkApply({
          action: input.action,
          orderId,
          filter: input.filter,
          requestedBy: input.requestedBy,
          reason: input.reason,
        })
        .then(
          ({ outcome, reason }) => record(orderId, outcome, reason),
          (err: unknown) => {
            if (isCancellation(err)) return;
            record(orderId, 'failed', err instanceof ActivityFailure ? summarizeFailure(err).message : String(err));
          },
        )
        .finally(() => inFlight.delete(one));
      inFlight.add(one);
      if (queue.length > 0) await sleep(gapMs);
    }
    await Promise.all(inFlight);
    if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('bulk action cancelled');
    if (queue.length > 0) await continueAsNew<typeof bulkAction>({ ...input, carried: { state, remaining: queue } });
    state.status = 'COMPLETED';
  } catch (err) {
    if (!isCancellation(err)) throw err;
    state.status = 'CANCELLED';
  }
  state.finishedAt = new Date().toISOString();
  touch();
  return state;
}
