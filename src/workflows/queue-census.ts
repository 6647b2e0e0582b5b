import { ActivityFailure, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { CensusActivities } from './activity-contract';
import {
  CENSUS_FINISHED_EVERY,
  CENSUS_INTERVAL_MS,
  censusQuery,
  type CensusInput,
  type CensusView,
} from './census-contract';

/** Censuses taken before the workflow continues as new (its history holds each census once). */
export const CENSUSES_PER_RUN = 60;

const census = proxyActivities<CensusActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/**
 * The `queueCensus` workflow of one order task queue (see census-contract.ts): takes a census every interval
 * (CENSUS_INTERVAL_MS unless its input says otherwise) and answers `censusQuery` with the last one. A census that fails (visibility unavailable or over
 * its rate) is not retried: the previous one stays, with the error, until the next tick.
 */
export async function queueCensus(input: CensusInput): Promise<void> {
  let view: CensusView = input.last ?? { census: null, lastError: null };
  let taken = input.taken ?? 0;
  const intervalMs = input.intervalMs ?? CENSUS_INTERVAL_MS;
  setHandler(censusQuery, () => view);
  for (let run = 0; run < CENSUSES_PER_RUN && !workflowInfo().continueAsNewSuggested; run++) {
    try {
      const withFinished = taken % CENSUS_FINISHED_EVERY === 0 || view.census?.finished === null;
      const next = await census.takeCensus({ taskQueue: input.taskQueue, finished: withFinished, intervalMs });
      view = { census: { ...next, finished: next.finished ?? view.census?.finished ?? null }, lastError: null };
      taken += 1;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      view = { ...view, lastError: { at: new Date().toISOString(), message: err.cause?.message ?? err.message } };
    }
    await sleep(intervalMs);
  }
  await continueAsNew<typeof queueCensus>({ taskQueue: input.taskQueue, intervalMs, last: view, taken });
}
