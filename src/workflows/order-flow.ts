import {
  TimeoutFailure,
  patched,
  proxyActivities,
  proxySinks,
  sleep,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { ProvisioningActivities } from './activity-contract';
import { compensationOptions } from './activity-options';
import type { Order, OrderStatus } from './contract';
import { PROMOTED_PRIORITY_KEY, planningTaskQueue, providerTaskQueue, type TierPolicy } from './flow-contract';
import { breakerWait, circuitDetails, type CircuitOpenDetails } from './breaker-wait';
import { rootCause } from './failures';
import type { OrderMetricsSinks } from './metrics-interceptors';
import type { OrderTracker } from './order-state';

/**
 * Patch id: a step whose dispatch deadline has already passed when it is scheduled (the worker ran the order late) is
 * promoted before scheduling. Before it, such a step was scheduled with a 1 ms schedule-to-start timeout, which the
 * real server does not fire when a poller takes the task at once.
 */
export const LATE_DISPATCH_PATCH = 'promote-late-dispatch';

const { orderMetrics } = proxySinks<OrderMetricsSinks>();

/** Runs the step's activity; `again` is true when an earlier run of this step may have reached the panel. */
type ProviderCall<R> = (activities: ProvisioningActivities, again: boolean) => Promise<R>;

/** `provider`: steps that call the panel; `planning`: steps that usually do not (PLANNING_ACTIVITIES). */
export type StepQueue = 'provider' | 'planning';

function isScheduleToStartTimeout(err: unknown): boolean {
  const root = rootCause(err);
  return root instanceof TimeoutFailure && root.timeoutType === 'SCHEDULE_TO_START';
}

/**
 * How an order's provider steps are dispatched: on the provider task queue with the order's priority and
 * fairness key, waiting at most the tier's `maxQueueWaitMs` for dispatch before being re-scheduled promoted
 * (priority key 1, for this and every later step), and waiting in WAITING_FOR_PROVIDER while a breaker is open.
 */
export class OrderFlow {
  /** Called when a step's activity failed for good; resolves to retry the step, rejects (or false) to fail it. */
  onStepFailed?: (err: unknown) => Promise<boolean>;

  constructor(
    private readonly order: Order,
    private readonly tracker: OrderTracker,
    readonly policy: TierPolicy,
  ) {}

  get promoted(): boolean {
    return this.tracker.state.priority.promoted;
  }

  /** When the step scheduled now would be promoted (null once promoted). */
  promotionAt(): number | null {
    return this.promoted ? null : this.dispatchDeadline();
  }

  /**
   * The tier's maximum wait counts from when the order began waiting for dispatch (for its first step: from its
   * acceptance, the workflow's start), so the worker's own delay before scheduling the step counts too; for later
   * steps, from now.
   */
  private dispatchDeadline(): number {
    const { waitingReason, waitingSince, enqueuedAt } = this.tracker.state;
    let since = waitingReason === 'dispatch' && waitingSince ? Date.parse(waitingSince) : Date.now();
    if (waitingReason === 'dispatch' && waitingSince === enqueuedAt)
      since = Math.min(since, workflowInfo().startTime.getTime());
    return since + this.policy.maxQueueWaitMs;
  }

  /** Runs one provider step (`call` picks the activity) until it completes or fails for a reason other than waiting. */
  async run<R>(
    step: { options: ActivityOptions; queue: StepQueue },
    call: ProviderCall<R>,
    resumeStatus: () => OrderStatus,
  ): Promise<R> {
    const { options: base, queue } = step;
    const taskQueue = (queue === 'planning' ? planningTaskQueue : providerTaskQueue)(workflowInfo().taskQueue);
    for (let again = false; ; again = true) {
      if (!this.promoted && this.dispatchDeadline() <= Date.now() && patched(LATE_DISPATCH_PATCH)) this.promote();
      const { priorityKey, fairnessKey } = this.tracker.state.priority;
      const activities = proxyActivities<ProvisioningActivities>({
        ...base,
        taskQueue,
        priority: { priorityKey, fairnessKey },
        ...(this.promoted ? {} : { scheduleToStartTimeout: Math.max(1, this.dispatchDeadline() - Date.now()) }),
      });
      try {
        return await call(activities, again);
      } catch (err) {
        if (!this.promoted && isScheduleToStartTimeout(err)) {
          this.promote();
          continue;
        }
        const open = circuitDetails(err);
        if (open) await this.waitForProvider(open, resumeStatus());
        else if (!(await this.onStepFailed?.(err))) throw err;
      }
    }
  }

  private promote(): void {
    this.tracker.promote(
      PROMOTED_PRIORITY_KEY,
      `waited more than ${this.policy.maxQueueWaitMs / 1000} s for dispatch: promoted to priority ${PROMOTED_PRIORITY_KEY}`,
    );
    orderMetrics.promoted(this.order.tier);
  }

  /** A rollback on the provider queue, ahead of forward steps (priority 1); never held by a breaker. */
  compensate<R>(call: ProviderCall<R>): Promise<R> {
    return call(
      proxyActivities<ProvisioningActivities>({
        ...compensationOptions,
        taskQueue: providerTaskQueue(workflowInfo().taskQueue),
        priority: { priorityKey: PROMOTED_PRIORITY_KEY, fairnessKey: this.tracker.state.priority.fairnessKey },
      }),
      false,
    );
  }

  /** WAITING_FOR_PROVIDER until the breaker's next probe (plus a per-order spread), then back to `status`. */
  async waitForProvider(open: CircuitOpenDetails, status: OrderStatus): Promise<void> {
    const wait = breakerWait(open, this.order.orderId);
    this.tracker.wait('provider', 'WAITING_FOR_PROVIDER', wait.waiting, null);
    await sleep(wait.ms);
    if (status === 'QUEUED')
      this.tracker.wait('dispatch', 'QUEUED', `${wait.what} may be back; waiting for its turn`, this.promotionAt());
    else this.tracker.endWait(status, wait.resuming);
  }
}
