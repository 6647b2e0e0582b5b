import type { Ctx, Run } from './ctx';
import { WS } from './events';
import { notifyParent, applyParentClosePolicy } from './external';
import { durationMs, enums, temporal, Plain } from './proto';
import { failPendingQueries } from './queries';
import { decideRetry } from './retry';
import { createRun, taskTimeoutMs } from './start';
import type { EventBody, Failure } from './state';
import { abortPendingUpdates } from './updates';
import { isOpen } from './wft';

type Cmd = Plain<temporal.api.command.v1.ICompleteWorkflowExecutionCommandAttributes>;
type FailCmd = Plain<temporal.api.command.v1.IFailWorkflowExecutionCommandAttributes>;
type CancelCmd = Plain<temporal.api.command.v1.ICancelWorkflowExecutionCommandAttributes>;
type CanCmd = Plain<temporal.api.command.v1.IContinueAsNewWorkflowExecutionCommandAttributes>;

/** Appends the close event, ends the run and tells parent, children and waiters. */
export function closeRun(ctx: Ctx, run: Run, status: number, body: EventBody): void {
  const s = run.state;
  s.status = status;
  s.closeTime = ctx.clock.now();
  ctx.append(run, body);
  s.wft = undefined;
  s.buffered = [];
  s.activities = {};
  s.timers = {};
  ctx.cancelTimers(run);
  ctx.touch(run);
  notifyParent(ctx, run, body);
  applyParentClosePolicy(ctx, run);
  abortPendingUpdates(ctx, run);
  if (status === WS.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW || status === WS.WORKFLOW_EXECUTION_STATUS_TERMINATED) {
    failPendingQueries(ctx, run);
  }
  armRetention(ctx, run);
}

export function armRetention(ctx: Ctx, run: Run): void {
  if (ctx.options.keepClosedRuns) return;
  const retentionMs = ctx.namespaces.get(run.state.namespace)?.retentionMs ?? ctx.options.retentionMs;
  ctx.clock.at((run.state.closeTime ?? ctx.clock.now()) + retentionMs, () => ctx.tx(() => {
    if (ctx.runs.get(run.state.runId) === run && !isOpen(run)) ctx.removeRun(run);
  }), true);
}

export function completeWorkflowCommand(ctx: Ctx, run: Run, a: Cmd, completedId: number): void {
  closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_COMPLETED, {
    workflowExecutionCompletedEventAttributes: { result: a.result, workflowTaskCompletedEventId: completedId } });
}

export function cancelWorkflowCommand(ctx: Ctx, run: Run, a: CancelCmd, completedId: number): void {
  closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_CANCELED, {
    workflowExecutionCanceledEventAttributes: { details: a.details, workflowTaskCompletedEventId: completedId } });
}

export function failWorkflowCommand(ctx: Ctx, run: Run, a: FailCmd, completedId: number): void {
  const failure = a.failure ?? { message: 'workflow failed' };
  const retry = retryRun(ctx, run, failure);
  closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_FAILED, { workflowExecutionFailedEventAttributes: {
    failure, retryState: retry.state, workflowTaskCompletedEventId: completedId, newExecutionRunId: retry.start?.() } });
}

/** Applies the workflow's retry policy: a starter for the next run when it retries, and the retry state. */
function retryRun(ctx: Ctx, run: Run, failure: Failure): { state: number; start?: () => string } {
  const s = run.state;
  const decision = decideRetry(s.retryPolicy, s.attempt, failure, ctx.clock.now(), s.executionExpiresAt);
  if (!decision.retry) return { state: decision.state };
  const start = () => createRun(ctx, {
    namespace: s.namespace, workflowId: s.workflowId, workflowType: s.workflowType, taskQueue: s.taskQueue,
    input: (run.events[0].workflowExecutionStartedEventAttributes ?? {}).input, header: run.events[0].workflowExecutionStartedEventAttributes?.header,
    memo: s.memo, searchAttributes: { indexedFields: s.searchAttributes }, executionTimeoutMs: s.executionTimeoutMs,
    runTimeoutMs: s.runTimeoutMs, taskTimeoutMs: s.taskTimeoutMs, retryPolicy: s.retryPolicy, attempt: s.attempt + 1,
    requestId: ctx.newId(), parent: s.parent, continuedFromRunId: s.runId, firstRunId: s.firstRunId,
    executionExpiresAt: s.executionExpiresAt, initiator: enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_RETRY,
    continuedFailure: failure, priority: { priorityKey: s.priority, fairnessKey: s.fairnessKey || undefined },
    firstWftBackoffMs: decision.delayMs,
  }).state.runId;
  return { state: enums.RetryState.RETRY_STATE_IN_PROGRESS, start };
}

