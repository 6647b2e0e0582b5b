import type { State, Worker } from '@temporalio/worker';
import type { ProcessFlow } from '../flow/process-flow';
import type { FlowReporter } from './flow-reporter';
import type { ProviderWorkerHost } from './provider-worker';

/** The workers of one process (orders, provider budget, callbacks) and its flow reporter, run and stopped together. */
export class OrderWorker {
  constructor(
    private readonly main: Worker,
    readonly provider: ProviderWorkerHost,
    readonly flow: ProcessFlow,
    private readonly reporter: FlowReporter | undefined,
    private readonly ownsFlow: boolean,
    private readonly callbacks?: Worker,
  ) {}

  /** Runs until shutdown(); when either worker fails, the other one is stopped and the failure rethrown. */
  async run(): Promise<void> {
    this.reporter?.start();
    const main = this.main.run();
    const provider = this.provider.run();
    const callbacks = this.callbacks?.run();
    await Promise.race([main, provider, ...(callbacks ? [callbacks] : [])]).catch(() => undefined);
    this.shutdown();
    const results = await Promise.allSettled([main, provider, callbacks, this.reporter?.stop()]);
    if (this.ownsFlow) this.flow.stop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Runs the workers while `fn` runs, then stops them; resolves with what `fn` returned. */
  async runUntil<R>(fn: () => Promise<R>): Promise<R> {
    const running = this.run();
    const stoppedEarly = running.then(() => {
      throw new Error('the workers stopped before the function finished');
    });
    try {
      return await Promise.race([fn(), stoppedEarly]);
    } finally {
      stoppedEarly.catch(() => undefined);
      this.shutdown();
      await running;
    }
  }

  shutdown(): void {
    this.flow.beginShutdown();
    if (this.main.getState() === 'RUNNING') this.main.shutdown();
    if (this.callbacks?.getState() === 'RUNNING') this.callbacks.shutdown();
    this.provider.shutdown();
  }

  getState(): State {
    return this.main.getState();
  }
}
