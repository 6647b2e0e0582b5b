import type { Client } from '@temporalio/client';
import { censusQuery, censusWorkflowId, type CensusView, type QueueCensus } from '../workflows/census-contract';

/** The queue census as the API reads it (see census-contract.ts). */
export interface CensusReading {
  census: QueueCensus | null;
  /** Seconds since the census was taken; null without one. */
  ageSeconds: number | null;
  /**
   * `fresh`: taken within two intervals; `stale`: older (its last attempts failed, or no worker answered);
   * `not_started`: no census workflow runs yet; `unanswered`: no worker answered the query and nothing was read before.
   */
  state: 'fresh' | 'stale' | 'not_started' | 'unanswered';
  lastError: CensusView['lastError'];
}

export interface CensusReaderOptions {
  /** How long one reading is reused; default 2 s (queries, not visibility). */
  cacheMs?: number;
  /** Deadline of the census query; default 3 s. */
  timeoutMs?: number;
}

const notFound = (err: unknown) => (err as { name?: string }).name === 'WorkflowNotFoundError';

/**
 * Reads the census workflow's last census through its query (served by a worker, never visibility), at most once per
 * `cacheMs` per process; keeps the last one it got when a query fails.
 */
export class CensusReader {
  private last: { at: number; view: CensusView } | undefined;
  private reading: Promise<CensusReading> | undefined;
  private notStarted = false;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: CensusReaderOptions = {},
  ) {}

  read(): Promise<CensusReading> {
    if (this.last && Date.now() - this.last.at < (this.options.cacheMs ?? 2000))
      return Promise.resolve(this.toReading(this.last.view));
    this.reading ??= this.query().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async query(): Promise<CensusReading> {
    const handle = this.client.workflow.getHandle(censusWorkflowId(this.taskQueue));
    try {
      const view = await this.client.withDeadline(Date.now() + (this.options.timeoutMs ?? 3000), () =>
        handle.query(censusQuery),
      );
      this.last = { at: Date.now(), view };
      this.notStarted = false;
      return this.toReading(view);
    } catch (err) {
      if (notFound(err)) this.notStarted = true;
      if (this.last) return this.toReading(this.last.view);
      return { census: null, ageSeconds: null, state: this.notStarted ? 'not_started' : 'unanswered', lastError: null };
    }
  }

  private toReading(view: CensusView): CensusReading {
    const census = view.census;
    if (!census) return { census: null, ageSeconds: null, state: 'stale', lastError: view.lastError };
    const ageMs = Date.now() - Date.parse(census.takenAt);
    return {
      census,
      ageSeconds: Math.round(ageMs / 100) / 10,
      state: ageMs <= 2 * census.intervalMs + 2000 ? 'fresh' : 'stale',
      lastError: view.lastError,
    };
  }
}