export function continueAsNewCommand(ctx: Ctx, run: Run, a: CanCmd, completedId: number): void {
  const s = run.state;
  const next = createRun(ctx, {
    namespace: s.namespace, workflowId: s.workflowId, workflowType: a.workflowType?.name || s.workflowType,
    taskQueue: a.taskQueue?.name || s.taskQueue, input: a.input, header: a.header, memo: a.memo ?? s.memo,
    searchAttributes: a.searchAttributes ?? { indexedFields: s.searchAttributes }, executionTimeoutMs: s.executionTimeoutMs,
    runTimeoutMs: durationMs(a.workflowRunTimeout) || s.runTimeoutMs, taskTimeoutMs: a.workflowTaskTimeout ? taskTimeoutMs(a.workflowTaskTimeout) : s.taskTimeoutMs,
    retryPolicy: a.retryPolicy ?? s.retryPolicy, attempt: 1, requestId: ctx.newId(), parent: s.parent,
    continuedFromRunId: s.runId, firstRunId: s.firstRunId, executionExpiresAt: s.executionExpiresAt,
    initiator: a.initiator ?? enums.ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW, continuedFailure: a.failure,
    lastCompletionResult: a.lastCompletionResult, priority: { priorityKey: s.priority, fairnessKey: s.fairnessKey || undefined },
    firstWftBackoffMs: durationMs(a.backoffStartInterval) || undefined,
  });
  ctx.current.set(`${s.namespace}/${s.workflowId}`, next.state.runId);
  s.newRunId = next.state.runId;
  closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW, { workflowExecutionContinuedAsNewEventAttributes: {
    newExecutionRunId: next.state.runId, workflowType: { name: next.state.workflowType }, taskQueue: { name: next.state.taskQueue },
    input: a.input, workflowRunTimeout: a.workflowRunTimeout, workflowTaskTimeout: a.workflowTaskTimeout,
    workflowTaskCompletedEventId: completedId, backoffStartInterval: a.backoffStartInterval, initiator: a.initiator,
    failure: a.failure, lastCompletionResult: a.lastCompletionResult, header: a.header, memo: a.memo, searchAttributes: a.searchAttributes,
  } });
}

export function terminateRun(ctx: Ctx, run: Run, reason: string, identity: string, details?: Plain<temporal.api.common.v1.IPayloads> | null): void {
  if (!isOpen(run)) return;
  closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_TERMINATED, { workflowExecutionTerminatedEventAttributes: { reason, details, identity } });
}

/** Run and execution timeouts: the run ends TIMED_OUT (retried when its policy allows). */
export function armRunTimeouts(ctx: Ctx, run: Run): void {
  const s = run.state;
  const runDeadline = s.runTimeoutMs ? s.startTime + s.runTimeoutMs : undefined;
  const deadline = Math.min(runDeadline ?? Infinity, s.executionExpiresAt ?? Infinity);
  if (!Number.isFinite(deadline)) return;
  ctx.runTimer(run, 'run-timeout', deadline, () => ctx.tx(() => {
    if (ctx.runs.get(s.runId) !== run || !isOpen(run)) return;
    const failure: Failure = { message: 'workflow timed out', timeoutFailureInfo: { timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE } };
    const retry = retryRun(ctx, run, failure);
    closeRun(ctx, run, WS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT, { workflowExecutionTimedOutEventAttributes: {
      retryState: retry.state === enums.RetryState.RETRY_STATE_IN_PROGRESS ? retry.state : enums.RetryState.RETRY_STATE_TIMEOUT,
      newExecutionRunId: retry.start?.() } });
  }));
}
