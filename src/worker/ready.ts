/** The message a worker process started by `npm start` sends its parent once its workers poll. */
export const WORKER_READY_MESSAGE = 'server-queue-worker-ready';
