const WINDOW_S = 30;

/** Events per second averaged over the last 30 seconds, as DescribeTaskQueue reports add and dispatch rates. */
export class RateWindow {
  private readonly buckets = new Array<number>(WINDOW_S).fill(0);
  private second = Math.floor(Date.now() / 1000);

  record(n = 1): void {
    this.advance();
    this.buckets[this.second % WINDOW_S] += n;
  }

  perSecond(): number {
    this.advance();
    return this.buckets.reduce((a, b) => a + b, 0) / WINDOW_S;
  }

  any(): boolean {
    return this.perSecond() > 0;
  }

  private advance(): void {
    const now = Math.floor(Date.now() / 1000);
    for (let s = Math.max(this.second + 1, now - WINDOW_S + 1); s <= now; s++) this.buckets[s % WINDOW_S] = 0;
    this.second = Math.max(this.second, now);
  }
}
