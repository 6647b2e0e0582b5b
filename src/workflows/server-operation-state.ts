import { StateTracker, workflowNow } from './state-tracker';
import type {
  OperationError,
  OperationState,
  OperationStatus,
  OperationStep,
  ServerOperationInput,
} from './server-operation-contract';

/** Keeps one operation's state; every status change and note lands on its timeline. */
export class OperationTracker extends StateTracker<OperationStatus, OperationError, OperationState> {
  constructor(input: ServerOperationInput, operationId: string) {
    const at = workflowNow();
    super({
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
    });
    this.setStatus('RUNNING', `${input.operation} requested${input.requestedBy ? ` by ${input.requestedBy}` : ''}`);
  }

  enterStep(step: OperationStep, detail: string): void {
    this.state.step = step;
    this.setStatus(this.state.status === 'ROLLING_BACK' ? 'ROLLING_BACK' : 'RUNNING', detail);
  }

  recordChange(changed: boolean): void {
    this.state.changed = (this.state.changed ?? false) || changed;
  }

  setStatus(status: OperationStatus, detail: string): void {
    this.state.status = status;
    if (status === 'COMPLETED') this.state.step = null;
    this.stamp(status, detail);
  }
}
