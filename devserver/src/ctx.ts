import { Clock, TimerHandle } from './clock';
import { eventTypeOf } from './events';
import { namespaceNotFound, workflowNotFound } from './errors';
import { QueuedTask, TaskQueue } from './matching';
import { toTimestamp } from './proto';
import type { EventBody, HistoryEvent, RunState } from './state';
import type { NamespaceRecord, Store } from './store';
import { VisibilityIndex } from './visibility-index';

export interface PendingQuery {
  id: string;
  queryType: string;
  queryArgs?: unknown;
  header?: unknown;
  resolve: (result: { answer?: unknown; failure?: unknown; errorMessage?: string; rejected?: unknown }) => void;
  reject: (err: Error) => void;
}

export interface QueryTaskEntry { runId: string; query: PendingQuery; sticky: boolean; dispatched?: boolean; viaWft?: boolean }

/** A run in memory: persisted state plus what only lives while the process does (waiters). */
export interface Run {
  state: RunState;
  events: HistoryEvent[];
  persistedEvents: number;
  historyWaiters: Set<() => void>;
  queries: PendingQuery[];
  updateWaiters: Map<string, Set<() => void>>;
  /** Timers armed for this run, by purpose; cancelled when what they guard ends so the run can be freed. */
  handles: Map<string, TimerHandle>;
}

export type WorkflowQueueTask = QueuedTask & ({ kind: 'wft'; runId: string; version: number } | { kind: 'query'; queryId: string });
export type ActivityQueueTask = QueuedTask & { runId: string; scheduledEventId: number; version: number };

export interface Dispatchers {
  workflow(task: WorkflowQueueTask, identity: string): unknown | null;
  activity(task: ActivityQueueTask, identity: string): unknown | null;
}

export interface EngineOptions {
  timeSkipping: boolean;
  retentionMs: number;
  /** Never delete closed runs (the time-skipping server without an explicit retention, like the Java test server). */
  keepClosedRuns?: boolean;
  pollTimeoutMs: number;
}

/** Shared state of the embedded server. Every mutation happens inside `tx`, which persists what it touched. */
/** How long a stopped worker's key is remembered (longer than a long poll). */
const STOPPED_WORKER_MEMORY_MS = 90_000;

export class Ctx {
  readonly namespaces = new Map<string, NamespaceRecord>();
  readonly runs = new Map<string, Run>();
  readonly current = new Map<string, string>();
  readonly workflowQueues = new Map<string, TaskQueue<WorkflowQueueTask>>();
  readonly activityQueues = new Map<string, TaskQueue<ActivityQueueTask>>();
  /** Workers that called ShutdownWorker (workerInstanceKey -> until when their late polls are answered empty). */
  private readonly stoppedWorkers = new Map<string, number>();
  readonly queryTasks = new Map<string, QueryTaskEntry>();
  /** Runs by exact search attribute value, for visibility queries; re-indexed whenever a run's attributes change. */
  readonly visibility = new VisibilityIndex();
  readonly clock: Clock;
  dispatchers!: Dispatchers;
  private depth = 0;
  private readonly dirty = new Set<Run>();
  private readonly deleted: string[] = [];
  private seq = 0;

  constructor(
    readonly store: Store,
    readonly options: EngineOptions,
  ) {
    this.clock = new Clock(options.timeSkipping, () => this.outstandingTasks());
  }

  /** Workflow and activity tasks scheduled or running (retry backoffs excluded); each holds time like a skipping lock. */
  outstandingTasks(): number {
    let n = 0;
    for (const run of this.runs.values()) {
      if (run.state.wft) n++;
      for (const a of Object.values(run.state.activities)) if (a.state !== 'backoff') n++;
    }
    return n;
  }

  tx<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  private flush(): void {
    if (this.dirty.size === 0 && this.deleted.length === 0) return;
    const writes = [...this.dirty].map((run) => {
      const newEvents = run.events.slice(run.persistedEvents);
      run.persistedEvents = run.events.length;
      return { state: run.state, newEvents };
    });
    this.dirty.clear();
    this.store.saveRuns(writes, this.deleted.splice(0));
    this.clock.idleMayHaveChanged();
  }

  /** Arms a timer for `run` under `key`, replacing an earlier one with the same key. */
  runTimer(run: Run, key: string, at: number, fire: () => void): void {
    run.handles.get(key)?.cancel();
    const handle = this.clock.at(at, () => {
      if (run.handles.get(key) === handle) run.handles.delete(key);
      fire();
    });
    run.handles.set(key, handle);
  }

