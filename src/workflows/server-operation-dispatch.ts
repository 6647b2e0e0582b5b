import { proxyActivities, sleep, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ProvisioningActivities } from './activity-contract';
import { compensationOptions } from './activity-options';
import { PROMOTED_PRIORITY_KEY, TIER_PRIORITY_KEY, fairnessKeyOf, providerTaskQueue } from './flow-contract';
import { circuitDetails, jitterMs } from './order-flow';
import type { ServerOperationInput } from './server-operation-contract';
import type { OperationTracker } from './server-operation-state';

type ProviderCall<R> = (activities: ProvisioningActivities) => Promise<R>;

/**
 * How an operation's panel calls are dispatched: on the provider task queue (so the shared provider budget paces
 * them) with the order's tier priority and user fairness key; a call refused by an open circuit breaker waits in
 * WAITING_FOR_PROVIDER until the breaker's next probe and is made again. Rollbacks go first (priority 1).
 */
export class OperationDispatch {
  constructor(
    private readonly input: ServerOperationInput,
    private readonly tracker: OperationTracker,
  ) {}

  run<R>(options: ActivityOptions, call: ProviderCall<R>): Promise<R> {
    return this.dispatch(options, TIER_PRIORITY_KEY[this.input.tier], call);
  }

  compensate<R>(call: ProviderCall<R>): Promise<R> {
    return this.dispatch(compensationOptions, PROMOTED_PRIORITY_KEY, call);
  }

  private async dispatch<R>(options: ActivityOptions, priorityKey: number, call: ProviderCall<R>): Promise<R> {
    const activities = proxyActivities<ProvisioningActivities>({
      ...options,
      taskQueue: providerTaskQueue(workflowInfo().taskQueue),
      priority: { priorityKey, fairnessKey: fairnessKeyOf(this.input.userId) },
    });
    for (;;) {
      try {
        return await call(activities);
      } catch (err) {
        const open = circuitDetails(err);
        if (!open) throw err;
        const resume = this.tracker.status;
        const what = open.scope === 'panel' ? 'the panel' : `node ${open.nodeId}`;
        const waitMs = Math.max(1000, open.retryAfterMs) + jitterMs(this.input.orderId);
        this.tracker.setStatus(
          'WAITING_FOR_PROVIDER',
          `${what} is failing (circuit breaker open); retrying in ${Math.round(waitMs / 1000)} s`,
        );
        await sleep(waitMs);
        this.tracker.setStatus(
          resume === 'WAITING_FOR_PROVIDER' ? 'RUNNING' : resume,
          `${what} may be back; trying again`,
        );
      }
    }
  }
}
