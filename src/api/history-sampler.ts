import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { readFlowSnapshot } from '../flow/snapshot';
import { safeError } from '../logger';
import type { QueueFigures } from './queue-figures';
import type { QueueHistory } from './queue-history';

export interface HistorySamplerDeps {
  client: Client;
  taskQueue: string;
  logger: Logger;
  figures: QueueFigures;
  history: QueueHistory;
  queryTimeoutMs: number;
}

const FLOW_EVERY_MS = 5000;

/**
 * Feeds `history` in the background: the census as the queue figures read it (cached query, no visibility), about
 * twice per census interval, and the flow-control snapshot every 5 s. The timer does not keep the process alive;
 * `stop` resolves once a sample in flight has finished.
 */
export function startHistorySampler(deps: HistorySamplerDeps): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let sampling: Promise<void> | undefined;
  let flowReadAt = 0;
  const tick = async (): Promise<number> => {
    const { census } = await deps.figures.census.read();
    deps.history.observeCensus(census);
    if (Date.now() - flowReadAt >= FLOW_EVERY_MS) {
      flowReadAt = Date.now();
      deps.history.observeFlow(await readFlowSnapshot(deps.client, deps.taskQueue, deps.queryTimeoutMs));
    }
    return Math.min(5000, Math.max(250, (census?.intervalMs ?? 10_000) / 2));
  };
  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      sampling = tick().then(schedule, (err: unknown) => {
        deps.logger.debug({ err: safeError(err) }, 'queue history sample failed');
        schedule(5000);
      });
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await sampling;
    },
  };
}
