import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ProcessFlow } from '../flow/process-flow';
import { safeError } from '../logger';
import { planningTaskQueue, providerTaskQueue } from '../workflows/flow-contract';

export interface ProviderWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  /** The order task queue; the workers poll `providerTaskQueue(taskQueue)` and `planningTaskQueue(taskQueue)`. */
  taskQueue: string;
  activities: WorkerOptions['activities'];
  /** The activities of the planning task queue. */
  planningActivities: WorkerOptions['activities'];
  flow: ProcessFlow;
  logger: Logger;
  tuning?: Pick<WorkerOptions, 'maxConcurrentActivityTaskExecutions' | 'shutdownGraceTime' | 'interceptors' | 'identity'>;
  /** How often the rate is compared with what the flow control wants; default 1 s. */
  checkEveryMs?: number;
}

interface Running { workers: Worker[]; ratePerMinute: number; since: number; done: Promise<void> }

/**
 * Every restart of the provider worker risks a poll answered just as it is dropped (its task then waits for its
 * start-to-close timeout), so the rate only changes by steps: at once when it must fall by a fifth or more (a 429,
 * X-RateLimit-Remaining running low), and at most this often when it may rise by a quarter or more.
 */
const SPEED_UP_EVERY_MS = 10_000;
const SLOW_DOWN_BELOW = 0.8;
const SPEED_UP_ABOVE = 1.25;

/**
 * The workers of the provider task queue and of the planning task queue, at one rate. The provider queue's
 * `maxTaskQueueActivitiesPerSecond` is the provider budget: Temporal enforces it on the server for the whole task
 * queue (every process polling it together), so it holds across processes and restarts; the planning queue runs at
 * the same rate so allocations keep pace with creations. The rate is fixed per Worker, so when the flow control wants another rate (a 429,
 * X-RateLimit-Remaining running low, recovery, the shared rate of the flow-control workflow) the worker is stopped
 * (its running activities finish) and a new one started with the new rate; the server takes the rate of the newest
 * polls. (sdk-core allows one worker per task queue and connection, hence stop-then-start.)
 */
export class ProviderWorkerHost {
  private current: Running | undefined;
  private readonly retiring = new Set<Promise<void>>();
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: ((err: unknown) => void) | undefined;
  private swapping = false;
  private requestStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => { this.requestStop = resolve; });

  constructor(private readonly options: ProviderWorkerOptions) {}

  get ratePerMinute(): number | undefined {
    return this.current?.ratePerMinute;
  }

  desiredRate(): number {
    return this.options.flow.providerRatePerMinute();
  }

  /** Runs until shutdown(); rejects when a provider worker fails on its own. */
  async run(): Promise<void> {
    const failed = new Promise<never>((_, reject) => { this.failure = reject; });
    await this.start(this.desiredRate());
    this.timer = setInterval(() => void this.adjust(), this.options.checkEveryMs ?? 1000);
    try {
      await Promise.race([failed, this.stopped()]);
    } finally {
      clearInterval(this.timer);
    }
  }

  shutdown(): void {
    this.stopping = true;
    clearInterval(this.timer);
    if (this.current) stopAll(this.current.workers);
    this.requestStop();
  }

  /** Applies the desired rate when it differs enough from the running one. */
  async adjust(): Promise<void> {
    const running = this.current;
    if (!running || this.stopping || this.swapping) return;
    const desired = this.desiredRate();
    const slower = desired < running.ratePerMinute * SLOW_DOWN_BELOW;
    const faster = desired > running.ratePerMinute * SPEED_UP_ABOVE && Date.now() - running.since >= SPEED_UP_EVERY_MS;
    if (!slower && !faster) return;
    this.swapping = true;
    try {
      this.retiring.add(running.done);
      stopAll(running.workers);
      await running.done;
      this.retiring.delete(running.done);
      if (this.stopping) return;
      await this.start(desired);
      this.options.logger.info({ from: running.ratePerMinute, to: desired }, 'provider budget rate changed');
    } catch (err) {
      this.options.logger.error({ err: safeError(err) }, 'could not restart the provider worker at a new rate');
    } finally {
      this.swapping = false;
    }
  }

  private async start(ratePerMinute: number): Promise<void> {
    const { connection, namespace, taskQueue, activities, planningActivities, tuning } = this.options;
    const create = (queue: string, served: WorkerOptions['activities']) => Worker.create({
      connection, namespace, taskQueue: queue, activities: served, maxTaskQueueActivitiesPerSecond: ratePerMinute / 60, ...tuning,
    });
    const workers: Worker[] = [await create(providerTaskQueue(taskQueue), activities)];
    try {
      workers.push(await create(planningTaskQueue(taskQueue), planningActivities));
    } catch (err) {
      await workers[0].runUntil(Promise.resolve());
      throw err;
    }
    const done = Promise.all(workers.map((w) => w.run())).then(() => undefined, (err: unknown) => {
      stopAll(workers);
      if (!this.stopping) this.failure?.(err);
    });
    this.current = { workers, ratePerMinute, since: Date.now(), done };
    if (this.stopping) stopAll(workers);
  }

  private async stopped(): Promise<void> {
    await this.stopRequested;
    await Promise.all([this.current?.done, ...this.retiring]);
  }
}

function stopAll(workers: Worker[]): void {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
}