  cancelTimers(run: Run, prefix = ''): void {
    for (const [key, handle] of run.handles) {
      if (!key.startsWith(prefix)) continue;
      handle.cancel();
      run.handles.delete(key);
    }
  }

  touch(run: Run): void {
    this.dirty.add(run);
  }

  newId(): string {
    return `${Date.now().toString(36)}-${(this.seq++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }

  namespace(name: string | null | undefined): NamespaceRecord {
    const ns = this.namespaces.get(name || 'default');
    if (!ns) throw namespaceNotFound(name || 'default');
    return ns;
  }

  addRun(run: Run): void {
    this.runs.set(run.state.runId, run);
    this.current.set(`${run.state.namespace}/${run.state.workflowId}`, run.state.runId);
    this.visibility.update(run);
    this.touch(run);
  }

  removeRun(run: Run): void {
    this.runs.delete(run.state.runId);
    this.visibility.remove(run);
    const key = `${run.state.namespace}/${run.state.workflowId}`;
    if (this.current.get(key) === run.state.runId) this.current.delete(key);
    this.dirty.delete(run);
    this.deleted.push(run.state.runId);
  }

  /** The given run, or the newest run of the workflow id; NOT_FOUND otherwise. */
  getRun(namespace: string, workflowId: string | null | undefined, runId?: string | null): Run {
    const id = runId || this.current.get(`${namespace}/${workflowId}`);
    const run = id ? this.runs.get(id) : undefined;
    if (!run || run.state.namespace !== namespace || (workflowId && run.state.workflowId !== workflowId)) {
      throw workflowNotFound(workflowId ?? '', runId);
    }
    return run;
  }

  findRun(namespace: string, workflowId: string, runId?: string | null): Run | undefined {
    try {
      return this.getRun(namespace, workflowId, runId);
    } catch {
      return undefined;
    }
  }

  append(run: Run, body: EventBody, eventId?: number): HistoryEvent {
    const event: HistoryEvent = {
      eventId: eventId ?? run.state.nextEventId,
      eventTime: toTimestamp(this.clock.now()),
      eventType: eventTypeOf(body),
      taskId: ++this.seq,
      ...body,
    };
    patchStartedReference(body, Number(event.eventId));
    run.events.push(event);
    run.state.nextEventId = Number(event.eventId) + 1;
    this.touch(run);
    for (const wake of [...run.historyWaiters]) wake();
    return event;
  }

  /**
   * ShutdownWorker with a workerInstanceKey (the namespace capability workerPollCompleteOnShutdown): its waiting
   * polls answer empty at once, so the worker never drops a poll that a task was already handed to, and polls it
   * sends afterwards answer empty too.
   */
  shutDownWorker(workerKey: string): void {
    const now = Date.now();
    for (const [key, until] of this.stoppedWorkers) if (until < now) this.stoppedWorkers.delete(key);
    this.stoppedWorkers.set(workerKey, now + STOPPED_WORKER_MEMORY_MS);
    for (const queue of [...this.workflowQueues.values(), ...this.activityQueues.values()]) queue.releaseWorker(workerKey);
  }

  workerShutDown(workerKey: string | null | undefined): boolean {
    return !!workerKey && (this.stoppedWorkers.get(workerKey) ?? 0) >= Date.now();
  }

  workflowQueue(namespace: string, name: string): TaskQueue<WorkflowQueueTask> {
    return this.queue(this.workflowQueues, namespace, name, (t, id) => this.dispatchers.workflow(t, id));
  }

  activityQueue(namespace: string, name: string): TaskQueue<ActivityQueueTask> {
    return this.queue(this.activityQueues, namespace, name, (t, id) => this.dispatchers.activity(t, id));
  }

  private queue<T extends QueuedTask>(
    map: Map<string, TaskQueue<T>>,
    namespace: string,
    name: string,
    dispatch: (t: T, identity: string) => unknown | null,
  ): TaskQueue<T> {
    const key = `${namespace}/${name}`;
    let q = map.get(key);
    if (!q) {
      q = new TaskQueue<T>(name, (t, identity) => this.tx(() => dispatch(t, identity)), this.options.pollTimeoutMs);
      map.set(key, q);
    }
    return q;
  }
}

export { priorityOf } from './priority';

/** Close events delivered with their started event carry startedEventId -1: the id of the event just before. */
function patchStartedReference(body: EventBody, eventId: number): void {
  for (const [key, value] of Object.entries(body)) {
    if (key.endsWith('EventAttributes') && value && (value as { startedEventId?: unknown }).startedEventId === -1) {
      (value as { startedEventId: number }).startedEventId = eventId - 1;
    }
  }
}
