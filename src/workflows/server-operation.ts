import { CancellationScope, TemporalFailure, isCancellation, setHandler, workflowInfo } from '@temporalio/workflow';
import { Compensations } from './compensations';
import { summarizeFailure } from './failures';
import {
  cancelOperationSignal,
  operationStateQuery,
  type OperationState,
  type ServerOperationInput,
} from './server-operation-contract';
import { OperationDispatch } from './server-operation-dispatch';
import { OperationTracker } from './server-operation-state';
import { OPERATION_RUNNERS, type OperationContext } from './server-operation-steps';

/**
 * One lifecycle operation (suspend, unsuspend, reinstall, resize, delete) on the server of one order, under the
 * per-server workflow id `serverOperationWorkflowId(orderId)`. Panel calls go through the provider task queue. A
 * permanent failure runs the operation's compensations (resize restores the previous build) and ends FAILED; the
 * workflow still completes with its OperationState. `cancelOperationSignal` (or a cancellation of the workflow) stops
 * it the same way, ending CANCELLED. Only bugs fail the workflow task.
 */
export async function serverOperation(input: ServerOperationInput): Promise<OperationState> {
  const tracker = new OperationTracker(input, workflowInfo().runId);
  setHandler(operationStateQuery, () => tracker.state);
  const compensations = new Compensations();
  const ctx: OperationContext = { input, tracker, dispatch: new OperationDispatch(input, tracker), compensations };
  const operation = new CancellationScope();
  let cancelReason: string | null = null;
  setHandler(cancelOperationSignal, ({ reason, by }) => {
    if (tracker.status === 'ROLLING_BACK' || operation.consideredCancelled)
      return tracker.note('cancellation requested again; ignored');
    cancelReason = reason ?? 'cancelled by an operator';
    tracker.note(`cancellation requested${by ? ` by ${by}` : ''}: ${cancelReason}`);
    operation.cancel();
  });
  try {
    await operation.run(() => OPERATION_RUNNERS[input.operation](ctx));
    tracker.setStatus('COMPLETED', `${input.operation} done`);
    return tracker.state;
  } catch (err) {
    if (!(err instanceof TemporalFailure)) throw err;
    const cancelled = isCancellation(err);
    const failure = cancelled
      ? { type: 'Cancelled', message: cancelReason ?? 'workflow cancellation requested' }
      : summarizeFailure(err);
    tracker.recordError({ step: tracker.state.step, ...failure });
    if (compensations.size > 0) {
      tracker.setStatus('ROLLING_BACK', `rolling back after ${failure.type}`);
      await CancellationScope.nonCancellable(() =>
        compensations.runAll(
          tracker.rollbackReport(
            (_name, f) => ({ step: tracker.state.step, ...f }),
            'operation rollback failed; the server may need an operator',
            { orderId: input.orderId },
          ),
        ),
      );
    }
    tracker.setStatus(
      cancelled ? 'CANCELLED' : 'FAILED',
      `${input.operation} ${cancelled ? 'cancelled' : 'failed'}: ${failure.message}`,
    );
    return tracker.state;
  }
}
