export { WORKFLOWS_PATH, createWorker } from './create-worker';
export type { CreateWorkerOptions, WorkerTuning } from './create-worker';
export { runWorker } from './run-worker';
