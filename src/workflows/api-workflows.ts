/** The workflows the API processes' worker runs (src/worker/api-worker.ts): admission shards, the queue census, bulk actions. */
export { orderAdmission } from './admission';
export { queueCensus } from './queue-census';
export { bulkAction } from './bulk-action';
