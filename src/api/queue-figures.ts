import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { safeError } from '../logger';
import { Cached } from '../metrics/cached';
import type { FlowPolicy } from '../workflows/flow-contract';
import { CensusReader, type CensusReading } from '../queue-reads/census-reader';
import {
  flowPriorityModel,
  queuePlace,
  type PriorityModel,
  type QueuePlace,
  type WaitingOrderFacts,
} from './queue-position';
import { providerBudgetSecondsPerOrder, serviceRate, type ServiceRate } from './service-rate';

const BUDGET_CACHE_MS = 10_000;

/**
 * What the API says about the queue (positions, ETAs, the service rate, Retry-After) from the queue census, read
 * through its query (never visibility), and the provider budget, read from the provider task queue's configuration
 * (DescribeTaskQueue, cached 10 s).
 */
export class QueueFigures {
  readonly census: CensusReader;
  private readonly budget: Cached<number | null>;
  private readonly model: PriorityModel;

  constructor(
    client: Client,
    taskQueue: string,
    policy: FlowPolicy | undefined,
    private readonly logger: Logger,
    censusCacheMs?: number,
  ) {
    this.census = new CensusReader(client, taskQueue, { cacheMs: censusCacheMs });
    this.model = flowPriorityModel(policy);
    this.budget = new Cached(() => providerBudgetSecondsPerOrder(client, taskQueue), BUDGET_CACHE_MS);
  }

  async serviceRate(reading?: CensusReading): Promise<ServiceRate> {
    const budget = await this.budget.get().then(
      (b) => b.value,
      (err: unknown) => {
        this.logger.debug({ err: safeError(err) }, 'provider budget unknown');
        return null;
      },
    );
    return serviceRate((reading ?? (await this.census.read())).census, budget);
  }

  /** Position and ETA of a waiting order; nulls while no census is known. */
  async place(order: WaitingOrderFacts): Promise<QueuePlace> {
    const reading = await this.census.read();
    if (!reading.census) return { position: null, etaSeconds: null, asOf: null };
    return queuePlace(reading.census, this.model, order, await this.serviceRate(reading));
  }

  /** Mean submission-to-close time of the last finished orders, for Retry-After; null unknown. */
  async turnaroundMs(): Promise<number | null> {
    return (await this.census.read()).census?.turnaround.meanMs ?? null;
  }
}
