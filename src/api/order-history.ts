import type { Client } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { orderWorkflowId } from '../workflows/contract';
import { orderNotFound } from './errors';
import { isWorkflowNotFound } from '../temporal-errors';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Failure = temporal.api.failure.v1.IFailure;
type PendingActivity = temporal.api.workflow.v1.IPendingActivityInfo;
const EventType = temporal.api.enums.v1.EventType;

export type ActivityStatus = 'SCHEDULED' | 'STARTED' | 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELED';
export type WorkflowOutcome =
  'RUNNING' | 'COMPLETED' | 'FAILED' | 'TIMED_OUT' | 'CANCELED' | 'TERMINATED' | 'CONTINUED_AS_NEW';

/** A failure without its stack trace: `cause` joins the messages of the failures beneath it. */
export interface FailureSummary {
  type: string | null;
  message: string;
  cause: string | null;
}

/**
 * One scheduled activity. `attempt` is the attempt that ran last (null until one is known); `failure` is why it
 * failed, or, while it runs or after it succeeded on a retry, why the previous attempt failed.
 */
export interface ActivityRun {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  status: ActivityStatus;
  attempt: number | null;
  scheduledAt: string | null;
  startedAt: string | null;
  closedAt: string | null;
  failure: FailureSummary | null;
}

/** GET /v1/orders/:id/history: the workflow history of one order, summarised. */
export interface OrderHistory {
  orderId: string;
  eventCount: number;
  workflow: {
    outcome: WorkflowOutcome;
    startedAt: string | null;
    closedAt: string | null;
    failure: FailureSummary | null;
  };
  /** Oldest first; only the last MAX_ACTIVITIES when `truncated`. */
  activities: ActivityRun[];
  workflowTaskFailures: Array<{ at: string | null; failure: FailureSummary | null }>;
  truncated: boolean;
}

export const MAX_ACTIVITIES = 200;
const MAX_MESSAGE = 500;
const MAX_TASK_FAILURES = 20;

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);
const timeOf = (ts: HistoryEvent['eventTime']) => optionalTsToDate(ts)?.toISOString() ?? null;
const num = (value: unknown) => (value === null || value === undefined ? 0 : Number(value));

function failureType(failure: Failure): string | null {
  if (failure.applicationFailureInfo) return failure.applicationFailureInfo.type || null;
  if (failure.timeoutFailureInfo)
    return `Timeout:${temporal.api.enums.v1.TimeoutType[failure.timeoutFailureInfo.timeoutType ?? 0] ?? 'UNKNOWN'}`;
  if (failure.canceledFailureInfo) return 'Canceled';
  if (failure.terminatedFailureInfo) return 'Terminated';
  if (failure.activityFailureInfo) return 'ActivityFailure';
  if (failure.serverFailureInfo) return 'ServerFailure';
  return null;
}

export function summariseFailure(failure: Failure | null | undefined): FailureSummary | null {
  if (!failure) return null;
  const causes: string[] = [];
  for (let cause = failure.cause; cause && causes.length < 5; cause = cause.cause)
    if (cause.message) causes.push(cause.message);
  return {
    type: failureType(failure),
    message: clip(failure.message ?? ''),
    cause: causes.length ? clip(causes.join(': ')) : null,
  };
}

const CLOSE: Partial<Record<number, WorkflowOutcome>> = {
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]: 'COMPLETED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]: 'FAILED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT]: 'TIMED_OUT',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED]: 'CANCELED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]: 'TERMINATED',
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: 'CONTINUED_AS_NEW',
};

function closeActivity(
  runs: Map<number, ActivityRun>,
  event: HistoryEvent,
  scheduledEventId: unknown,
  status: ActivityStatus,
  failure?: Failure | null,
): void {
  const run = runs.get(num(scheduledEventId));
  if (!run) return;
  run.status = status;
  run.closedAt = timeOf(event.eventTime);
  if (failure !== undefined) run.failure = summariseFailure(failure) ?? run.failure;
}

