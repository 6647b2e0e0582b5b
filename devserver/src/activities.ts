import type { ActivityQueueTask, Ctx, Run } from './ctx';
import { priorityOf } from './ctx';
import { durationMs, enums, temporal, toDuration, toTimestamp, Plain } from './proto';
import { decideRetry, withDefaults } from './retry';
import type { ActivityInfo, EventBody, Failure } from './state';
import { encodeToken } from './tokens';
import { deliver, isOpen } from './wft';

type Schedule = Plain<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes>;
const TT = enums.TimeoutType;

/** Schedules an activity; one the worker asked to run eagerly goes into `eager` instead of the queue when allowed. */
export function scheduleActivity(
  ctx: Ctx, run: Run, a: Schedule, completedId: number, userMetadata?: Plain<temporal.api.sdk.v1.IUserMetadata> | null, eager?: ActivityInfo[],
): void {
  const s = run.state;
  const scheduleToCloseMs = durationMs(a.scheduleToCloseTimeout) || s.runTimeoutMs;
  const startToCloseMs = durationMs(a.startToCloseTimeout) || scheduleToCloseMs;
  const scheduleToStartMs = durationMs(a.scheduleToStartTimeout) || scheduleToCloseMs;
  const retryPolicy = withDefaults(a.retryPolicy);
  const taskQueue = a.taskQueue?.name || s.taskQueue;
  const p = priorityOf(a.priority, { priorityKey: s.priority, fairnessKey: s.fairnessKey, fairnessWeight: s.fairnessWeight });
  const event = ctx.append(run, { userMetadata, activityTaskScheduledEventAttributes: {
    activityId: a.activityId, activityType: a.activityType, taskQueue: { name: taskQueue, kind: enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    header: a.header, input: a.input, scheduleToCloseTimeout: toDuration(scheduleToCloseMs), scheduleToStartTimeout: toDuration(scheduleToStartMs),
    startToCloseTimeout: toDuration(startToCloseMs), heartbeatTimeout: a.heartbeatTimeout ?? toDuration(0),
    workflowTaskCompletedEventId: completedId, retryPolicy, priority: a.priority,
  } });
  const now = ctx.clock.now();
  const info: ActivityInfo = {
    scheduledEventId: Number(event.eventId), activityId: a.activityId!, activityType: a.activityType!.name!, taskQueue,
    input: a.input, header: a.header, scheduleToCloseMs, scheduleToStartMs, startToCloseMs, heartbeatMs: durationMs(a.heartbeatTimeout),
    retryPolicy, priority: p.priority, fairnessKey: p.fairnessKey, fairnessWeight: p.fairnessWeight, attempt: 1, state: 'scheduled', firstScheduledAt: now,
    scheduledAt: now, cancelRequested: false, version: ++s.taskSeq,
  };
  s.activities[info.scheduledEventId] = info;
  if (eager && a.requestEagerExecution && ctx.activityQueue(s.namespace, taskQueue).canBypass) eager.push(info);
  else enqueueActivity(ctx, run, info);
  if (scheduleToCloseMs) {
    ctx.runTimer(run, `a${info.scheduledEventId}:stc`, now + scheduleToCloseMs, () => timeoutActivity(ctx, run, info.scheduledEventId, undefined, TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE));
  }
}

export function enqueueActivity(ctx: Ctx, run: Run, info: ActivityInfo): void {
  ctx.activityQueue(run.state.namespace, info.taskQueue).add({
    runId: run.state.runId, scheduledEventId: info.scheduledEventId, version: info.version,
    priority: info.priority, fairnessKey: info.fairnessKey, fairnessWeight: info.fairnessWeight, addedAt: ctx.clock.now(),
  });
  if (info.scheduleToStartMs) {
    const version = info.version;
    ctx.runTimer(run, `a${info.scheduledEventId}:sts`, info.scheduledAt + info.scheduleToStartMs, () => timeoutActivity(ctx, run, info.scheduledEventId, version, TT.TIMEOUT_TYPE_SCHEDULE_TO_START));
  }
}

export function dispatchActivity(ctx: Ctx, task: ActivityQueueTask, identity: string): unknown | null {
  const run = ctx.runs.get(task.runId);
  const info = run?.state.activities[task.scheduledEventId];
  if (!run || !info || !isOpen(run) || info.version !== task.version || info.state !== 'scheduled') return null;
  const s = run.state;
  info.state = 'started';
  info.startedAt = ctx.clock.now();
  info.startedIdentity = identity;
  info.lastHeartbeatAt = undefined;
  ctx.cancelTimers(run, `a${info.scheduledEventId}:sts`);
  ctx.touch(run);
  armStartedTimeouts(ctx, run, info);
  return {
    taskToken: encodeToken({ k: 'a', ns: s.namespace, wid: s.workflowId, rid: s.runId, s: info.scheduledEventId, v: info.version, at: info.attempt }),
    workflowNamespace: s.namespace, workflowType: { name: s.workflowType }, workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    activityType: { name: info.activityType }, activityId: info.activityId, header: info.header, input: info.input,
    heartbeatDetails: info.heartbeatDetails, scheduledTime: toTimestamp(info.firstScheduledAt),
    currentAttemptScheduledTime: toTimestamp(info.scheduledAt), startedTime: toTimestamp(info.startedAt), attempt: info.attempt,
    scheduleToCloseTimeout: toDuration(info.scheduleToCloseMs), startToCloseTimeout: toDuration(info.startToCloseMs),
    heartbeatTimeout: toDuration(info.heartbeatMs), retryPolicy: info.retryPolicy,
    priority: { priorityKey: info.priority, fairnessKey: info.fairnessKey || undefined, fairnessWeight: info.fairnessWeight },
  };
}

export function armStartedTimeouts(ctx: Ctx, run: Run, info: ActivityInfo): void {
  const version = info.version;
  const id = info.scheduledEventId;
  if (info.startToCloseMs) ctx.runTimer(run, `a${id}:s2c`, info.startedAt! + info.startToCloseMs, () => timeoutActivity(ctx, run, id, version, TT.TIMEOUT_TYPE_START_TO_CLOSE));
  if (info.heartbeatMs) armHeartbeat(ctx, run, info, (info.lastHeartbeatAt ?? info.startedAt!) + info.heartbeatMs);
}

function armHeartbeat(ctx: Ctx, run: Run, info: ActivityInfo, at: number): void {
  const version = info.version;
  ctx.runTimer(run, `a${info.scheduledEventId}:hb`, at, () => {
    const due = (info.lastHeartbeatAt ?? info.startedAt!) + info.heartbeatMs;
    if (info.version !== version || info.state !== 'started') return;
    if (due > ctx.clock.now()) armHeartbeat(ctx, run, info, due);
    else timeoutActivity(ctx, run, info.scheduledEventId, version, TT.TIMEOUT_TYPE_HEARTBEAT);
  });
}

function timeoutActivity(ctx: Ctx, run: Run, scheduledEventId: number, version: number | undefined, timeoutType: number): void {
  ctx.tx(() => {
    const info = run.state.activities[scheduledEventId];
    if (ctx.runs.get(run.state.runId) !== run || !isOpen(run) || !info || (version !== undefined && info.version !== version)) return;
    if (timeoutType === TT.TIMEOUT_TYPE_SCHEDULE_TO_START && info.state !== 'scheduled') return;
    if ((timeoutType === TT.TIMEOUT_TYPE_START_TO_CLOSE || timeoutType === TT.TIMEOUT_TYPE_HEARTBEAT) && info.state !== 'started') return;
    const name = (enums.TimeoutType[timeoutType] ?? '').replace('TIMEOUT_TYPE_', '');
    const failure: Failure = {
      message: `activity ${name} timeout`, source: 'Server',
      timeoutFailureInfo: { timeoutType, lastHeartbeatDetails: info.heartbeatDetails },
      cause: info.lastFailure ?? undefined,
    };
    const retryable = timeoutType === TT.TIMEOUT_TYPE_START_TO_CLOSE || timeoutType === TT.TIMEOUT_TYPE_HEARTBEAT;
    const retryState = retryable ? retryActivity(ctx, run, info, failure) : enums.RetryState.RETRY_STATE_TIMEOUT;
    if (retryState === null) return;
    closeActivity(ctx, run, info, { activityTaskTimedOutEventAttributes: { failure, scheduledEventId, startedEventId: -1, retryState } });
  });
}

/** Schedules the next attempt if the policy allows (null); otherwise the final RetryState. */
export function retryActivity(ctx: Ctx, run: Run, info: ActivityInfo, failure: Failure): number | null {
  const now = ctx.clock.now();
  const deadline = info.scheduleToCloseMs ? info.firstScheduledAt + info.scheduleToCloseMs : undefined;
  const decision = decideRetry(info.retryPolicy, info.attempt, failure, now, deadline);
  if (!decision.retry) return decision.state;
  info.attempt++;
  info.lastFailure = failure;
  info.state = 'backoff';
  info.version = ++run.state.taskSeq;
  info.scheduledAt = now + decision.delayMs;
  ctx.touch(run);
  armBackoff(ctx, run, info);
  return null;
}

export function armBackoff(ctx: Ctx, run: Run, info: ActivityInfo): void {
  const version = info.version;
  ctx.runTimer(run, `a${info.scheduledEventId}:backoff`, info.scheduledAt, () => ctx.tx(() => {
    if (info.version !== version || info.state !== 'backoff' || !isOpen(run)) return;
    info.state = 'scheduled';
    ctx.touch(run);
    enqueueActivity(ctx, run, info);
  }));
}

/** Removes the activity and delivers its close event (preceded by ActivityTaskStarted when an attempt ran). */
export function closeActivity(ctx: Ctx, run: Run, info: ActivityInfo, closeBody: EventBody): void {
  delete run.state.activities[info.scheduledEventId];
  ctx.cancelTimers(run, `a${info.scheduledEventId}:`);
  info.version = -1;
  ctx.touch(run);
  if (info.state === 'started') {
    deliver(ctx, run, { activityTaskStartedEventAttributes: {
      scheduledEventId: info.scheduledEventId, identity: info.startedIdentity, requestId: ctx.newId(), attempt: info.attempt,
      lastFailure: info.attempt > 1 ? info.lastFailure : undefined } }, closeBody);
    return;
  }
  for (const v of Object.values(closeBody)) if (v && typeof v === 'object' && 'startedEventId' in v) (v as { startedEventId: number }).startedEventId = 0;
  deliver(ctx, run, closeBody);
}

export function requestCancelActivity(ctx: Ctx, run: Run, scheduledEventId: number, completedId: number): void {
  const event = ctx.append(run, { activityTaskCancelRequestedEventAttributes: { scheduledEventId, workflowTaskCompletedEventId: completedId } });
  const info = run.state.activities[scheduledEventId];
  if (!info) return;
  info.cancelRequested = true;
  info.cancelRequestedEventId = Number(event.eventId);
  if (info.state !== 'started') {
    closeActivity(ctx, run, info, { activityTaskCanceledEventAttributes: {
      scheduledEventId, startedEventId: 0, latestCancelRequestedEventId: info.cancelRequestedEventId } });
  }
}

/** Re-arms timers and queued tasks of a run's activities after a restart. */
export function recoverActivities(ctx: Ctx, run: Run): void {
  for (const info of Object.values(run.state.activities)) {
    if (info.state === 'scheduled') enqueueActivity(ctx, run, info);
    else if (info.state === 'backoff') armBackoff(ctx, run, info);
    else armStartedTimeouts(ctx, run, info);
    if (info.scheduleToCloseMs) {
      ctx.runTimer(run, `a${info.scheduledEventId}:stc`, info.firstScheduledAt + info.scheduleToCloseMs, () => timeoutActivity(ctx, run, info.scheduledEventId, undefined, TT.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE));
    }
  }
}
