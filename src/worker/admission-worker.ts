import type { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { safeError } from '../logger';
import { admissionActivities } from '../activities/admission';
import { admissionTaskQueue } from '../workflows/admission-contract';

/** The admission shards' workflow module (only `orderAdmission`, so the bundle stays small). */
export const ADMISSION_WORKFLOWS_PATH = require.resolve('../workflows/admission');

export interface AdmissionWorkerOptions {
  connection: NativeConnection;
  /** For the shards' checks of a user's orders (describe). */
  client: Client;
  namespace: string;
  /** The order task queue; the worker polls `admissionTaskQueue(taskQueue)`. */
  taskQueue: string;
  workflowBundle?: WorkflowBundle;
}

/**
 * The worker of the admission shards, run by every API process: admission is available whenever the API is, whether
 * or not an order worker runs. Shards are few and long-lived, so each admission is a short task of a cached workflow.
 */
export function createAdmissionWorker(options: AdmissionWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: admissionTaskQueue(options.taskQueue),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: ADMISSION_WORKFLOWS_PATH }),
    activities: admissionActivities({ client: options.client }),
    shutdownGraceTime: '5 seconds',
  });
}

export interface AdmissionWorkerHostOptions extends Omit<AdmissionWorkerOptions, 'connection'> {
  connect: () => Promise<NativeConnection>;
  logger: Logger;
  /** Wait before trying again after Temporal could not be reached or the worker failed; default 2 s. */
  retryMs?: number;
}

/**
 * Keeps the admission worker running for an API process: connects (again) when Temporal is not there yet or the
 * worker failed, so the API can start before Temporal does. `ready` is true while the worker polls.
 */
export class AdmissionWorkerHost {
  private worker: Worker | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  ready = false;

  constructor(private readonly options: AdmissionWorkerHostOptions) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.worker?.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { logger, retryMs = 2000 } = this.options;
    while (!this.stopping) {
      let connection: NativeConnection | undefined;
      try {
        connection = await this.options.connect();
        this.worker = await createAdmissionWorker({ ...this.options, connection });
        if (this.stopping) return;
        const run = this.worker.run();
        this.ready = true;
        await run;
      } catch (err) {
        if (!this.stopping) logger.warn({ err: safeError(err) }, 'the admission worker is not running; trying again');
      } finally {
        this.ready = false;
        this.worker = undefined;
        await connection?.close().catch(() => undefined);
      }
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
