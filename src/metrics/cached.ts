/**
 * A value read at most once per `ttlMs`, one read at a time (concurrent callers share it). A failed read keeps the
 * last good value (or rethrows when there is none) and is tried again on the next call.
 */
export class Cached<T> {
  private value: { at: number; value: T } | undefined;
  private reading: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value and whether it is fresh (false: the last read failed and this is the previous value). */
  async get(): Promise<{ value: T; fresh: boolean }> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return { value: this.value.value, fresh: true };
    try {
      this.reading ??= this.read().finally(() => {
        this.reading = undefined;
      });
      const value = await this.reading;
      this.value = { at: this.now(), value };
      return { value, fresh: true };
    } catch (err) {
      if (!this.value) throw err;
      return { value: this.value.value, fresh: false };
    }
  }
}
