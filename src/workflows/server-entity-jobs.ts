import { sleep } from '@temporalio/workflow';
import type { BuildLimits } from './activity-payloads';
import type { ServerEventType } from '../callbacks/contract';
import { deliverEvent } from './callbacks';
import {
  OPERATOR_REFUSALS,
  type BillingAction,
  type ServerEntityInput,
  type ServerEntityState,
  type ServerOperationRecord,
  type ServerStatus,
} from './server-entity-contract';
import { runOperationChild, serverEvent } from './server-entity-effects';
import { RECONCILIATION_REQUESTER } from './reconcile-contract';
import { Timeline } from './state-tracker';
import type { ServerOperationName } from './server-operation-contract';

export interface EntityJob {
  operation: ServerOperationName;
  requestedBy: string;
  build?: BuildLimits;
}

type Outcome = Pick<ServerOperationRecord, 'status' | 'error'>;

const STATUS_AFTER: Partial<Record<ServerOperationName, ServerStatus>> = {
  suspend: 'SUSPENDED',
  unsuspend: 'ACTIVE',
  delete: 'DELETED',
};
const EVENT_OF: Record<ServerOperationName, ServerEventType> = {
  suspend: 'server.suspended',
  unsuspend: 'server.unsuspended',
  reinstall: 'server.reinstalled',
  resize: 'server.resized',
  delete: 'server.deleted',
};

/** Operations the entity keeps on record (newest last). */
const OPERATIONS_KEPT = 50;
const TIMELINE_KEPT = 200;
/** How long to wait while another operation (started through the API) holds the server's operation id. */
const BUSY_RETRY_MS = 30_000;

/**
 * The queue of changes to one server (operators' and the billing clock's), run one at a time as `serverOperation`
 * children under the server's operation id, so they also wait for an operation the API started directly. Keeps the
 * entity's status, timeline and operation records, and tells the order's callbackUrl what happened.
 */
export class EntityJobs {
  private readonly queue: Array<{ job: EntityJob; record: ServerOperationRecord }> = [];
  private current: ServerOperationRecord | undefined;
  private readonly timeline: Timeline<ServerStatus, ServerEntityState>;
  onStatus: (status: ServerStatus) => void = () => undefined;

  constructor(
    private readonly input: ServerEntityInput,
    private readonly state: ServerEntityState,
  ) {
    this.timeline = new Timeline(state, TIMELINE_KEPT);
  }

  get size(): number {
    return this.queue.length;
  }

  /** An operation runs or waits its turn. */
  get busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  /** The operation running or first in line. */
  get holder(): ServerOperationRecord | undefined {
    return this.current ?? this.queue[0]?.record;
  }

  get deleting(): boolean {
    return this.queue.some(({ job }) => job.operation === 'delete');
  }

  /** Queues `job`; its record (in `state.operations`) gets its operation id once its child starts. */
  add(job: EntityJob): ServerOperationRecord {
    const record = this.record(job);
    this.queue.push({ job, record });
    this.note(`${job.operation} requested by ${job.requestedBy}`);
    return record;
  }

  note(detail: string, status: ServerStatus = this.state.status): void {
    if (status !== this.state.status) {
      this.state.status = status;
      this.onStatus(status);
    }
    this.timeline.stamp(status, detail);
  }

  async runNext(): Promise<void> {
    const next = this.queue.shift();
    if (next) await this.run(next.job, next.record);
  }

  /** One step of the billing clock; false when it could not be done (the clock then waits and tries again). */
  async billingStep(action: BillingAction): Promise<boolean> {
    const { billing, suspendedBy } = this.state;
    if (action === 'suspension_warning' || action === 'deletion_warning') {
      if (action === 'suspension_warning') billing.warned.suspension = true;
      else billing.warned.deletion = true;
      this.note(`billing: ${action.replace('_', ' ')} sent`);
      await this.tell(`server.${action}` as const);
      return true;
    }
    const job: EntityJob = { operation: action, requestedBy: 'billing' };
    if (action === 'suspend') suspendedBy.billing = true;
    const outcome = await this.run(job, this.record(job));
    if (action === 'suspend' && outcome.status !== 'COMPLETED') suspendedBy.billing = false;
    return outcome.status === 'COMPLETED';
  }

  private record(job: EntityJob): ServerOperationRecord {
    const at = new Date().toISOString();
    const record: ServerOperationRecord = {
      operationId: null,
      operation: job.operation,
      requestedBy: job.requestedBy,
      status: 'PENDING',
      error: null,
      at,
    };
    this.state.operations.push(record);
    this.state.operations.splice(0, Math.max(0, this.state.operations.length - OPERATIONS_KEPT));
    return record;
  }

  private async run(job: EntityJob, record: ServerOperationRecord): Promise<Outcome> {
    this.current = record;
    try {
      const outcome = await this.perform(job, record);
      return Object.assign(record, outcome);
    } finally {
      this.current = undefined;
    }
  }

  private async perform(job: EntityJob, record: ServerOperationRecord): Promise<Outcome> {
    const { status, suspendedBy } = this.state;
    const byBilling = job.requestedBy === 'billing';
    if (byBilling && job.operation === 'unsuspend' && (suspendedBy.operator || status === 'ACTIVE')) {
      this.note(suspendedBy.operator ? 'stays suspended: suspended by an operator too' : 'already active');
      return { status: 'COMPLETED', error: null };
    }
    if (byBilling && job.operation === 'suspend' && status === 'SUSPENDED') {
      this.note('already suspended; now also for billing');
      return { status: 'COMPLETED', error: null };
    }
    const before = this.state.status;
    if (job.operation === 'delete') this.note(`deleting (${job.requestedBy})`, 'DELETING');
    const result = await this.operate(job, record);
    if (result.status !== 'COMPLETED') {
      this.note(`${job.operation} ${result.status.toLowerCase()}: ${result.error?.message ?? 'no detail'}`, before);
      return { status: result.status, error: result.error };
    }
    if (job.operation === 'resize' && job.build) this.state.limits = job.build;
    const byOperator = !byBilling && job.requestedBy !== RECONCILIATION_REQUESTER;
    if (byOperator && job.operation === 'suspend') suspendedBy.operator = true;
    if (byOperator && job.operation === 'unsuspend') suspendedBy.operator = false;
    this.note(`${job.operation} done (${job.requestedBy})`, STATUS_AFTER[job.operation] ?? before);
    if (job.requestedBy !== RECONCILIATION_REQUESTER) await this.tell(EVENT_OF[job.operation]);
    return { status: result.status, error: null };
  }

  private async operate(job: EntityJob, record: ServerOperationRecord): Promise<Outcome> {
    for (;;) {
      const started = await runOperationChild(this.state, job, (operationId) => (record.operationId = operationId));
      if (started !== 'busy') return started;
      if (job.requestedBy !== 'billing') {
        const message = 'another operation on the server is running; try again when it has finished';
        return { status: 'FAILED', error: { step: null, type: OPERATOR_REFUSALS.busy, message } };
      }
      this.note('another operation on the server is running; waiting for it');
      await sleep(BUSY_RETRY_MS);
    }
  }

  /** Tells the order's callbackUrl what happened to the server (when the order gave one). */
  announce(type: ServerEventType): Promise<void> {
    return this.tell(type);
  }

  private async tell(type: ServerEventType): Promise<void> {
    const url = this.input.callbackUrl;
    if (!url) return;
    this.state.eventsSent += 1;
    const delivered = await deliverEvent(url, serverEvent(this.state, type));
    if (!delivered.delivered) this.note(`event ${type} could not be delivered: ${delivered.error?.message ?? ''}`);
  }
}
