import type { temporal, Plain } from './proto';

export type HistoryEvent = Plain<temporal.api.history.v1.IHistoryEvent>;
export type Failure = Plain<temporal.api.failure.v1.IFailure>;
export type Payloads = Plain<temporal.api.common.v1.IPayloads>;
export type RetryPolicy = Plain<temporal.api.common.v1.IRetryPolicy>;

/** Event attributes keyed by the HistoryEvent oneof name, e.g. `{ timerFiredEventAttributes: {...} }`. */
export type EventBody = Omit<HistoryEvent, 'eventId' | 'eventTime' | 'eventType' | 'taskId' | 'version'>;

export interface ActivityInfo {
  scheduledEventId: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  input?: Payloads | null;
  header?: Plain<temporal.api.common.v1.IHeader> | null;
  scheduleToCloseMs: number;
  scheduleToStartMs: number;
  startToCloseMs: number;
  heartbeatMs: number;
  retryPolicy: RetryPolicy;
  priority: number;
  fairnessKey: string;
  fairnessWeight?: number;
  attempt: number;
  state: 'scheduled' | 'backoff' | 'started';
  firstScheduledAt: number;
  scheduledAt: number;
  startedAt?: number;
  startedIdentity?: string;
  lastHeartbeatAt?: number;
  heartbeatDetails?: Payloads | null;
  lastFailure?: Failure | null;
  cancelRequested: boolean;
  cancelRequestedEventId?: number;
  /** Bumped on every dispatch and retry so stale task tokens and timeouts are recognised. */
  version: number;
}

export interface TimerInfo { timerId: string; startedEventId: number; fireAt: number }

export interface ChildInfo {
  initiatedEventId: number;
  namespace: string;
  workflowId: string;
  runId?: string;
  workflowType: string;
  startedEventId?: number;
  parentClosePolicy: number;
}

export interface WorkflowTaskInfo {
  scheduledEventId: number;
  startedEventId?: number;
  attempt: number;
  taskQueue: string;
  sticky: boolean;
  scheduledAt: number;
  startedAt?: number;
  identity?: string;
  /** Attempts after the first are not written to history until they complete (as the real server does). */
  transient: boolean;
  version: number;
}

export interface UpdateInfo {
  updateId: string;
  request: Plain<temporal.api.update.v1.IRequest>;
  state: 'admitted' | 'sent' | 'accepted' | 'completed' | 'rejected' | 'aborted';
  acceptedEventId?: number;
  outcome?: Plain<temporal.api.update.v1.IOutcome> | null;
}

export interface ParentRef { namespace: string; workflowId: string; runId: string; initiatedEventId: number }

/** Mutable state of one workflow run. Everything here but `events` is persisted as one JSON document. */
export interface RunState {
  namespace: string;
  workflowId: string;
  runId: string;
  firstRunId: string;
  workflowType: string;
  taskQueue: string;
  status: number;
  startTime: number;
  executionTime: number;
  closeTime?: number;
  startRequestId: string;
  requestIds: string[];
  memo?: Plain<temporal.api.common.v1.IMemo> | null;
  searchAttributes: Record<string, Plain<temporal.api.common.v1.IPayload>>;
  runTimeoutMs: number;
  executionTimeoutMs: number;
  executionExpiresAt?: number;
  taskTimeoutMs: number;
  retryPolicy?: RetryPolicy | null;
  attempt: number;
  priority: number;
  fairnessKey: string;
  fairnessWeight?: number;
  /** Priority as the start request (or, for a child, the merge with its parent's) gave it; reported by describe. */
  requestedPriority?: Plain<temporal.api.common.v1.IPriority> | null;
  parent?: ParentRef;
  nextEventId: number;
  lastWftStartedEventId: number;
  wft?: WorkflowTaskInfo;
  stickyQueue?: string;
  stickyTimeoutMs: number;
  buffered: EventBody[];
  activities: Record<number, ActivityInfo>;
  timers: Record<string, TimerInfo>;
  children: Record<number, ChildInfo>;
  updates: Record<string, UpdateInfo>;
  cancelRequested: boolean;
  newRunId?: string;
  historySizeBytes: number;
  /** Source of task versions: every dispatchable task gets a fresh one, so stale tokens and timers are ignored. */
  taskSeq: number;
}
