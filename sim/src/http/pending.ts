import type { Response } from 'express';

/** Tracks responses held open on purpose (simulated timeouts) and delay timers, so close() can end them. */
export class PendingRegistry {
  private readonly held = new Set<Response>();
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Never answers `res`; its socket is destroyed after `maxMs` or when the panel closes. */
  hold(res: Response, maxMs: number): void {
    this.held.add(res);
    const timer = setTimeout(() => res.socket?.destroy(), maxMs);
    timer.unref();
    this.timers.add(timer);
    res.on('close', () => {
      this.held.delete(res);
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  delay(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
    }, ms);
    this.timers.add(timer);
  }

  get heldCount(): number {
    return this.held.size;
  }

  closeAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }
}
