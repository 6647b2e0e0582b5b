import { WORKER_READY_MESSAGE } from './ready';
import { runWorker } from './run-worker';

/**
 * Worker only (`src/worker/main.ts`): runs the order worker against TEMPORAL_ADDRESS and PTERODACTYL_URL until
 * SIGTERM/SIGINT, for running the worker and the API as separate, separately scaled processes. Started by `npm start`
 * too, which waits for its ready message; then it stops when its parent is gone (the IPC channel closes): gracefully,
 * but within ORPHAN_EXIT_MS, since nothing supervises it any more (an activity it drops is retried by Temporal).
 */

/** An orphaned worker (its `npm start` parent gone) stops gracefully but exits after this long at the latest. */
const ORPHAN_EXIT_MS = 15_000;

process.once('disconnect', () => {
  setTimeout(() => process.exit(1), ORPHAN_EXIT_MS).unref();
  process.kill(process.pid, 'SIGTERM');
});
runWorker(undefined, () => process.send?.(WORKER_READY_MESSAGE)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
