import { Backlog, QueuedTask } from './backlog';
import { RateWindow } from './rate-window';

export type { QueuedTask } from './backlog';

/** Turns a queued task into a poll response, or null when the task went stale (completed, timed out, moved). */
export type Dispatcher<T> = (task: T, identity: string) => unknown | null;

interface Poller { identity: string; workerKey?: string; resolve: (response: unknown | null) => void; signal: AbortSignal }
export interface PollerSeen { at: number; ratePerSecond?: number }

export const DEFAULT_PRIORITY = 3;
/** A long poll answers empty this long before the caller's deadline, as the real frontend's tail room does. */
const TAIL_ROOM_MS = 1000;

/**
 * One task queue: a backlog ordered by priority and fairness (see Backlog), dispatched to long-polling workers no
 * faster than the rate limit the workers asked for.
 */
export class TaskQueue<T extends QueuedTask> {
  private readonly tasks = new Backlog<T>();
  private readonly pollers: Poller[] = [];
  private ratePerSecond: number | undefined;
  private tokens = 0;
  private refilledAt = Date.now();
  private rateTimer: NodeJS.Timeout | undefined;
  readonly pollerSeen = new Map<string, PollerSeen>();
  readonly added = new RateWindow();
  readonly dispatched = new RateWindow();
  readonly throttled = new RateWindow();

  constructor(
    readonly name: string,
    private readonly dispatch: Dispatcher<T>,
    private readonly pollTimeoutMs: number,
  ) {}

  get backlog(): number {
    return this.tasks.size;
  }

  get rateLimit(): number | undefined {
    return this.ratePerSecond;
  }

  byPriority(): Map<number, { count: number; oldestAddedAt: number }> {
    return this.tasks.byPriority();
  }

  oldestAddedAt(): number | undefined {
    const oldest = Math.min(...[...this.byPriority().values()].map((l) => l.oldestAddedAt));
    return Number.isFinite(oldest) ? oldest : undefined;
  }

  /** Whether a task may bypass the queue (eager dispatch): nothing waiting and no rate limit to respect. */
  get canBypass(): boolean {
    return this.tasks.size === 0 && this.ratePerSecond === undefined;
  }

  setRateLimit(perSecond: number | undefined): void {
    if (perSecond === this.ratePerSecond) return;
    this.ratePerSecond = perSecond && perSecond > 0 ? perSecond : undefined;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  add(task: T): void {
    this.tasks.add(task);
    this.added.record();
    this.drain();
  }

  /** Waits for a task; answers null (an empty response) after the long-poll period or just before `deadline`. */
  poll(identity: string, signal: AbortSignal, deadline = Infinity, ratePerSecond?: number, workerKey?: string): Promise<unknown | null> {
    this.pollerSeen.set(identity, { at: Date.now(), ratePerSecond });
    return new Promise((resolve) => {
      const poller: Poller = { identity, workerKey: workerKey || undefined, resolve, signal };
      const waitMs = Math.max(0, Math.min(this.pollTimeoutMs, deadline - Date.now() - TAIL_ROOM_MS));
      const timer = setTimeout(() => this.removePoller(poller, null), waitMs);
      poller.resolve = (response) => {
        clearTimeout(timer);
        resolve(response);
      };
      if (signal.aborted) return poller.resolve(null);
      signal.addEventListener('abort', () => this.removePoller(poller, null), { once: true });
      this.pollers.push(poller);
      this.drain();
    });
  }

  /** Answers every waiting poll with an empty response (worker shutdown, server stop). */
  releasePollers(): void {
    for (const p of this.pollers.splice(0)) p.resolve(null);
  }

  /** Answers the waiting polls of one worker (its ShutdownWorker) with empty responses. */
  releaseWorker(workerKey: string): void {
    for (const p of this.pollers.filter((w) => w.workerKey === workerKey)) this.removePoller(p, null);
  }

  private removePoller(poller: Poller, response: unknown | null): void {
    const i = this.pollers.indexOf(poller);
    if (i >= 0) {
      this.pollers.splice(i, 1);
      poller.resolve(response);
    }
  }

  private drain(): void {
    while (this.pollers.length > 0 && this.tasks.size > 0) {
      if (!this.takeToken()) return;
      const task = this.tasks.pop();
      if (!task) return;
      const poller = this.pollers[0];
      const response = this.dispatch(task, poller.identity);
      if (response === null) {
        this.returnToken();
        continue;
      }
      this.pollers.shift();
      this.dispatched.record();
      poller.resolve(response);
    }
  }

  private burst(): number {
    return this.ratePerSecond ? Math.max(1, this.ratePerSecond) : Infinity;
  }

  private takeToken(): boolean {
    if (!this.ratePerSecond) return true;
    const now = Date.now();
    this.tokens = Math.min(this.burst(), this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerSecond);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    this.throttled.record();
    if (!this.rateTimer) {
      const waitMs = Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
      this.rateTimer = setTimeout(() => {
        this.rateTimer = undefined;
        this.drain();
      }, waitMs);
    }
    return false;
  }

  private returnToken(): void {
    if (this.ratePerSecond) this.tokens += 1;
  }
}