/** Activity runs, workflow outcome and workflow-task failures from raw history events; `pending` adds running attempts. */
export function summariseHistory(
  orderId: string,
  events: HistoryEvent[],
  pending: PendingActivity[] = [],
): OrderHistory {
  const runs = new Map<number, ActivityRun>();
  const workflow: OrderHistory['workflow'] = { outcome: 'RUNNING', startedAt: null, closedAt: null, failure: null };
  const workflowTaskFailures: OrderHistory['workflowTaskFailures'] = [];
  for (const event of events) {
    const type = event.eventType ?? 0;
    if (type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED) workflow.startedAt = timeOf(event.eventTime);
    else if (CLOSE[type]) {
      workflow.outcome = CLOSE[type];
      workflow.closedAt = timeOf(event.eventTime);
      workflow.failure = summariseFailure(event.workflowExecutionFailedEventAttributes?.failure);
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      const attrs = event.activityTaskScheduledEventAttributes;
      runs.set(num(event.eventId), {
        scheduledEventId: num(event.eventId),
        activityId: attrs?.activityId ?? '',
        activityType: attrs?.activityType?.name ?? '',
        status: 'SCHEDULED',
        attempt: null,
        scheduledAt: timeOf(event.eventTime),
        startedAt: null,
        closedAt: null,
        failure: null,
      });
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const attrs = event.activityTaskStartedEventAttributes;
      const run = runs.get(num(attrs?.scheduledEventId));
      if (!run) continue;
      run.status = 'STARTED';
      run.attempt = attrs?.attempt ?? null;
      run.startedAt = timeOf(event.eventTime);
      run.failure = summariseFailure(attrs?.lastFailure);
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      closeActivity(runs, event, event.activityTaskCompletedEventAttributes?.scheduledEventId, 'COMPLETED');
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED) {
      const attrs = event.activityTaskFailedEventAttributes;
      closeActivity(runs, event, attrs?.scheduledEventId, 'FAILED', attrs?.failure);
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
      const attrs = event.activityTaskTimedOutEventAttributes;
      closeActivity(runs, event, attrs?.scheduledEventId, 'TIMED_OUT', attrs?.failure);
    } else if (type === EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED) {
      closeActivity(runs, event, event.activityTaskCanceledEventAttributes?.scheduledEventId, 'CANCELED');
    } else if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED && workflowTaskFailures.length < MAX_TASK_FAILURES) {
      workflowTaskFailures.push({
        at: timeOf(event.eventTime),
        failure: summariseFailure(event.workflowTaskFailedEventAttributes?.failure),
      });
    }
  }
  const all = [...runs.values()];
  for (const info of pending) {
    const run = [...all]
      .reverse()
      .find((r) => r.activityId === info.activityId && (r.status === 'SCHEDULED' || r.status === 'STARTED'));
    if (!run) continue;
    run.attempt = info.attempt ?? run.attempt;
    run.failure = summariseFailure(info.lastFailure) ?? run.failure;
    if (info.state === temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
      run.status = 'STARTED';
      run.startedAt = optionalTsToDate(info.lastStartedTime)?.toISOString() ?? run.startedAt;
    }
  }
  return {
    orderId,
    eventCount: events.length,
    workflow,
    workflowTaskFailures,
    activities: all.slice(-MAX_ACTIVITIES),
    truncated: all.length > MAX_ACTIVITIES,
  };
}

/** The order's history through `fetchHistory`, with the running activities' attempts from `describe`. */
export async function orderHistory(client: Client, orderId: string): Promise<OrderHistory> {
  const handle = client.workflow.getHandle(orderWorkflowId(orderId));
  try {
    const [history, described] = await Promise.all([handle.fetchHistory(), handle.describe()]);
    return summariseHistory(orderId, history.events ?? [], described.raw.pendingActivities ?? []);
  } catch (err) {
    throw isWorkflowNotFound(err) ? orderNotFound(orderId) : err;
  }
}
