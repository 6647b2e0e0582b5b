import { AsyncLocalStorage } from 'node:async_hooks';

/** Finished provider tasks the estimate averages over. */
const WINDOW = 100;
/** Until this many tasks have finished, every task is assumed to make one call. */
const MIN_SAMPLE = 10;
/** Bounds of the estimate: at most four tasks per budgeted call, at least half a task per call. */
const MIN_CALLS_PER_TASK = 0.25;
const MAX_CALLS_PER_TASK = 2;

/**
 * Panel calls per provider task. The provider task queue's server-side rate counts tasks, while the budget counts
 * calls, and some tasks make none (a delete of a server already gone) or two (a look-up after a timeout). Each provider activity runs inside `wrap`, every call inside one is counted, and
 * the dispatch rate is the call budget divided by the average over the last tasks.
 */
export class ProviderTaskCalls {
  private readonly current = new AsyncLocalStorage<{ calls: number }>();
  private readonly recent: number[] = [];
  private sum = 0;

  /** `fn` as a provider activity whose calls are counted. */
  wrap<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args: A) => {
      const task = { calls: 0 };
      try {
        return await this.current.run(task, () => fn(...args));
      } finally {
        this.record(task.calls);
      }
    };
  }

  /** A panel call is being made (counted when it happens inside a provider task). */
  counted(): void {
    const task = this.current.getStore();
    if (task) task.calls += 1;
  }

  /** Average calls per finished provider task, bounded; 1 until enough tasks have finished. */
  callsPerTask(): number {
    if (this.recent.length < MIN_SAMPLE) return 1;
    return Math.min(MAX_CALLS_PER_TASK, Math.max(MIN_CALLS_PER_TASK, this.sum / this.recent.length));
  }

  private record(calls: number): void {
    this.recent.push(calls);
    this.sum += calls;
    if (this.recent.length > WINDOW) this.sum -= this.recent.shift()!;
  }
}

/** Calls a pacer lets through at once after a quiet moment: a quarter second's worth (at least one). */
const BURST_SECONDS = 0.25;

/**
 * A token bucket over this process's panel calls at its share of the budget (a quarter second of burst). The task
 * queues may dispatch more tasks than the budget has calls (the estimate lags, planning steps now and then call), so
 * this is what holds the call rate: calls beyond it wait their turn.
 */
export class CallPacer {
  private tokens = 1;
  private last: number;

  constructor(private readonly now: () => number = Date.now) {
    this.last = now();
  }

  /** Milliseconds until a call may be made at `ratePerMinute` (0: now), taking its token when it may. */
  reserve(ratePerMinute: number): number {
    const perMs = ratePerMinute / 60_000;
    const capacity = Math.max(1, (ratePerMinute / 60) * BURST_SECONDS);
    const now = this.now();
    this.tokens = Math.min(capacity, this.tokens + (now - this.last) * perMs);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / perMs);
  }

  async take(ratePerMinute: number): Promise<void> {
    const waitMs = this.reserve(ratePerMinute);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
}
