const WINDOW_MS = 60_000;

/** Panel requests and 429s of this process in the last minute. */
export class CallMeter {
  private calls: number[] = [];
  private limited: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  call(): void {
    this.calls.push(this.now());
  }

  rateLimited(): void {
    this.limited.push(this.now());
  }

  lastMinute(): { calls: number; rateLimited: number } {
    const since = this.now() - WINDOW_MS;
    this.calls = this.calls.filter((t) => t > since);
    this.limited = this.limited.filter((t) => t > since);
    return { calls: this.calls.length, rateLimited: this.limited.length };
  }
}
