export interface QueuedTask {
  /** 1 (first) to 5 (last); 3 when unset. */
  priority: number;
  fairnessKey: string;
  addedAt: number;
}

/** Turns a queued task into a poll response, or null when the task went stale (completed, timed out, moved). */
export type Dispatcher<T> = (task: T, identity: string) => unknown | null;

interface Poller { identity: string; resolve: (response: unknown | null) => void; signal: AbortSignal }
interface Level<T> { order: string[]; byKey: Map<string, T[]> }

export const DEFAULT_PRIORITY = 3;

/**
 * One task queue: tasks ordered by priority level (lower first), round-robin over fairness keys within a level,
 * dispatched to long-polling workers no faster than the rate limit the workers asked for.
 */
export class TaskQueue<T extends QueuedTask> {
  private readonly levels = new Map<number, Level<T>>();
  private readonly pollers: Poller[] = [];
  private count = 0;
  private ratePerSecond: number | undefined;
  private tokens = 0;
  private refilledAt = Date.now();
  private rateTimer: NodeJS.Timeout | undefined;
  readonly pollerSeen = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly dispatch: Dispatcher<T>,
    private readonly pollTimeoutMs: number,
  ) {}

  get backlog(): number {
    return this.count;
  }

  oldestAddedAt(): number | undefined {
    let oldest: number | undefined;
    for (const level of this.levels.values()) {
      for (const tasks of level.byKey.values()) {
        if (tasks.length > 0 && (oldest === undefined || tasks[0].addedAt < oldest)) oldest = tasks[0].addedAt;
      }
    }
    return oldest;
  }

  /** Whether a task may bypass the queue (eager dispatch): nothing waiting and no rate limit to respect. */
  get canBypass(): boolean {
    return this.count === 0 && this.ratePerSecond === undefined;
  }

  setRateLimit(perSecond: number | undefined): void {
    if (perSecond === this.ratePerSecond) return;
    this.ratePerSecond = perSecond && perSecond > 0 ? perSecond : undefined;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  add(task: T): void {
    const level = this.level(task.priority);
    let tasks = level.byKey.get(task.fairnessKey);
    if (!tasks) {
      tasks = [];
      level.byKey.set(task.fairnessKey, tasks);
      level.order.push(task.fairnessKey);
    }
    tasks.push(task);
    this.count++;
    this.drain();
  }

  poll(identity: string, signal: AbortSignal): Promise<unknown | null> {
    this.pollerSeen.set(identity, Date.now());
    return new Promise((resolve) => {
      const poller: Poller = { identity, resolve, signal };
      const timer = setTimeout(() => this.removePoller(poller, null), this.pollTimeoutMs);
      poller.resolve = (response) => {
        clearTimeout(timer);
        resolve(response);
      };
      signal.addEventListener('abort', () => this.removePoller(poller, null), { once: true });
      this.pollers.push(poller);
      this.drain();
    });
  }

  /** Answers every waiting poll with an empty response (worker shutdown, server stop). */
  releasePollers(): void {
    for (const p of this.pollers.splice(0)) p.resolve(null);
  }

  private removePoller(poller: Poller, response: unknown | null): void {
    const i = this.pollers.indexOf(poller);
    if (i >= 0) {
      this.pollers.splice(i, 1);
      poller.resolve(response);
    }
  }

  private drain(): void {
    while (this.pollers.length > 0 && this.count > 0) {
      if (!this.takeToken()) return;
      const task = this.next();
      if (!task) return;
      const poller = this.pollers[0];
      const response = this.dispatch(task, poller.identity);
      if (response === null) {
        this.returnToken();
        continue;
      }
      this.pollers.shift();
      poller.resolve(response);
    }
  }

  private next(): T | undefined {
    const priorities = [...this.levels.keys()].sort((a, b) => a - b);
    for (const p of priorities) {
      const level = this.levels.get(p)!;
      while (level.order.length > 0) {
        const key = level.order.shift()!;
        const tasks = level.byKey.get(key)!;
        const task = tasks.shift();
        if (tasks.length > 0) level.order.push(key);
        else level.byKey.delete(key);
        if (task) {
          this.count--;
          return task;
        }
      }
      this.levels.delete(p);
    }
    return undefined;
  }

  private level(priority: number): Level<T> {
    let level = this.levels.get(priority);
    if (!level) {
      level = { order: [], byKey: new Map() };
      this.levels.set(priority, level);
    }
    return level;
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
