interface Entry { at: number; seq: number; fire: () => void; cancelled: boolean; background: boolean }

export interface TimerHandle { cancel(): void; readonly at: number }

/**
 * The server's clock and timer queue. In time-skipping mode (the test server) the clock jumps to the next timer
 * whenever the lock count is zero. As on the Java test server, that count is the explicit locks (1 at start,
 * LockTimeSkipping / UnlockTimeSkipping) plus one per outstanding workflow or activity task, so an activity that calls
 * UnlockTimeSkippingWithSleep releases its own hold. Otherwise timers fire on the wall clock.
 */
export class Clock {
  private offset = 0;
  private locks = 1;
  private seq = 0;
  private readonly heap: Entry[] = [];
  private realTimer: NodeJS.Timeout | undefined;
  private pending = false;
  private stopped = false;
  private cancelledCount = 0;
  private armedAt = Infinity;

  constructor(
    private readonly timeSkipping: boolean,
    private readonly outstanding: () => number = () => 0,
  ) {}

  now(): number {
    return Date.now() + this.offset;
  }

  /** A `background` timer (housekeeping such as retention) fires when time reaches it but is never skipped to. */
  at(ms: number, fire: () => void, background = false): TimerHandle {
    const entry: Entry = { at: ms, seq: this.seq++, fire, cancelled: false, background };
    this.push(entry);
    if (this.timeSkipping || !this.realTimer || ms < this.armedAt) this.poke();
    return { at: ms, cancel: () => this.cancel(entry) };
  }

  private cancel(entry: Entry): void {
    if (entry.cancelled) return;
    entry.cancelled = true;
    entry.fire = () => undefined;
    if (++this.cancelledCount > 1024 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    this.heap.length = 0;
    this.cancelledCount = 0;
    for (const e of live) this.push(e);
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
    if (this.lockCount <= 0) throw new Error('time skipping is not locked: unbalanced UnlockTimeSkipping');
    this.locks--;
    this.poke();
  }

  /** Explicit locks plus outstanding tasks; time skips only at zero. */
  get lockCount(): number {
    return this.locks + this.outstanding();
  }

  /** Call after anything that may make the server idle: in time-skipping mode the clock may jump. */
  idleMayHaveChanged(): void {
    if (this.timeSkipping) this.poke();
  }

  /** Re-evaluates due timers and time skipping. */
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
    this.armedAt = Infinity;
    for (;;) {
      const next = this.peek();
      if (!next) return;
      const now = this.now();
      if (next.at > now) {
        const target = this.timeSkipping && this.lockCount <= 0 ? this.skipTarget(next) : undefined;
        if (target !== undefined) {
          this.offset += target - now;
        } else {
          this.realTimer = setTimeout(() => this.run(), Math.min(next.at - now, 2 ** 31 - 1));
          this.armedAt = next.at;
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

  private skipTarget(next: Entry): number | undefined {
    if (!next.background) return next.at;
    let target: number | undefined;
    for (const e of this.heap) if (!e.cancelled && !e.background && (target === undefined || e.at < target)) target = e.at;
    return target;
  }

  private peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0].cancelled) {
      this.pop();
      this.cancelledCount--;
    }
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
