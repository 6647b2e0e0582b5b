import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TemporalFailure,
  TimeoutFailure,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { OperatorAlert } from './operator-alert-contract';
import { NON_RETRYABLE_FAILURE_TYPES } from '../errors';
import type { ProvisioningActivities } from './activity-contract';
import { operatorWebhookOptions } from './activity-options';
import { notifyStatus } from './callbacks';
import type { Compensations } from './compensations';
import {
  OPERATOR_ACTIONS,
  operatorActionUpdate,
  type Order,
  type OrderError,
  type OperatorActionRequest,
  type ParkedLedger,
  type ParkedOrder,
  type ParkedReason,
  type Step,
} from './contract';
import { hasFailureType, summarizeFailure } from './failures';
import type { OrderTracker } from './order-state';

/** Patch id guarding parking: histories recorded before it keep ending FAILED instead of parking. */
export const PARKING_PATCH = 'parking';
export const RESOLVED_BY_OPERATOR = 'RESOLVED_BY_OPERATOR';
export const ROLLBACK_BY_OPERATOR = 'ROLLBACK_BY_OPERATOR';

const webhook = proxyActivities<Pick<ProvisioningActivities, 'notifyOperators'>>(operatorWebhookOptions);
const now = (): string => new Date().toISOString();

/** An activity that failed for good on a cause retries could have fixed: retries or time ran out. */
export function isTransientExhaustion(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure)
    return !cause.nonRetryable && !(NON_RETRYABLE_FAILURE_TYPES as readonly string[]).includes(cause.type ?? '');
  return cause instanceof TimeoutFailure && cause.timeoutType !== 'SCHEDULE_TO_START';
}

/**
 * Parks an order in NEEDS_ATTENTION (a step out of retries on a transient cause, or a rollback that cannot finish)
 * until an operator acts through `operatorActionUpdate`: retry-step, rollback or mark-resolved.
 */
export class Parking {
  private sequence = 0;
  private requested = 0;
  private applied = 0;
  private action: OperatorActionRequest | null = null;

  constructor(
    private readonly order: Order,
    private readonly tracker: OrderTracker,
    private readonly compensations: Compensations,
  ) {
    setHandler(
      operatorActionUpdate,
      async (request) => {
        const id = ++this.requested;
        this.action = request;
        tracker.note(`operator action ${request.action}${request.by ? ` by ${request.by}` : ''}: ${request.note}`);
        await condition(() => this.applied >= id);
        return tracker.state;
      },
      {
        validator: (request) => {
          if (tracker.status !== 'NEEDS_ATTENTION' || this.action !== null)
            throw new Error(`order is ${tracker.status}, not NEEDS_ATTENTION`);
          if (!OPERATOR_ACTIONS.includes(request?.action)) throw new Error(`unknown action ${String(request?.action)}`);
          if (typeof request.note !== 'string' || request.note.trim() === '') throw new Error('a note is required');
        },
      },
    );
  }

  /** For a failed step: parks it when retries ran out; true to run the step again, throws to roll back or resolve. */
  async onStepFailed(err: unknown): Promise<boolean> {
    if (!isTransientExhaustion(err) || !patched(PARKING_PATCH)) return false;
    const step = this.tracker.state.step ?? 'allocate';
    const error: OrderError = { step, ...summarizeFailure(err) };
    this.tracker.recordError(error);
    const request = await this.park('STEP_RETRIES_EXHAUSTED', step, [error]);
    if (request.action !== 'retry-step') {
      throw ApplicationFailure.nonRetryable(
        request.note,
        request.action === 'rollback' ? ROLLBACK_BY_OPERATOR : RESOLVED_BY_OPERATOR,
      );
    }
    this.tracker.state.error = null;
    this.tracker.enterStep(step, `operator retry: running ${step} again`);
    this.applied = this.requested;
    return true;
  }

  /** Runs `call` (a step outside OrderFlow), parking on retries run out as OrderFlow does. */
  async retrying<R>(call: () => Promise<R>): Promise<R> {
    for (;;) {
      try {
        return await call();
      } catch (err) {
        if (!(await this.onStepFailed(err))) throw err;
      }
    }
  }

