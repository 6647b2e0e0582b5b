import { Ctx, priorityOf, Run } from './ctx';
import { priorityError } from './priority';
import { alreadyStarted, invalidArgument, requireField } from './errors';
import { WS } from './events';
import { durationMs, enums, temporal, toDuration, toTimestamp, Plain } from './proto';
import { armRunTimeouts, terminateRun } from './close';
import { applySearchAttributes, validateSearchAttributes, withTypeMetadata } from './search-attributes';
import type { EventBody, Failure, ParentRef, Payloads, RetryPolicy, RunState } from './state';
import { scheduleWorkflowTask } from './wft';

type StartRequest = Plain<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest>;

export interface NewRun {
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Plain<temporal.api.common.v1.IHeader> | null;
  memo?: Plain<temporal.api.common.v1.IMemo> | null;
  searchAttributes?: Plain<temporal.api.common.v1.ISearchAttributes> | null;
  executionTimeoutMs: number;
  runTimeoutMs: number;
  taskTimeoutMs: number;
  retryPolicy?: RetryPolicy | null;
  attempt: number;
  requestId: string;
  identity?: string | null;
  parent?: ParentRef;
  continuedFromRunId?: string;
  firstRunId?: string;
  executionExpiresAt?: number;
  initiator?: number;
  continuedFailure?: Failure | null;
  lastCompletionResult?: Payloads | null;
  priority?: Plain<temporal.api.common.v1.IPriority> | null;
  firstWftBackoffMs?: number;
  userMetadata?: Plain<temporal.api.sdk.v1.IUserMetadata> | null;
}

const MAX_TASK_TIMEOUT_MS = 120_000;
const DEFAULT_TASK_TIMEOUT_MS = 10_000;

export function taskTimeoutMs(d: Parameters<typeof durationMs>[0]): number {
  const ms = durationMs(d);
  return ms <= 0 ? DEFAULT_TASK_TIMEOUT_MS : Math.min(ms, MAX_TASK_TIMEOUT_MS);
}

/** Creates a run, writes WorkflowExecutionStarted (plus `extra` events such as a signal) and schedules its first task. */
export function createRun(ctx: Ctx, spec: NewRun, extra: EventBody[] = []): Run {
  const now = ctx.clock.now();
  const runId = ctx.newId();
  const runTimeoutMs = spec.runTimeoutMs || spec.executionTimeoutMs;
  const executionExpiresAt = spec.executionExpiresAt ?? (spec.executionTimeoutMs ? now + spec.executionTimeoutMs : undefined);
  const p = priorityOf(spec.priority);
  const state: RunState = {
    namespace: spec.namespace, workflowId: spec.workflowId, runId, firstRunId: spec.firstRunId ?? runId,
    workflowType: spec.workflowType, taskQueue: spec.taskQueue, status: WS.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: now, executionTime: now + (spec.firstWftBackoffMs ?? 0), startRequestId: spec.requestId,
    requestIds: [spec.requestId], memo: spec.memo, searchAttributes: {},
    runTimeoutMs, executionTimeoutMs: spec.executionTimeoutMs, executionExpiresAt, taskTimeoutMs: spec.taskTimeoutMs,
    retryPolicy: spec.retryPolicy, attempt: spec.attempt, priority: p.priority, fairnessKey: p.fairnessKey, fairnessWeight: p.fairnessWeight,
    requestedPriority: spec.priority,
    parent: spec.parent, nextEventId: 1, lastWftStartedEventId: 0, stickyTimeoutMs: 0, buffered: [], activities: {},
    timers: {}, children: {}, updates: {}, cancelRequested: false, historySizeBytes: 0, taskSeq: 0,
  };
  applySearchAttributes(ctx, spec.namespace, state.searchAttributes, spec.searchAttributes?.indexedFields);
  const run: Run = { state, events: [], persistedEvents: 0, historyWaiters: new Set(), queries: [], updateWaiters: new Map(), handles: new Map() };
  ctx.addRun(run);
  ctx.append(run, {
    userMetadata: spec.userMetadata,
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: spec.workflowType },
      parentWorkflowNamespace: spec.parent?.namespace,
      parentWorkflowExecution: spec.parent ? { workflowId: spec.parent.workflowId, runId: spec.parent.runId } : undefined,
      parentInitiatedEventId: spec.parent?.initiatedEventId,
      taskQueue: { name: spec.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      input: spec.input, header: spec.header, memo: spec.memo, searchAttributes: withTypeMetadata(ctx, spec.namespace, spec.searchAttributes),
      workflowExecutionTimeout: toDuration(spec.executionTimeoutMs), workflowRunTimeout: toDuration(runTimeoutMs),
      workflowTaskTimeout: toDuration(spec.taskTimeoutMs), continuedExecutionRunId: spec.continuedFromRunId,
      initiator: spec.initiator, continuedFailure: spec.continuedFailure, lastCompletionResult: spec.lastCompletionResult,
      originalExecutionRunId: runId, identity: spec.identity, firstExecutionRunId: state.firstRunId,
      retryPolicy: spec.retryPolicy, attempt: spec.attempt, workflowId: spec.workflowId, priority: spec.priority,
      workflowExecutionExpirationTime: executionExpiresAt ? toTimestamp(executionExpiresAt) : undefined,
      firstWorkflowTaskBackoff: spec.firstWftBackoffMs ? toDuration(spec.firstWftBackoffMs) : undefined,
    },
  });
  for (const body of extra) ctx.append(run, body);
  armRunTimeouts(ctx, run);
  if (spec.firstWftBackoffMs) {
    ctx.runTimer(run, 'first-wft', now + spec.firstWftBackoffMs, () => ctx.tx(() => {
      if (ctx.runs.get(runId) === run && run.state.status === WS.WORKFLOW_EXECUTION_STATUS_RUNNING) scheduleWorkflowTask(ctx, run);
    }));
  } else {
    scheduleWorkflowTask(ctx, run);
  }
  return run;
}

