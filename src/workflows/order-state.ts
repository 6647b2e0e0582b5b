import { upsertSearchAttributes } from '@temporalio/workflow';
import {
  OrderStatusAttribute,
  TERMINAL_STATUSES,
  TierAttribute,
  UserIdAttribute,
  type Order,
  type OrderError,
  type OrderState,
  type OrderStatus,
  type ProvisionedServer,
  type Step,
} from './contract';

const STEP_STATUS: Record<Step, OrderStatus> = {
  allocate: 'ALLOCATING',
  create: 'CREATING',
  install: 'INSTALLING',
  configure: 'CONFIGURING',
  verify: 'VERIFYING',
};

const workflowNow = (): string => new Date().toISOString();

/** Keeps an order's state: every status change lands on the timeline and in the search attributes. */
export class OrderTracker {
  readonly state: OrderState;

  constructor(order: Order) {
    const at = workflowNow();
    this.state = {
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
    };
    this.setStatus('QUEUED', 'order received');
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  /** True once the order is rolling back or finished: a cancellation then has nothing left to stop. */
  get settling(): boolean {
    return this.state.status === 'COMPENSATING' || TERMINAL_STATUSES.includes(this.state.status);
  }

  enterStep(step: Step, detail: string): void {
    this.state.step = step;
    this.setStatus(STEP_STATUS[step], detail);
  }

  note(detail: string): void {
    this.stamp(this.state.status, detail);
  }

  recordServer(server: ProvisionedServer): void {
    this.state.server = server;
  }

  recordError(error: OrderError): void {
    this.state.error = error;
  }

  recordCompensationError(error: OrderError): void {
    this.state.compensationErrors.push(error);
  }

  setStatus(status: OrderStatus, detail: string): void {
    const changed = status !== this.state.status || this.state.timeline.length === 0;
    this.state.status = status;
    if (status === 'ACTIVE') this.state.step = null;
    this.stamp(status, detail);
    if (changed) {
      upsertSearchAttributes([
        { key: OrderStatusAttribute, value: status },
        { key: UserIdAttribute, value: this.state.userId },
        { key: TierAttribute, value: this.state.tier },
      ]);
    }
  }

  private stamp(status: OrderStatus, detail: string): void {
    const at = workflowNow();
    this.state.timeline.push({ at, status, detail });
    this.state.updatedAt = at;
  }
}
