import type { Ctx, Run } from './ctx';
import { WS } from './events';
import { enums, temporal, toDuration, toTimestamp, Plain } from './proto';

const AS = enums.PendingActivityState;

export function executionInfo(run: Run): Plain<temporal.api.workflow.v1.IWorkflowExecutionInfo> {
  const s = run.state;
  const parent = s.parent;
  return {
    execution: { workflowId: s.workflowId, runId: s.runId },
    type: { name: s.workflowType },
    startTime: toTimestamp(s.startTime),
    closeTime: s.closeTime !== undefined ? toTimestamp(s.closeTime) : undefined,
    status: s.status,
    historyLength: run.events.length,
    parentNamespaceId: parent?.namespace,
    parentExecution: parent ? { workflowId: parent.workflowId, runId: parent.runId } : undefined,
    executionTime: toTimestamp(s.executionTime),
    memo: s.memo ?? { fields: {} },
    searchAttributes: { indexedFields: s.searchAttributes },
    taskQueue: s.taskQueue,
    stateTransitionCount: run.events.length,
    historySizeBytes: s.historySizeBytes,
    firstRunId: s.firstRunId,
    executionDuration: s.closeTime !== undefined ? toDuration(s.closeTime - s.executionTime) : undefined,
    priority: s.requestedPriority,
  };
}

/** DescribeWorkflowExecution. */
export function describeWorkflow(ctx: Ctx, req: Plain<temporal.api.workflowservice.v1.IDescribeWorkflowExecutionRequest>) {
  const run = ctx.getRun(ctx.namespace(req.namespace).name, req.execution?.workflowId, req.execution?.runId);
  const s = run.state;
  const open = s.status === WS.WORKFLOW_EXECUTION_STATUS_RUNNING;
  return {
    executionConfig: {
      taskQueue: { name: s.taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      workflowExecutionTimeout: toDuration(s.executionTimeoutMs),
      workflowRunTimeout: toDuration(s.runTimeoutMs),
      defaultWorkflowTaskTimeout: toDuration(s.taskTimeoutMs),
    },
    workflowExecutionInfo: executionInfo(run),
    pendingActivities: open ? Object.values(s.activities).map((a) => ({
      activityId: a.activityId, activityType: { name: a.activityType },
      state: a.cancelRequested ? AS.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED : a.state === 'started' ? AS.PENDING_ACTIVITY_STATE_STARTED : AS.PENDING_ACTIVITY_STATE_SCHEDULED,
      heartbeatDetails: a.heartbeatDetails, lastHeartbeatTime: a.lastHeartbeatAt ? toTimestamp(a.lastHeartbeatAt) : undefined,
      lastStartedTime: a.startedAt ? toTimestamp(a.startedAt) : undefined, attempt: a.attempt,
      maximumAttempts: a.retryPolicy.maximumAttempts ?? 0, scheduledTime: toTimestamp(a.scheduledAt),
      expirationTime: a.scheduleToCloseMs ? toTimestamp(a.firstScheduledAt + a.scheduleToCloseMs) : undefined,
      lastFailure: a.lastFailure, lastWorkerIdentity: a.startedIdentity,
    })) : [],
    pendingChildren: open ? Object.values(s.children).map((c) => ({
      workflowId: c.workflowId, runId: c.runId, workflowTypeName: c.workflowType, initiatedId: c.initiatedEventId, parentClosePolicy: c.parentClosePolicy,
    })) : [],
    pendingWorkflowTask: s.wft ? {
      state: s.wft.startedEventId !== undefined ? enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED : enums.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED,
      scheduledTime: toTimestamp(s.wft.scheduledAt), startedTime: s.wft.startedAt ? toTimestamp(s.wft.startedAt) : undefined, attempt: s.wft.attempt,
    } : undefined,
  };
}
