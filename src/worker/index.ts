export { WORKFLOWS_PATH, createWorker } from './create-worker';
export type { CreateWorkerOptions, WorkerTuning } from './create-worker';
export { WORKER_READY_MESSAGE } from './ready';
export { runWorker } from './run-worker';
