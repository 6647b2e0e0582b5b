import { status } from '@grpc/grpc-js';
import type { Ctx } from './ctx';
import { RpcError } from './errors';
import { encodeMessage, temporal, Plain } from './proto';
import { startWorkflow } from './start';
import { updateWorkflow } from './updates';
import { isOpen } from './wft';

type MultiRequest = Plain<temporal.api.workflowservice.v1.IExecuteMultiOperationRequest>;
type MultiResponse = Plain<temporal.api.workflowservice.v1.IExecuteMultiOperationResponse>;
type OperationStatus = { code: number; message: string; details: { type_url: string; value: Buffer }[] };

const PREFIX = 'type.googleapis.com/';
const ABORTED: OperationStatus = {
  code: status.ABORTED, message: 'Operation was aborted.',
  details: [{ type_url: `${PREFIX}temporal.api.failure.v1.MultiOperationExecutionAborted`, value: Buffer.alloc(0) }],
};
const OK: OperationStatus = { code: status.OK, message: '', details: [] };

function operationStatus(err: unknown): OperationStatus {
  if (!(err instanceof RpcError)) throw err;
  const d = err.detail;
  return { code: err.code, message: err.message, details: d ? [{ type_url: `${PREFIX}${d.typeName}`, value: encodeMessage(d.typeName, d.value) }] : [] };
}

/**
 * The real server's MultiOperationExecutionFailure: one status per operation, the failed one as if it ran alone,
 * the others ABORTED (or OK when the start went through); the call fails with the failed operation's code.
 */
function multiOperationError(statuses: OperationStatus[], reason: string): RpcError {
  const failed = statuses.find((s) => s.code !== status.OK && s.code !== status.ABORTED);
  return new RpcError(failed?.code ?? status.ABORTED, `MultiOperation could not be executed: ${reason}`, {
    typeName: 'temporal.api.errordetails.v1.MultiOperationExecutionFailure', value: { statuses },
  });
}

function validate(req: MultiRequest): void {
  const [start, update] = [req.operations?.[0]?.startWorkflow, req.operations?.[1]?.updateWorkflow];
  if (!start || !update || req.operations?.length !== 2) {
    throw new RpcError(status.INVALID_ARGUMENT, 'Operations have to be exactly [Start, Update].');
  }
  const invalid = (message: string) => multiOperationError([ABORTED, { code: status.INVALID_ARGUMENT, message, details: [] }], message);
  if (start.cronSchedule) throw multiOperationError([{ code: status.INVALID_ARGUMENT, message: 'CronSchedule is not allowed.', details: [] }, ABORTED], 'CronSchedule is not allowed.');
  if (start.requestEagerExecution) throw multiOperationError([{ code: status.INVALID_ARGUMENT, message: 'RequestEagerExecution is not supported.', details: [] }, ABORTED], 'RequestEagerExecution is not supported.');
  if (update.workflowExecution?.workflowId !== start.workflowId) throw invalid('WorkflowId is not consistent with previous operation(s).');
  if (update.workflowExecution?.runId) throw invalid('RunId is not allowed.');
  if (update.firstExecutionRunId) throw invalid('FirstExecutionRunId is not allowed.');
}

/** ExecuteMultiOperation, which the SDK uses for update-with-start: [StartWorkflow, UpdateWorkflow]. */
export async function executeMultiOperation(ctx: Ctx, req: MultiRequest, signal: AbortSignal): Promise<MultiResponse> {
  validate(req);
  const namespace = ctx.namespace(req.namespace).name;
  const startReq = { ...req.operations![0].startWorkflow!, namespace: req.namespace };
  const updateReq = req.operations![1].updateWorkflow!;
  const updateId = updateReq.request?.meta?.updateId ?? '';
  let started: ReturnType<typeof startWorkflow>;
  try {
    started = ctx.tx(() => {
      const current = ctx.findRun(namespace, startReq.workflowId ?? '');
      const known = current?.state.updates[updateId];
      if (current && known && (known.outcome || isOpen(current))) return { run: current, started: false };
      return startWorkflow(ctx, startReq);
    });
  } catch (err) {
    const s = operationStatus(err);
    throw multiOperationError([s, ABORTED], `Start failed: ${s.message}`);
  }
  const execution = { workflowId: started.run.state.workflowId, runId: started.run.state.runId };
  try {
    const updateResponse = await ctx.tx(() => updateWorkflow(ctx, { ...updateReq, namespace: req.namespace, workflowExecution: execution }, signal));
    return { responses: [
      { startWorkflow: { runId: execution.runId, started: started.started, status: started.run.state.status } },
      { updateWorkflow: updateResponse },
    ] };
  } catch (err) {
    const s = operationStatus(err);
    throw multiOperationError([started.started ? OK : ABORTED, s], `Update failed: ${s.message}`);
  }
}
