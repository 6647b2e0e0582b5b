const WINDOW_MS = 60_000;

/** Told of every panel request and 429 the meter records (metrics); it changes nothing about them. */
export interface CallObserver {
  call(): void;
  rateLimited(): void;
}

/** Panel requests and 429s of this process in the last minute. */
export class CallMeter {
  private calls: number[] = [];
  private limited: number[] = [];
  private readonly observers: CallObserver[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Adds an observer for the calls and 429s recorded from now on. */
  observe(observer: CallObserver): void {
    this.observers.push(observer);
  }

  call(): void {
    this.calls.push(this.now());
    for (const o of this.observers) o.call();
  }

  rateLimited(): void {
    this.limited.push(this.now());
    for (const o of this.observers) o.rateLimited();
  }

  lastMinute(): { calls: number; rateLimited: number } {
    const since = this.now() - WINDOW_MS;
    this.calls = this.calls.filter((t) => t > since);
    this.limited = this.limited.filter((t) => t > since);
    return { calls: this.calls.length, rateLimited: this.limited.length };
  }
}
