import type { Ctx } from './ctx';
import { terminateRun } from './close';
import { describeWorkflow } from './describe';
import { notFound, requireField } from './errors';
import { requestCancel, signalRun } from './external';
import { getHistory } from './history-api';
import { executeMultiOperation } from './multi-operation';
import { temporal, Plain } from './proto';
import { queryWorkflow } from './queries';
import type { Handlers } from './rpc';
import { createRun, newRunFromRequest, resolveExisting, startWorkflow } from './start';
import { pollUpdate, updateWorkflow } from './updates';
import { countWorkflows, listWorkflows } from './visibility';
import { isOpen } from './wft';

type WS = typeof temporal.api.workflowservice.v1;
type Req<K extends keyof WS> = WS[K] extends { create(p?: infer P): unknown } ? Plain<P> : never;


/** Client-facing RPCs: start, signal, cancel, terminate, query, update, describe, list, history. */
export function workflowHandlers(ctx: Ctx): Handlers {
  const tx = <T>(fn: () => T) => ctx.tx(fn);
  const openRun = (namespace: string | null | undefined, e: Plain<temporal.api.common.v1.IWorkflowExecution> | null | undefined) => {
    const run = ctx.getRun(ctx.namespace(namespace).name, e?.workflowId, e?.runId);
    if (!isOpen(run)) throw notFound('workflow execution already completed');
    return run;
  };
  return {
    StartWorkflowExecution: (req: Req<'StartWorkflowExecutionRequest'>) => tx(() => {
      const { run, started } = startWorkflow(ctx, req);
      return { runId: run.state.runId, started, status: run.state.status };
    }),
    SignalWithStartWorkflowExecution: (req: Req<'SignalWithStartWorkflowExecutionRequest'>) => tx(() => {
      requireField(req.signalName, 'SignalName');
      const spec = newRunFromRequest(ctx, req);
      const current = ctx.findRun(spec.namespace, spec.workflowId);
      if (current && isOpen(current)) {
        signalRun(ctx, current, req.signalName!, req.signalInput, req.identity ?? '', req.header);
        return { runId: current.state.runId, started: false };
      }
      const existing = resolveExisting(ctx, { ...req, workflowIdConflictPolicy: undefined }, spec);
      if (existing) return { runId: existing.run.state.runId, started: false };
      const run = createRun(ctx, spec, [{ workflowExecutionSignaledEventAttributes: {
        signalName: req.signalName, input: req.signalInput, identity: req.identity, header: req.header } }]);
      return { runId: run.state.runId, started: true };
    }),
    ExecuteMultiOperation: (req: Req<'ExecuteMultiOperationRequest'>, signal) => executeMultiOperation(ctx, req, signal),
    SignalWorkflowExecution: (req: Req<'SignalWorkflowExecutionRequest'>) => tx(() => {
      requireField(req.signalName, 'SignalName');
      signalRun(ctx, openRun(req.namespace, req.workflowExecution), req.signalName!, req.input, req.identity ?? '', req.header);
      return {};
    }),
    RequestCancelWorkflowExecution: (req: Req<'RequestCancelWorkflowExecutionRequest'>) => tx(() => {
      requestCancel(ctx, openRun(req.namespace, req.workflowExecution), req.reason ?? '', req.identity ?? '');
      return {};
    }),
    TerminateWorkflowExecution: (req: Req<'TerminateWorkflowExecutionRequest'>) => tx(() => {
      terminateRun(ctx, openRun(req.namespace, req.workflowExecution), req.reason ?? '', req.identity ?? '', req.details);
      return {};
    }),
    DeleteWorkflowExecution: (req: Req<'DeleteWorkflowExecutionRequest'>) => tx(() => {
      const run = ctx.getRun(ctx.namespace(req.namespace).name, req.workflowExecution?.workflowId, req.workflowExecution?.runId);
      if (isOpen(run)) terminateRun(ctx, run, 'Delete workflow execution', '');
      ctx.removeRun(run);
      return {};
    }),
    QueryWorkflow: (req: Req<'QueryWorkflowRequest'>, signal) => queryWorkflow(ctx, req, signal),
    UpdateWorkflowExecution: (req: Req<'UpdateWorkflowExecutionRequest'>, signal) => tx(() => updateWorkflow(ctx, req, signal)),
    PollWorkflowExecutionUpdate: (req: Req<'PollWorkflowExecutionUpdateRequest'>, signal) => pollUpdate(ctx, req, signal),
    DescribeWorkflowExecution: (req: Req<'DescribeWorkflowExecutionRequest'>) => describeWorkflow(ctx, req),
    GetWorkflowExecutionHistory: (req: Req<'GetWorkflowExecutionHistoryRequest'>, signal) => getHistory(ctx, req, signal),
    ListWorkflowExecutions: (req: Req<'ListWorkflowExecutionsRequest'>) => listWorkflows(ctx, req),
    ScanWorkflowExecutions: (req: Req<'ScanWorkflowExecutionsRequest'>) => listWorkflows(ctx, req),
    CountWorkflowExecutions: (req: Req<'CountWorkflowExecutionsRequest'>) => countWorkflows(ctx, req),
  };
}
