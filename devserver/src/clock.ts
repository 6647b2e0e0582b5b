interface Entry { at: number; seq: number; fire: () => void; cancelled: boolean }

export interface TimerHandle { cancel(): void; readonly at: number }

/**
 * The server's clock and timer queue. In time-skipping mode (the test server) the clock jumps to the next timer
 * whenever the lock count is zero and `isIdle()` says no workflow or activity task is outstanding, as the Java test
 * server does. Otherwise timers fire on the wall clock.
 */
export class Clock {
  private offset = 0;
  private locks = 1;
  private seq = 0;
  private readonly heap: Entry[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private pending = false;
  private stopped = false;

  constructor(
    private readonly timeSkipping: boolean,
    private readonly isIdle: () => boolean = () => true,
  ) {}

  now(): number {
    return Date.now() + this.offset;
  }

  at(ms: number, fire: () => void): TimerHandle {
    const entry: Entry = { at: ms, seq: this.seq++, fire, cancelled: false };
    this.push(entry);
    this.poke();
    return { at: ms, cancel: () => { entry.cancelled = true; } };
  }

  after(ms: number, fire: () => void): TimerHandle {
    return this.at(this.now() + Math.max(0, ms), fire);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  lock(): void {
    this.locks++;
  }

  unlock(): void {
    if (this.locks === 0) throw new Error('time skipping is not locked: unbalanced UnlockTimeSkipping');
    this.locks--;
    this.poke();
  }

  get lockCount(): number {
    return this.locks;
  }

  /** Re-evaluates due timers and time skipping; call after anything that may make the server idle. */
  poke(): void {
    if (this.pending || this.stopped) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.run();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.realTimer) clearTimeout(this.realTimer);
  }

  private run(): void {
    if (this.stopped) return;
    if (this.realTimer) clearTimeout(this.realTimer);
    this.realTimer = undefined;
    for (;;) {
      const next = this.peek();
      if (!next) return;
      const now = this.now();
      if (next.at > now) {
        if (this.timeSkipping && this.locks === 0 && this.isIdle()) {
          this.offset += next.at - now;
        } else {
          this.realTimer = setTimeout(() => this.run(), Math.min(next.at - now, 2 ** 31 - 1));
          return;
        }
      }
      this.pop();
      next.fire();
      if (this.timeSkipping) {
        this.poke();
        return;
      }
    }
  }

  private peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.pop();
    return this.heap[0];
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
