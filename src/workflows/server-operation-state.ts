import type {
  OperationError,
  OperationState,
  OperationStatus,
  OperationStep,
  ServerOperationInput,
} from './server-operation-contract';

const workflowNow = (): string => new Date().toISOString();

/** Keeps one operation's state; every status change and note lands on its timeline. */
export class OperationTracker {
  readonly state: OperationState;

  constructor(input: ServerOperationInput, operationId: string) {
    const at = workflowNow();
    this.state = {
      operationId,
      orderId: input.orderId,
      serverId: input.serverId,
      operation: input.operation,
      status: 'RUNNING',
      step: null,
      changed: null,
      build: input.operation === 'resize' && input.build ? { previous: null, requested: input.build } : null,
      rolledBack: false,
      deprovisioned: false,
      deleted: null,
      released: [],
      error: null,
      compensationErrors: [],
      timeline: [],
      startedAt: at,
      updatedAt: at,
    };
    this.setStatus('RUNNING', `${input.operation} requested`);
  }

  get status(): OperationStatus {
    return this.state.status;
  }

  enterStep(step: OperationStep, detail: string): void {
    this.state.step = step;
    this.setStatus(this.state.status === 'ROLLING_BACK' ? 'ROLLING_BACK' : 'RUNNING', detail);
  }

  recordChange(changed: boolean): void {
    this.state.changed = (this.state.changed ?? false) || changed;
  }

  recordError(error: OperationError): void {
    this.state.error = error;
  }

  recordCompensationError(error: OperationError): void {
    this.state.compensationErrors.push(error);
  }

  note(detail: string): void {
    this.stamp(this.state.status, detail);
  }

  setStatus(status: OperationStatus, detail: string): void {
    this.state.status = status;
    if (status === 'COMPLETED') this.state.step = null;
    this.stamp(status, detail);
  }

  private stamp(status: OperationStatus, detail: string): void {
    const at = workflowNow();
    this.state.timeline.push({ at, status, detail });
    this.state.updatedAt = at;
  }
}
