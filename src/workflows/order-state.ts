import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import {
  OrderStatusAttribute,
  TERMINAL_STATUSES,
  recordedStatusOf,
  TierAttribute,
  UserIdAttribute,
  type Order,
  type OrderError,
  type OrderState,
  type OrderStatus,
  type ProvisionedServer,
  type RecordedStatus,
  type Step,
} from './contract';
import type { AllocatedSlot } from './activity-contract';
import { TIER_PRIORITY_KEY, fairnessKeyOf, type WaitingReason } from './flow-contract';
import { StateTracker, workflowNow } from './state-tracker';

const STEP_STATUS: Record<Step, OrderStatus> = {
  allocate: 'ALLOCATING',
  create: 'CREATING',
  install: 'INSTALLING',
  configure: 'CONFIGURING',
  verify: 'VERIFYING',
};

/**
 * Keeps an order's state: every status change lands on the timeline, and in the search attributes either each status
 * (older orders) or, with `phases`, each change of the recorded status (see RecordedStatus).
 */
export class OrderTracker extends StateTracker<OrderStatus, OrderError, OrderState> {
  /** The allocation reserved for the order (placement), for a parked order's ledger. */
  slot: AllocatedSlot | null = null;
  private recorded: RecordedStatus | undefined;

  constructor(
    order: Order,
    private readonly phases = false,
  ) {
    const at = workflowNow();
    super({
      orderId: order.orderId,
      status: 'QUEUED',
      tier: order.tier,
      userId: order.userId,
      step: null,
      server: null,
      error: null,
      compensationErrors: [],
      timeline: [],
      createdAt: at,
      updatedAt: at,
      enqueuedAt: at,
      waitingReason: 'dispatch',
      waitingSince: at,
      waitingUntil: null,
      priority: {
        priorityKey: TIER_PRIORITY_KEY[order.tier],
        fairnessKey: fairnessKeyOf(order.userId),
        promoted: false,
        promotedAt: null,
      },
      callbacks: [],
    });
    if (phases)
      this.recorded = workflowInfo().typedSearchAttributes.get(OrderStatusAttribute) as RecordedStatus | undefined;
    this.setStatus('QUEUED', 'order received');
  }

  /** The order waits (`status` says for what) until `until` at the latest (null: no limit). */
  wait(reason: WaitingReason, status: OrderStatus, detail: string, until: number | null): void {
    if (this.state.waitingReason !== reason) this.state.waitingSince = workflowNow();
    this.state.waitingReason = reason;
    this.state.waitingUntil = until === null ? null : new Date(until).toISOString();
    this.setStatus(status, detail);
  }

  /** The wait is over: back to `status` (the step's own, or QUEUED before the first step ran). */
  endWait(status: OrderStatus, detail: string): void {
    this.clearWait();
    this.setStatus(status, detail);
  }

  promote(priorityKey: number, detail: string): void {
    this.state.priority = { ...this.state.priority, priorityKey, promoted: true, promotedAt: workflowNow() };
    this.note(detail);
  }

  /** True once the order is rolling back or finished: a cancellation then has nothing left to stop. */
  get settling(): boolean {
    return this.state.status === 'COMPENSATING' || TERMINAL_STATUSES.includes(this.state.status);
  }

  enterStep(step: Step, detail: string): void {
    this.state.step = step;
    this.clearWait();
    this.setStatus(STEP_STATUS[step], detail);
  }

  /** The first step: the order stays QUEUED (waiting for dispatch) until its allocation is reserved. */
  enterQueue(step: Step, until: number | null): void {
    this.state.step = step;
    if (this.state.waitingReason !== 'dispatch')
      this.wait('dispatch', 'QUEUED', 'waiting for its turn at the provider', until);
    else this.state.waitingUntil = until === null ? null : new Date(until).toISOString();
  }

  recordServer(server: ProvisionedServer): void {
    this.state.server = server;
  }

  setStatus(status: OrderStatus, detail: string): void {
    const changed = status !== this.state.status || this.state.timeline.length === 0;
    this.state.status = status;
    if (status === 'ACTIVE') this.state.step = null;
    if (TERMINAL_STATUSES.includes(status) || status === 'COMPENSATING') this.clearWait();
    this.stamp(status, detail);
    if (this.phases ? recordedStatusOf(status) !== this.recorded : changed) {
      this.recorded = recordedStatusOf(status);
      upsertSearchAttributes([
        { key: OrderStatusAttribute, value: this.phases ? recordedStatusOf(status) : status },
        { key: UserIdAttribute, value: this.state.userId },
        { key: TierAttribute, value: this.state.tier },
      ]);
    }
  }

  private clearWait(): void {
    this.state.waitingReason = null;
    this.state.waitingSince = null;
    this.state.waitingUntil = null;
  }
}
