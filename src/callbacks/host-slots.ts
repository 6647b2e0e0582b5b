/**
 * How many deliveries may be in flight to one receiver host at once (per worker process). A delivery that finds its
 * host's slots taken is handed back to Temporal to retry shortly, so a slow receiver never holds more than its share
 * of the callback worker's slots.
 */
export class HostSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly perHost: number) {
    if (!(perHost >= 1)) throw new Error('perHost must be at least 1');
  }

  /** Takes a slot for `host`; returns its release, or undefined when the host has none free. */
  take(host: string): (() => void) | undefined {
    const used = this.inFlight.get(host) ?? 0;
    if (used >= this.perHost) return undefined;
    this.inFlight.set(host, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(host) ?? 1) - 1;
      if (left > 0) this.inFlight.set(host, left);
      else this.inFlight.delete(host);
    };
  }

  inUse(host: string): number {
    return this.inFlight.get(host) ?? 0;
  }
}
