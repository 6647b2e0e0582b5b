import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, createReservationLedger, type AllocationReservations } from '../activities';
import type { PterodactylClient } from '../provider';

/** The workflows module the worker bundles (exports provisionServer). */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** Worker settings callers may tune (tests shorten heartbeat throttling, add interceptors). */
export type WorkerTuning = Pick<WorkerOptions,
  | 'maxConcurrentActivityTaskExecutions'
  | 'maxConcurrentWorkflowTaskExecutions'
  | 'maxHeartbeatThrottleInterval'
  | 'defaultHeartbeatThrottleInterval'
  | 'shutdownGraceTime'
  | 'interceptors'
  | 'identity'
>;

export interface CreateWorkerOptions {
  connection: NativeConnection;
  taskQueue: string;
  namespace?: string;
  provider: PterodactylClient;
  logger: Logger;
  /** Shared by every activity of this worker; a fresh ledger when omitted. */
  reservations?: AllocationReservations;
  installPollMs?: number;
  /** A prebuilt workflow bundle (see bundleWorkflowCode); the worker bundles WORKFLOWS_PATH when omitted. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: WorkerTuning;
}

/** A worker running provisionServer and its activities on `taskQueue`; call `run()` (or `runUntil`) on it. */
export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const activities = createActivities({
    provider: options.provider,
    logger: options.logger,
    reservations: options.reservations ?? createReservationLedger(),
    installPollMs: options.installPollMs,
  });
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: { ...activities },
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    ...options.tuning,
  });
}
