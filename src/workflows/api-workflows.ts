/** The workflows the API processes' worker runs (src/worker/api-worker.ts): admission shards and the queue census. */
export { orderAdmission } from './admission';
export { queueCensus } from './queue-census';
