import type { Ctx, Run } from './ctx';
import { WS } from './events';
import { enums, toDuration, toTimestamp } from './proto';
import { dispatchQueryTasks, requeueWftQueries } from './queries';
import { pendingUpdateMessages } from './updates';
import type { EventBody, HistoryEvent } from './state';
import { encodeToken } from './tokens';

const NORMAL = enums.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;
const STICKY = enums.TaskQueueKind.TASK_QUEUE_KIND_STICKY;

export const isOpen = (run: Run) => run.state.status === WS.WORKFLOW_EXECUTION_STATUS_RUNNING;

/** Schedules a workflow task unless one is already scheduled or running. */
export function scheduleWorkflowTask(ctx: Ctx, run: Run, attempt = 1): void {
  const s = run.state;
  if (s.wft || !isOpen(run)) return;
  const sticky = !!s.stickyQueue;
  const taskQueue = s.stickyQueue ?? s.taskQueue;
  const transient = attempt > 1;
  let scheduledEventId = s.nextEventId;
  if (!transient) {
    scheduledEventId = Number(ctx.append(run, {
      workflowTaskScheduledEventAttributes: {
        taskQueue: { name: taskQueue, kind: sticky ? STICKY : NORMAL, normalName: sticky ? s.taskQueue : undefined },
        startToCloseTimeout: toDuration(s.taskTimeoutMs),
        attempt,
      },
    }).eventId);
  }
  s.wft = { scheduledEventId, attempt, taskQueue, sticky, scheduledAt: ctx.clock.now(), transient, version: ++s.taskSeq };
  ctx.touch(run);
  enqueueWorkflowTask(ctx, run);
}

export function enqueueWorkflowTask(ctx: Ctx, run: Run): void {
  const s = run.state;
  const wft = s.wft!;
  ctx.workflowQueue(s.namespace, wft.taskQueue).add({
    kind: 'wft', runId: s.runId, version: wft.version, priority: s.priority, fairnessKey: s.fairnessKey, fairnessWeight: s.fairnessWeight, addedAt: ctx.clock.now(),
  });
  if (wft.sticky) {
    const version = wft.version;
    ctx.runTimer(run, 'wft-sticky', ctx.clock.now() + (s.stickyTimeoutMs || 5000), () => ctx.tx(() => {
      if (s.wft?.version !== version || s.wft.startedEventId !== undefined) return;
      moveToNormalQueue(ctx, run);
    }));
  }
}

/** Sends a not-yet-started task to the normal queue (sticky worker gone or too slow). */
export function moveToNormalQueue(ctx: Ctx, run: Run): void {
  const s = run.state;
  s.stickyQueue = undefined;
  ctx.touch(run);
  if (!s.wft || s.wft.startedEventId !== undefined) return;
  s.wft = { ...s.wft, taskQueue: s.taskQueue, sticky: false, version: ++s.taskSeq };
  enqueueWorkflowTask(ctx, run);
}

/** Adds events caused from outside the workflow, together: buffered while a task runs, else appended with a new task. */
export function deliver(ctx: Ctx, run: Run, ...bodies: EventBody[]): void {
  if (!isOpen(run)) return;
  if (run.state.wft?.startedEventId !== undefined) {
    run.state.buffered.push(...bodies);
    ctx.touch(run);
    return;
  }
  for (const body of bodies) ctx.append(run, body);
  scheduleWorkflowTask(ctx, run);
}

export function flushBuffered(ctx: Ctx, run: Run): boolean {
  const buffered = run.state.buffered.splice(0);
  for (const body of buffered) ctx.append(run, body);
  return buffered.length > 0;
}