export function newRunFromRequest(ctx: Ctx, req: StartRequest): NewRun {
  requireField(req.workflowId, 'WorkflowId');
  requireField(req.workflowType?.name, 'WorkflowType');
  requireField(req.taskQueue?.name, 'TaskQueue');
  requireField(req.requestId, 'RequestId');
  const namespace = ctx.namespace(req.namespace).name;
  if (req.workflowId!.length > 1000) throw invalidArgument('WorkflowId exceeds length limit.');
  validateSearchAttributes(ctx, namespace, req.searchAttributes?.indexedFields);
  const badPriority = priorityError(req.priority);
  if (badPriority) throw invalidArgument(badPriority);
  return {
    namespace, workflowId: req.workflowId!, workflowType: req.workflowType!.name!, taskQueue: req.taskQueue!.name!,
    input: req.input, header: req.header, memo: req.memo, searchAttributes: req.searchAttributes,
    executionTimeoutMs: durationMs(req.workflowExecutionTimeout), runTimeoutMs: durationMs(req.workflowRunTimeout),
    taskTimeoutMs: taskTimeoutMs(req.workflowTaskTimeout), retryPolicy: req.retryPolicy, attempt: 1,
    requestId: req.requestId!, identity: req.identity, priority: req.priority, userMetadata: req.userMetadata,
    firstWftBackoffMs: durationMs(req.workflowStartDelay) || undefined,
  };
}

const P = enums.WorkflowIdReusePolicy;
const C = enums.WorkflowIdConflictPolicy;
const failedStatuses = new Set<number>([
  WS.WORKFLOW_EXECUTION_STATUS_FAILED, WS.WORKFLOW_EXECUTION_STATUS_CANCELED,
  WS.WORKFLOW_EXECUTION_STATUS_TERMINATED, WS.WORKFLOW_EXECUTION_STATUS_TIMED_OUT,
]);

/**
 * Applies the id reuse and conflict policies. Returns the run to answer with when no new run must be created
 * (same request id, or USE_EXISTING), or undefined to go ahead and create one.
 */
export function resolveExisting(ctx: Ctx, req: StartRequest, spec: NewRun): { run: Run; started: boolean } | undefined {
  const existing = ctx.findRun(spec.namespace, spec.workflowId);
  if (!existing) return undefined;
  const s = existing.state;
  if (s.requestIds.includes(spec.requestId)) return { run: existing, started: true };
  if (s.status === WS.WORKFLOW_EXECUTION_STATUS_RUNNING) {
    let conflict = req.workflowIdConflictPolicy || C.WORKFLOW_ID_CONFLICT_POLICY_FAIL;
    if (req.workflowIdReusePolicy === P.WORKFLOW_ID_REUSE_POLICY_TERMINATE_IF_RUNNING) conflict = C.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING;
    if (conflict === C.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING) {
      s.requestIds.push(spec.requestId);
      ctx.touch(existing);
      return { run: existing, started: false };
    }
    if (conflict === C.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING) {
      terminateRun(ctx, existing, 'terminated by a start with WorkflowIdConflictPolicy TERMINATE_EXISTING', req.identity ?? '');
      return undefined;
    }
    throw alreadyStarted(spec.workflowId, s.runId, s.startRequestId);
  }
  const reuse = req.workflowIdReusePolicy || P.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE;
  if (reuse === P.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE) throw alreadyStarted(spec.workflowId, s.runId, s.startRequestId);
  if (reuse === P.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY && !failedStatuses.has(s.status)) {
    throw alreadyStarted(spec.workflowId, s.runId, s.startRequestId);
  }
  return undefined;
}

export function startWorkflow(ctx: Ctx, req: StartRequest): { run: Run; started: boolean } {
  const spec = newRunFromRequest(ctx, req);
  return resolveExisting(ctx, req, spec) ?? { run: createRun(ctx, spec), started: true };
}
