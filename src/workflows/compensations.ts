import { summarizeFailure, type FailureSummary } from './failures';

interface Compensation {
  name: string;
  run: () => Promise<unknown>;
}

export interface CompensationReport {
  onDone(name: string): void;
  onFailed(name: string, failure: FailureSummary): void;
}

/** Rollback actions of an order, registered before the step they undo and run in reverse order. */
export class Compensations {
  private readonly registered: Compensation[] = [];

  /** Registers `run` under `name` once; registering the same name again is a no-op. */
  register(name: string, run: () => Promise<unknown>): void {
    if (this.registered.some((c) => c.name === name)) return;
    this.registered.push({ name, run });
  }

  get size(): number {
    return this.registered.length;
  }

  /** The registered compensations' names, oldest first. */
  get names(): string[] {
    return this.registered.map((c) => c.name);
  }

  /** Runs every compensation, newest first; a failing one is reported, stays registered, and the others still run. */
  async runAll(report: CompensationReport): Promise<void> {
    const failed: Compensation[] = [];
    for (const compensation of [...this.registered].reverse()) {
      try {
        await compensation.run();
        report.onDone(compensation.name);
      } catch (err) {
        failed.unshift(compensation);
        report.onFailed(compensation.name, summarizeFailure(err));
      }
    }
    this.registered.splice(0, this.registered.length, ...failed);
  }
}
