import { executeChild, ParentClosePolicy, sleep, workflowInfo, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { ServerCallbackEvent } from '../callbacks/contract';
import { deliverEvent } from './callbacks';
import type { BillingAction, ServerEntityInput, ServerEntityState, ServerStatus } from './server-entity-contract';
import { serverOperation } from './server-operation';
import { serverOperationWorkflowId, type OperationState, type ServerOperationInput } from './server-operation-contract';

export interface EntityJob {
  operation: 'suspend' | 'unsuspend' | 'delete';
  requestedBy: string;
}

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
  private readonly queue: EntityJob[] = [];
  onStatus: (status: ServerStatus) => void = () => undefined;

  constructor(
    private readonly input: ServerEntityInput,
    private readonly state: ServerEntityState,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  get deleting(): boolean {
    return this.queue.some((job) => job.operation === 'delete');
  }

  add(job: EntityJob): void {
    this.queue.push(job);
    const at = new Date().toISOString();
    this.state.operations.push({ ...job, status: 'PENDING', error: null, at });
    this.state.operations.splice(0, Math.max(0, this.state.operations.length - OPERATIONS_KEPT));
    this.note(`${job.operation} requested by ${job.requestedBy}`);
  }

  note(detail: string, status: ServerStatus = this.state.status): void {
    const at = new Date().toISOString();
    if (status !== this.state.status) {
      this.state.status = status;
      this.onStatus(status);
    }
    this.state.timeline.push({ at, status, detail });
    this.state.timeline.splice(0, Math.max(0, this.state.timeline.length - TIMELINE_KEPT));
    this.state.updatedAt = at;
  }

  async runNext(): Promise<void> {
    const job = this.queue.shift();
    if (!job) return;
    const record = this.state.operations.find((r) => r.status === 'PENDING' && r.operation === job.operation);
    const outcome = await this.perform(job);
    if (record) Object.assign(record, outcome);
  }

  /** One step of the billing clock; false when it could not be done (the clock then waits and tries again). */
  async billingStep(action: BillingAction): Promise<boolean> {
    const { billing, suspendedBy } = this.state;
    if (action === 'suspension_warning' || action === 'deletion_warning') {
      if (action === 'suspension_warning') billing.warned.suspension = true;
      else billing.warned.deletion = true;
      this.note(`billing: ${action.replace('_', ' ')} sent`);
      await this.tell(`server.${action}`);
      return true;
    }
    if (action === 'suspend') {
      suspendedBy.billing = true;
      const outcome = await this.perform({ operation: 'suspend', requestedBy: 'billing' });
      if (outcome.status !== 'COMPLETED') suspendedBy.billing = false;
      return outcome.status === 'COMPLETED';
    }
    const outcome = await this.perform({ operation: 'delete', requestedBy: 'billing' });
    return outcome.status === 'COMPLETED';
  }

  private async perform(job: EntityJob): Promise<{ status: OperationState['status']; error: OperationState['error'] }> {
    const { status, suspendedBy } = this.state;
    const still = suspendedBy.billing ? 'billing' : suspendedBy.operator ? 'an operator' : null;
    if (job.operation === 'unsuspend' && (still || status === 'ACTIVE')) {
      this.note(still ? `stays suspended: suspended by ${still} too` : 'already active');
      return { status: 'COMPLETED', error: null };
    }
    if (job.operation === 'suspend' && status === 'SUSPENDED') {
      this.note(`already suspended; now also by ${job.requestedBy === 'billing' ? 'billing' : 'an operator'}`);
      return { status: 'COMPLETED', error: null };
    }
    const before = this.state.status;
    if (job.operation === 'delete') this.note(`deleting (${job.requestedBy})`, 'DELETING');
    const result = await this.operate(job);
    if (result.status !== 'COMPLETED') {
      this.note(`${job.operation} ${result.status.toLowerCase()}: ${result.error?.message ?? 'no detail'}`, before);
      return { status: result.status, error: result.error };
    }
    const after: Record<EntityJob['operation'], ServerStatus> = {
      suspend: 'SUSPENDED',
      unsuspend: 'ACTIVE',
      delete: 'DELETED',
    };
    this.note(`${job.operation} done (${job.requestedBy})`, after[job.operation]);
    await this.tell(`server.${job.operation === 'delete' ? 'deleted' : `${job.operation}ed`}`);
    return { status: result.status, error: null };
  }

  private async operate(job: EntityJob): Promise<OperationState> {
    const { orderId, externalId, userId, tier, server } = this.state;
    const args: [ServerOperationInput] = [
      {
        orderId,
        externalId,
        serverId: server.id,
        operation: job.operation,
        tier,
        userId,
        requestedBy: job.requestedBy,
      },
    ];
    for (;;) {
      try {
        return await executeChild(serverOperation, {
          workflowId: serverOperationWorkflowId(orderId),
          args,
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        });
      } catch (err) {
        if ((err as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        this.note('another operation on the server is running; waiting for it');
        await sleep(BUSY_RETRY_MS);
      }
    }
  }

  private async tell(type: string): Promise<void> {
    const url = this.input.callbackUrl;
    if (!url) return;
    this.state.eventsSent += 1;
    const { orderId, server, status, billing } = this.state;
    const event: ServerCallbackEvent = {
      id: `${workflowInfo().workflowId}:${type}:${this.state.eventsSent}`,
      type,
      orderId,
      occurredAt: this.state.updatedAt,
      server: {
        orderId,
        serverId: server.id,
        status,
        billing: { state: billing.state, suspendAt: billing.suspendAt, deleteAt: billing.deleteAt },
      },
    };
    const delivered = await deliverEvent(url, event);
    if (!delivered.delivered) this.note(`event ${type} could not be delivered: ${delivered.error?.message ?? ''}`);
  }
}
