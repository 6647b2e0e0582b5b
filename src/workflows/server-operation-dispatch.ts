import { proxyActivities, sleep, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { ProvisioningActivities } from './activity-contract';
import { compensationOptions } from './activity-options';
import { PROMOTED_PRIORITY_KEY, TIER_PRIORITY_KEY, fairnessKeyOf, providerTaskQueue } from './flow-contract';
import { breakerWait, circuitDetails } from './breaker-wait';
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

  /** Runs one step's panel call on the provider queue (OPERATION_STEP_PLANS has no other queue for them). */
  run<R>(step: { options: ActivityOptions; queue: 'provider' }, call: ProviderCall<R>): Promise<R> {
    return this.dispatch(step.options, TIER_PRIORITY_KEY[this.input.tier], call);
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
        const wait = breakerWait(open, this.input.orderId);
        this.tracker.setStatus('WAITING_FOR_PROVIDER', wait.waiting);
        await sleep(wait.ms);
        this.tracker.setStatus(resume === 'WAITING_FOR_PROVIDER' ? 'RUNNING' : resume, wait.resuming);
      }
    }
  }
}