/** Hands a scheduled workflow task to a poller: writes WorkflowTaskStarted and builds the poll response. */
export function dispatchWorkflowTask(ctx: Ctx, run: Run, version: number, identity: string): unknown | null {
  const s = run.state;
  const wft = s.wft;
  if (!wft || wft.version !== version || wft.startedEventId !== undefined || !isOpen(run)) return null;
  const now = ctx.clock.now();
  const virtual: HistoryEvent[] = [];
  if (wft.transient) {
    wft.scheduledEventId = s.nextEventId;
    wft.startedEventId = s.nextEventId + 1;
    virtual.push(
      transientEvent(ctx, wft.scheduledEventId, { workflowTaskScheduledEventAttributes: {
        taskQueue: { name: wft.taskQueue, kind: wft.sticky ? STICKY : NORMAL }, startToCloseTimeout: toDuration(s.taskTimeoutMs), attempt: wft.attempt } }),
      transientEvent(ctx, wft.startedEventId, { workflowTaskStartedEventAttributes: { scheduledEventId: wft.scheduledEventId, identity } }),
    );
  } else {
    wft.startedEventId = Number(ctx.append(run, {
      workflowTaskStartedEventAttributes: { scheduledEventId: wft.scheduledEventId, identity, requestId: ctx.newId(), historySizeBytes: s.historySizeBytes },
    }).eventId);
  }
  wft.startedAt = now;
  wft.identity = identity;
  ctx.touch(run);
  armTaskTimeout(ctx, run);
  const since = wft.sticky ? s.lastWftStartedEventId : 0;
  const events = [...run.events.filter((e) => Number(e.eventId) > since), ...virtual];
  const queries: Record<string, unknown> = {};
  for (const q of run.queries.splice(0)) {
    queries[q.id] = { queryType: q.queryType, queryArgs: q.queryArgs, header: q.header };
    ctx.queryTasks.set(q.id, { runId: s.runId, query: q, sticky: wft.sticky, dispatched: true, viaWft: true });
  }
  return {
    taskToken: encodeToken({ k: 'w', ns: s.namespace, rid: s.runId, s: wft.scheduledEventId, v: wft.version }),
    workflowExecution: { workflowId: s.workflowId, runId: s.runId },
    workflowType: { name: s.workflowType },
    previousStartedEventId: s.lastWftStartedEventId,
    startedEventId: wft.startedEventId,
    attempt: wft.attempt,
    history: { events },
    workflowExecutionTaskQueue: { name: s.taskQueue, kind: NORMAL },
    scheduledTime: toTimestamp(wft.scheduledAt),
    startedTime: toTimestamp(now),
    queries,
    messages: pendingUpdateMessages(ctx, run, wft.startedEventId - 1),
  };
}

function transientEvent(ctx: Ctx, eventId: number, body: EventBody): HistoryEvent {
  const type = body.workflowTaskScheduledEventAttributes
    ? enums.EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED
    : enums.EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED;
  return { eventId, eventTime: toTimestamp(ctx.clock.now()), eventType: type, ...body };
}

/** Writes the scheduled and started events of a transient task once it completes. */
export function materializeTransient(ctx: Ctx, run: Run): void {
  const wft = run.state.wft!;
  if (!wft.transient) return;
  ctx.append(run, { workflowTaskScheduledEventAttributes: {
    taskQueue: { name: wft.taskQueue, kind: wft.sticky ? STICKY : NORMAL }, startToCloseTimeout: toDuration(run.state.taskTimeoutMs), attempt: wft.attempt } });
  ctx.append(run, { workflowTaskStartedEventAttributes: { scheduledEventId: wft.scheduledEventId, identity: wft.identity } });
  wft.transient = false;
}

function armTaskTimeout(ctx: Ctx, run: Run): void {
  const wft = run.state.wft!;
  const version = wft.version;
  ctx.runTimer(run, 'wft-timeout', wft.startedAt! + run.state.taskTimeoutMs, () => ctx.tx(() => {
    const cur = run.state.wft;
    if (ctx.runs.get(run.state.runId) !== run || cur?.version !== version || cur.startedEventId === undefined) return;
    if (!cur.transient) {
      ctx.append(run, { workflowTaskTimedOutEventAttributes: {
        scheduledEventId: cur.scheduledEventId, startedEventId: cur.startedEventId,
        timeoutType: enums.TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE } });
    }
    retryWorkflowTask(ctx, run);
  }));
}

/** After a failed or timed-out task: clears stickiness and schedules the next attempt. */
export function retryWorkflowTask(ctx: Ctx, run: Run): void {
  const s = run.state;
  const attempt = s.wft?.attempt ?? 1;
  s.wft = undefined;
  ctx.cancelTimers(run, 'wft-');
  s.stickyQueue = undefined;
  requeueWftQueries(ctx, run);
  const hadEvents = flushBuffered(ctx, run);
  scheduleWorkflowTask(ctx, run, hadEvents ? 1 : attempt + 1);
}

/** Re-creates queued work after a restart: the task itself, or its timeout if it was running. */
export function recoverWorkflowTask(ctx: Ctx, run: Run): void {
  const wft = run.state.wft;
  if (!wft) {
    dispatchQueryTasks(ctx, run);
    return;
  }
  if (wft.startedEventId !== undefined) armTaskTimeout(ctx, run);
  else enqueueWorkflowTask(ctx, run);
}
