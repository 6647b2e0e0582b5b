import type { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { Logger } from 'pino';
import { admissionActivities } from '../activities/admission';
import { bulkActivities } from '../activities/bulk';
import { censusActivities } from '../activities/census';
import { safeError } from '../logger';
import { apiTaskQueue } from '../workflows/flow-contract';
import { ensureCensus } from './census-starter';

/** The API worker's workflow module: the admission shards, the queue census and bulk actions, so the bundle stays small. */
export const API_WORKFLOWS_PATH = require.resolve('../workflows/api-workflows');

export interface ApiWorkerOptions {
  connection: NativeConnection;
  /** For the shards' checks of a user's orders (describe) and the census's visibility reads. */
  client: Client;
  namespace: string;
  /** The order task queue; the worker polls `apiTaskQueue(taskQueue)`. */
  taskQueue: string;
  workflowBundle?: WorkflowBundle;
  /** The payload codec (PAYLOAD_ENCRYPTION_KEY); give the client the same one. */
  dataConverter?: DataConverter;
}

/**
 * The worker every API process runs on `apiTaskQueue(taskQueue)`: the admission shards (so admission is available
 * whenever the API is, whether or not an order worker runs) and the queue census (the one reader of visibility). Both
 * are few, long-lived workflows, so their tasks are short tasks of cached workflows.
 */
export function createApiWorker(options: ApiWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: apiTaskQueue(options.taskQueue),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: API_WORKFLOWS_PATH }),
    activities: {
      ...admissionActivities({ client: options.client }),
      ...censusActivities({ client: options.client }),
      ...bulkActivities({ client: options.client }),
    },
    shutdownGraceTime: '5 seconds',
    dataConverter: options.dataConverter,
  });
}

export interface ApiWorkerHostOptions extends Omit<ApiWorkerOptions, 'connection'> {
  connect: () => Promise<NativeConnection>;
  logger: Logger;
  /** Wait before trying again after Temporal could not be reached or the worker failed; default 2 s. */
  retryMs?: number;
  /** QUEUE_CENSUS_INTERVAL: the census interval when this process is the one that starts it. */
  censusIntervalMs?: number;
}

/**
 * Keeps the API worker running for an API process: connects (again) when Temporal is not there yet or the worker
 * failed, so the API can start before Temporal does, and makes sure the queue census runs once it polls. `ready` is
 * true while the worker polls.
 */
export class ApiWorkerHost {
  private worker: Worker | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  ready = false;

  constructor(private readonly options: ApiWorkerHostOptions) {}

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
        this.worker = await createApiWorker({ ...this.options, connection });
        if (this.stopping) return;
        const run = this.worker.run();
        this.ready = true;
        void ensureCensus(this.options.client, this.options.taskQueue, logger, this.options.censusIntervalMs);
        await run;
      } catch (err) {
        if (!this.stopping) logger.warn({ err: safeError(err) }, 'the API worker is not running; trying again');
      } finally {
        this.ready = false;
        this.worker = undefined;
        await connection?.close().catch(() => undefined);
      }
      if (!this.stopping) await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }
}
