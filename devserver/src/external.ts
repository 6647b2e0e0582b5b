import type { Ctx, Run } from './ctx';
import { WS } from './events';
import { durationMs, enums, temporal, Plain } from './proto';
import { createRun, taskTimeoutMs } from './start';
import { terminateRun } from './close';
import type { EventBody } from './state';
import { deliver, isOpen } from './wft';
import { mergePriority } from './priority';

type StartChild = Plain<temporal.api.command.v1.IStartChildWorkflowExecutionCommandAttributes>;
type SignalExt = Plain<temporal.api.command.v1.ISignalExternalWorkflowExecutionCommandAttributes>;
type CancelExt = Plain<temporal.api.command.v1.IRequestCancelExternalWorkflowExecutionCommandAttributes>;
const PCP = enums.ParentClosePolicy;

export function startChild(ctx: Ctx, run: Run, a: StartChild, completedId: number, userMetadata?: Plain<temporal.api.sdk.v1.IUserMetadata> | null): void {
  const s = run.state;
  const namespace = a.namespace || s.namespace;
  const initiated = Number(ctx.append(run, { userMetadata, startChildWorkflowExecutionInitiatedEventAttributes: {
    ...a, namespace, taskQueue: { name: a.taskQueue?.name || s.taskQueue }, workflowTaskCompletedEventId: completedId } }).eventId);
  const existing = ctx.findRun(namespace, a.workflowId!);
  const conflict = existing && (isOpen(existing) || a.workflowIdReusePolicy === enums.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  if (conflict || !ctx.namespaces.has(namespace)) {
    afterTask(ctx, run, { startChildWorkflowExecutionFailedEventAttributes: {
      namespace, workflowId: a.workflowId, workflowType: a.workflowType, initiatedEventId: initiated, workflowTaskCompletedEventId: completedId,
      cause: enums.StartChildWorkflowExecutionFailedCause.START_CHILD_WORKFLOW_EXECUTION_FAILED_CAUSE_WORKFLOW_ALREADY_EXISTS } });
    return;
  }
  const child = createRun(ctx, {
    namespace, workflowId: a.workflowId!, workflowType: a.workflowType!.name!, taskQueue: a.taskQueue?.name || s.taskQueue,
    input: a.input, header: a.header, memo: a.memo, searchAttributes: a.searchAttributes,
    executionTimeoutMs: durationMs(a.workflowExecutionTimeout), runTimeoutMs: durationMs(a.workflowRunTimeout),
    taskTimeoutMs: taskTimeoutMs(a.workflowTaskTimeout), retryPolicy: a.retryPolicy, attempt: 1, requestId: ctx.newId(),
    parent: { namespace: s.namespace, workflowId: s.workflowId, runId: s.runId, initiatedEventId: initiated },
    priority: mergePriority(a.priority, { priorityKey: s.priority, fairnessKey: s.fairnessKey, fairnessWeight: s.fairnessWeight }), userMetadata,
  });
  const execution = { workflowId: child.state.workflowId, runId: child.state.runId };
  afterTask(ctx, run, { childWorkflowExecutionStartedEventAttributes: {
    namespace, initiatedEventId: initiated, workflowExecution: execution, workflowType: a.workflowType, header: a.header } });
  s.children[initiated] = { initiatedEventId: initiated, namespace, workflowId: execution.workflowId, runId: execution.runId,
    workflowType: a.workflowType!.name!, parentClosePolicy: a.parentClosePolicy ?? 0 };
}

/** The outcome of a command reaches the workflow after the task that issued it: buffered, it follows that task's events and schedules the next task. */
function afterTask(ctx: Ctx, run: Run, body: EventBody): void {
  run.state.buffered.push(body);
  ctx.touch(run);
}

/** Reports a child's final close to its parent as a ChildWorkflowExecution* event. */
export function notifyParent(ctx: Ctx, child: Run, closeBody: EventBody): void {
  const p = child.state.parent;
  if (!p || child.state.status === WS.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) return;
  if (closeBody.workflowExecutionFailedEventAttributes?.newExecutionRunId || closeBody.workflowExecutionTimedOutEventAttributes?.newExecutionRunId) return;
  const parent = ctx.runs.get(p.runId);
  const info = parent?.state.children[p.initiatedEventId];
  if (!parent || !info || !isOpen(parent)) return;
  delete parent.state.children[p.initiatedEventId];
  const common = {
    namespace: child.state.namespace, workflowExecution: { workflowId: child.state.workflowId, runId: child.state.runId },
    workflowType: { name: child.state.workflowType }, initiatedEventId: p.initiatedEventId,
    startedEventId: info.startedEventId ?? parent.events.find((e) => Number(e.childWorkflowExecutionStartedEventAttributes?.initiatedEventId) === p.initiatedEventId)?.eventId,
  };
  const c = closeBody;
  let body: EventBody;
  if (c.workflowExecutionCompletedEventAttributes) body = { childWorkflowExecutionCompletedEventAttributes: { ...common, result: c.workflowExecutionCompletedEventAttributes.result } };
  else if (c.workflowExecutionFailedEventAttributes) body = { childWorkflowExecutionFailedEventAttributes: { ...common, failure: c.workflowExecutionFailedEventAttributes.failure, retryState: c.workflowExecutionFailedEventAttributes.retryState } };
  else if (c.workflowExecutionCanceledEventAttributes) body = { childWorkflowExecutionCanceledEventAttributes: { ...common, details: c.workflowExecutionCanceledEventAttributes.details } };
  else if (c.workflowExecutionTimedOutEventAttributes) body = { childWorkflowExecutionTimedOutEventAttributes: { ...common, retryState: c.workflowExecutionTimedOutEventAttributes.retryState } };
  else body = { childWorkflowExecutionTerminatedEventAttributes: common };
  deliver(ctx, parent, body);
}

export function applyParentClosePolicy(ctx: Ctx, parent: Run): void {
  for (const info of Object.values(parent.state.children)) {
    const child = info.runId ? ctx.findRun(info.namespace, info.workflowId) : undefined;
    if (!child || !isOpen(child)) continue;
    if (info.parentClosePolicy === PCP.PARENT_CLOSE_POLICY_ABANDON) continue;
    if (info.parentClosePolicy === PCP.PARENT_CLOSE_POLICY_REQUEST_CANCEL) requestCancel(ctx, child, 'parent closed', '');
    else terminateRun(ctx, child, 'by parent close policy', '');
  }
  parent.state.children = {};
}

export function signalRun(ctx: Ctx, run: Run, signalName: string, input: Plain<temporal.api.common.v1.IPayloads> | null | undefined,
  identity: string, header?: Plain<temporal.api.common.v1.IHeader> | null, externalInitiatedEventId?: number, externalWorkflowExecution?: object): void {
  deliver(ctx, run, { workflowExecutionSignaledEventAttributes: { signalName, input, identity, header, externalWorkflowExecution,
    ...(externalInitiatedEventId ? { externalInitiatedEventId } : {}) } });
}

export function requestCancel(ctx: Ctx, run: Run, cause: string, identity: string, externalInitiatedEventId?: number, externalWorkflowExecution?: object): void {
  if (run.state.cancelRequested) return;
  run.state.cancelRequested = true;
  deliver(ctx, run, { workflowExecutionCancelRequestedEventAttributes: { cause, identity, externalInitiatedEventId, externalWorkflowExecution } });
}

export function signalExternal(ctx: Ctx, run: Run, a: SignalExt, completedId: number): void {
  const s = run.state;
  const namespace = a.namespace || s.namespace;
  const initiated = Number(ctx.append(run, { signalExternalWorkflowExecutionInitiatedEventAttributes: {
    ...a, namespace, workflowExecution: a.execution, workflowTaskCompletedEventId: completedId } }).eventId);
  const target = ctx.findRun(namespace, a.execution?.workflowId ?? '', a.execution?.runId);
  if (!target || !isOpen(target) || (a.childWorkflowOnly && target.state.parent?.runId !== s.runId)) {
    afterTask(ctx, run, { signalExternalWorkflowExecutionFailedEventAttributes: {
      cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: completedId, namespace, workflowExecution: a.execution, initiatedEventId: initiated, control: a.control } });
    return;
  }
  signalRun(ctx, target, a.signalName ?? '', a.input, '', a.header, initiated, { workflowId: s.workflowId, runId: s.runId });
  afterTask(ctx, run, { externalWorkflowExecutionSignaledEventAttributes: {
    initiatedEventId: initiated, namespace, workflowExecution: { workflowId: target.state.workflowId, runId: target.state.runId }, control: a.control } });
}

export function requestCancelExternal(ctx: Ctx, run: Run, a: CancelExt, completedId: number): void {
  const s = run.state;
  const namespace = a.namespace || s.namespace;
  const initiated = Number(ctx.append(run, { requestCancelExternalWorkflowExecutionInitiatedEventAttributes: {
    ...a, namespace, workflowExecution: { workflowId: a.workflowId, runId: a.runId }, workflowTaskCompletedEventId: completedId } }).eventId);
  const target = ctx.findRun(namespace, a.workflowId ?? '', a.runId);
  if (!target || !isOpen(target)) {
    afterTask(ctx, run, { requestCancelExternalWorkflowExecutionFailedEventAttributes: {
      cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: completedId, namespace, workflowExecution: { workflowId: a.workflowId, runId: a.runId }, initiatedEventId: initiated, control: a.control } });
    return;
  }
  requestCancel(ctx, target, a.reason ?? '', '', initiated, { workflowId: s.workflowId, runId: s.runId });
  afterTask(ctx, run, { externalWorkflowExecutionCancelRequestedEventAttributes: {
    initiatedEventId: initiated, namespace, workflowExecution: { workflowId: target.state.workflowId, runId: target.state.runId } } });
}