  /** Rolls back after `outcome` (parking while a compensation cannot finish) and sets the final status. */
  async settle(outcome: TemporalFailure, cancelReason: string | null): Promise<void> {
    const { tracker, compensations } = this;
    const cancelled = isCancellation(outcome);
    const failure = summarizeFailure(outcome);
    const step = tracker.state.step ?? 'allocate';
    tracker.recordError(
      cancelled
        ? { step: 'cancel', type: 'Cancelled', message: cancelReason ?? 'workflow cancellation requested' }
        : { step, ...failure },
    );
    if (hasFailureType(outcome, RESOLVED_BY_OPERATOR)) return this.resolve();
    if (compensations.size > 0) {
      tracker.setStatus(
        'COMPENSATING',
        cancelled ? 'rolling back the cancelled order' : `rolling back after ${failure.type}`,
      );
      this.applied = this.requested;
      for (;;) {
        await CancellationScope.nonCancellable(() => this.compensate());
        const failed = tracker.state.compensationErrors;
        if (failed.length === 0 || !patched(PARKING_PATCH)) break;
        const request = await CancellationScope.nonCancellable(() =>
          this.park('COMPENSATION_FAILED', 'compensate', [...failed]),
        );
        if (request.action === 'mark-resolved') return this.resolve();
        tracker.state.compensationErrors = [];
        tracker.setStatus(
          'COMPENSATING',
          `operator ${request.action}: running ${compensations.names.join(' and ')} again`,
        );
        this.applied = this.requested;
      }
    }
    const leftovers = tracker.state.compensationErrors.length;
    const detail = leftovers > 0 ? `${leftovers} compensation(s) could not finish` : 'nothing left on the panel';
    tracker.setStatus(cancelled ? 'CANCELLED' : 'FAILED', detail);
    this.applied = this.requested;
    if (this.sequence > 0) await condition(allHandlersFinished);
  }

  private compensate(): Promise<void> {
    return this.compensations.runAll(
      this.tracker.rollbackReport(
        (compensation, f) => ({ step: 'compensate', compensation, ...f }),
        'compensation failed; panel resources may be left behind',
        { orderId: this.order.orderId },
      ),
    );
  }

  private async resolve(): Promise<void> {
    const note = this.tracker.state.parked?.resolution?.note ?? 'resolved by an operator';
    this.tracker.recordError({
      step: this.tracker.state.error?.step ?? 'compensate',
      type: RESOLVED_BY_OPERATOR,
      message: note,
    });
    this.tracker.setStatus('FAILED', 'resolved by an operator; the panel was left as it is');
    this.applied = this.requested;
    await condition(allHandlersFinished);
  }

  private async park(
    reason: ParkedReason,
    step: Step | 'compensate',
    errors: OrderError[],
  ): Promise<OperatorActionRequest> {
    const sequence = ++this.sequence;
    const eventId = `${workflowInfo().workflowId}:parked:${sequence}`;
    const failed = errors.flatMap((e) => (e.compensation ? [e.compensation] : []));
    const parked: ParkedOrder = {
      sequence,
      reason,
      step,
      since: now(),
      errors,
      ledger: this.ledger(failed),
      resolution: null,
      webhook: { eventId, sent: null, error: null },
    };
    this.tracker.state.parked = parked;
    const last = errors.at(-1);
    this.tracker.setStatus(
      'NEEDS_ATTENTION',
      `${reason} at ${step}${last ? ` (${last.type})` : ''}: waiting for an operator`,
    );
    log.warn('order parked; an operator must act', { orderId: this.order.orderId, reason, step, sequence });
    void CancellationScope.nonCancellable(() =>
      Promise.all([this.announce(parked), notifyStatus(this.order, this.tracker.state)]),
    );
    await condition(() => this.action !== null);
    const request = this.action as unknown as OperatorActionRequest;
    this.action = null;
    parked.resolution = { ...request, at: now() };
    return request;
  }

  private ledger(failed: string[]): ParkedLedger {
    const { server } = this.tracker.state;
    const slot = this.tracker.slot;
    const pending = this.compensations.names;
    return {
      serverId: server?.id ?? null,
      serverUuid: server?.uuid ?? null,
      nodeId: server?.node ?? slot?.nodeId ?? null,
      allocation: server
        ? { id: server.allocation.id ?? null, ip: server.allocation.ip, port: server.allocation.port }
        : slot
          ? { id: slot.allocationId, ip: slot.ip, port: slot.port }
          : null,
      reservationHeld: slot !== null && server === null && pending.includes('releaseAllocation'),
      pendingCompensations: pending,
      failedCompensations: failed,
    };
  }

  private async announce(parked: ParkedOrder): Promise<void> {
    const { orderId } = this.order;
    const alert: OperatorAlert = {
      eventId: parked.webhook.eventId,
      type: 'order.needs_attention',
      orderId,
      workflowId: workflowInfo().workflowId,
      reason: parked.reason,
      step: parked.step,
      parkedAt: parked.since,
      errors: parked.errors,
      ledger: parked.ledger,
      actions: `/v1/orders/${encodeURIComponent(orderId)}/actions`,
    };
    try {
      parked.webhook.sent = (await webhook.notifyOperators(alert)).sent;
    } catch (err) {
      if (!(err instanceof TemporalFailure)) throw err;
      parked.webhook = { ...parked.webhook, sent: false, error: summarizeFailure(err).message };
      log.error('operator webhook given up', { orderId, eventId: parked.webhook.eventId });
    }
  }
}
