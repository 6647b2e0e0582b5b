import { runWorker } from './run-worker';

/**
 * Worker only (`src/worker/main.ts`): runs the order worker against TEMPORAL_ADDRESS and PTERODACTYL_URL until
 * SIGTERM/SIGINT, for running the worker and the API as separate, separately scaled processes.
 */
runWorker().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
