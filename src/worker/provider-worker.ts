import { status as grpcStatus } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { ProcessFlow } from '../flow/process-flow';
import { safeError } from '../logger';
import { planningTaskQueue, providerTaskQueue } from '../workflows/flow-contract';

export interface ProviderWorkerOptions {
  connection: NativeConnection;
  /** Sets the queues' rate (UpdateTaskQueueConfig). */
  client: Client;
  /** The payload codec of the workers (PAYLOAD_ENCRYPTION_KEY). */
  dataConverter?: DataConverter;
  namespace?: string;
  /** The order task queue; the workers poll `providerTaskQueue(taskQueue)` and `planningTaskQueue(taskQueue)`. */
  taskQueue: string;
  activities: WorkerOptions['activities'];
  /** The activities of the planning task queue. */
  planningActivities: WorkerOptions['activities'];
  flow: ProcessFlow;
  logger: Logger;
  tuning?: Pick<
    WorkerOptions,
    'maxConcurrentActivityTaskExecutions' | 'shutdownGraceTime' | 'interceptors' | 'identity'
  >;
  /** How often the rate is compared with what the flow control wants; default 1 s. */
  checkEveryMs?: number;
}

/** A change of the rate smaller than this share is not worth a write to the queue's configuration. */
const CHANGE_THRESHOLD = 0.02;
const { TaskQueueType } = temporal.api.enums.v1;

/**
 * The workers of the provider task queue and of the planning task queue, and their dispatch rate: the provider
 * budget. The rate is the queues' own configuration on the server (UpdateTaskQueueConfig, `queueRateLimit`), which
 * Temporal enforces for every process polling them together, takes precedence over any worker-set rate, and changes
 * while the workers keep polling: a 429, X-RateLimit-Remaining running low, recovery or the shared rate of the
 * flow-control workflow change it within a second, and no task is ever handed to a poller that is being stopped.
 * Temporal divides the rate over a queue's read partitions, so the queues' total is the rate set. A server that does
 * not take the configuration (before 1.29, or a key without the permission) gets the rate as the workers'
 * `maxTaskQueueActivitiesPerSecond` at start, and the process's own pacing follows changes.
 */
export class ProviderWorkerHost {
  private workers: Worker[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private applied: number | undefined;
  private configurable = true;
  private adjusting: Promise<void> | undefined;

  constructor(private readonly options: ProviderWorkerOptions) {}

  /** The rate the queues were last set to (requests per minute). */
  get ratePerMinute(): number | undefined {
    return this.applied;
  }

  desiredRate(): number {
    return this.options.flow.providerRatePerMinute();
  }

  /** Runs until shutdown(); rejects when a worker fails on its own. */
  async run(): Promise<void> {
    this.options.flow.tick();
    const initial = this.desiredRate();
    await this.setQueueRate(initial);
    const { connection, namespace, taskQueue, activities, planningActivities, tuning, dataConverter } = this.options;
    const workerRate = this.configurable ? {} : { maxTaskQueueActivitiesPerSecond: initial / 60 };
    const create = (queue: string, served: WorkerOptions['activities']) =>
      Worker.create({
        connection,
        namespace,
        taskQueue: queue,
        activities: served,
        ...workerRate,
        ...tuning,
        dataConverter,
      });
    this.workers = [
      await create(providerTaskQueue(taskQueue), activities),
      await create(planningTaskQueue(taskQueue), planningActivities),
    ];
    if (this.stopping) this.stopWorkers();
    this.timer = setInterval(() => {
      this.options.flow.tick();
      this.adjusting ??= this.adjust().finally(() => {
        this.adjusting = undefined;
      });
    }, this.options.checkEveryMs ?? 1000);
    try {
      await Promise.all(
        this.workers.map((w) =>
          w.run().catch((err: unknown) => {
            this.stopWorkers();
            throw err;
          }),
        ),
      );
    } finally {
      clearInterval(this.timer);
      await this.adjusting;
    }
  }

  shutdown(): void {
    this.stopping = true;
    clearInterval(this.timer);
    this.stopWorkers();
  }

  /** Sets the queues' rate to what the flow control wants when it differs from the one set. */
  async adjust(): Promise<void> {
    if (this.stopping || !this.configurable) return;
    const desired = this.desiredRate();
    if (this.applied !== undefined && Math.abs(desired - this.applied) <= this.applied * CHANGE_THRESHOLD) return;
    const from = this.applied;
    await this.setQueueRate(desired);
    if (this.applied === desired) this.options.logger.info({ from, to: desired }, 'provider budget rate changed');
  }

  private async setQueueRate(ratePerMinute: number): Promise<void> {
    const { client, namespace, taskQueue, logger } = this.options;
    const requestsPerSecond = ratePerMinute / 60;
    try {
      for (const queue of [providerTaskQueue(taskQueue), planningTaskQueue(taskQueue)]) {
        await client.workflowService.updateTaskQueueConfig({
          namespace: namespace ?? client.options.namespace,
          taskQueue: queue,
          taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
          identity: client.options.identity,
          updateQueueRateLimit: { rateLimit: { requestsPerSecond }, reason: 'server-queue provider budget' },
        });
      }
      this.applied = ratePerMinute;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === grpcStatus.UNIMPLEMENTED || code === grpcStatus.PERMISSION_DENIED) {
        this.configurable = false;
        this.applied = ratePerMinute;
        logger.warn(
          { err: safeError(err) },
          'the server does not take a task-queue rate; the workers get it at start, the process paces itself after that',
        );
        return;
      }
      logger.error({ err: safeError(err), ratePerMinute }, "could not set the provider queues' rate; trying again");
    }
  }

  private stopWorkers(): void {
    for (const worker of this.workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  }
}
