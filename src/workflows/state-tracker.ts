import { log } from '@temporalio/workflow';
import type { CompensationReport } from './compensations';
import type { FailureSummary } from './failures';
import type { TimelineState } from './timeline';

/** The part of an order's and an operation's state that both workflows keep the same way. */
export interface TrackedState<S extends string, E> extends TimelineState<S> {
  error: E | null;
  /** Rollbacks that could not finish. */
  compensationErrors: E[];
}

const workflowNow = (): string => new Date().toISOString();

/**
 * The timeline of an order, an operation or a server entity: each status change and note, stamped with workflow
 * time. `kept` bounds it to the newest entries (a server entity lives for months).
 */
export class Timeline<S extends string, T extends TimelineState<S>> {
  constructor(
    readonly state: T,
    private readonly kept = Number.POSITIVE_INFINITY,
  ) {}

  get status(): S {
    return this.state.status;
  }

  note(detail: string): void {
    this.stamp(this.state.status, detail);
  }

  /** Adds an entry for `status` (the caller has set it) and moves `updatedAt`. */
  stamp(status: S, detail: string): void {
    const at = workflowNow();
    this.state.timeline.push({ at, status, detail });
    if (this.state.timeline.length > this.kept) this.state.timeline.splice(0, this.state.timeline.length - this.kept);
    this.state.updatedAt = at;
  }
}

/**
 * The status bookkeeping of provisionServer and serverOperation: the timeline (every status change and note), the
 * error and the rollbacks that failed. Subclasses decide which statuses exist and what else a change records.
 */
export class StateTracker<S extends string, E, T extends TrackedState<S, E>> extends Timeline<S, T> {
  recordError(error: E): void {
    this.state.error = error;
  }

  recordCompensationError(error: E): void {
    this.state.compensationErrors.push(error);
  }

  /**
   * How a rollback reports to this state: each compensation done is noted; each that failed is recorded (as
   * `toError` builds it), noted, and logged as an error with `facts`.
   */
  rollbackReport(
    toError: (name: string, failure: FailureSummary) => E,
    message: string,
    facts: Record<string, unknown>,
  ): CompensationReport {
    return {
      onDone: (name) => this.note(`${name} done`),
      onFailed: (name, failure) => {
        this.recordCompensationError(toError(name, failure));
        this.note(`${name} failed: ${failure.type}`);
        log.error(message, { ...facts, compensation: name, ...failure });
      },
    };
  }
}

export { workflowNow };
