import type { Client } from '@temporalio/client';
import { PROVIDER_ACTIVITIES } from '../workflows/activity-contract';
import type { QueueCensus } from '../workflows/census-contract';
import { STEPS } from '../workflows/contract';
import { providerTaskQueue } from '../workflows/flow-contract';
import { describeTaskQueueStats } from '../queue-reads/task-queue-stats';

/** How fast orders leave the queue, as the ETA uses it. */
export interface ServiceRate {
  /** Seconds between two orders being served; null when too few finished lately and no provider budget is known. */
  perOrderSeconds: number | null;
  /**
   * `completions`: orders finished (ACTIVE or FAILED) in the window, at least MIN_COMPLETIONS; `provider-budget`: budget
   * rate / calls per order (fewer finished); null: not enough data.
   */
  source: 'completions' | 'provider-budget' | null;
  windowSeconds: number;
  completedInWindow: number;
}

/** Orders served in the window before the window divided by them is taken as a per-order time. */
export const MIN_COMPLETIONS = 5;

/**
 * The per-order service time from the census: the window divided by the orders served in it (at least
 * MIN_COMPLETIONS: one order in ten minutes says nothing about how long an order takes), never less than what the
 * provider budget allows (`budgetSecondsPerOrder`); the budget alone with fewer orders served in the window.
 */
export function serviceRate(census: QueueCensus | null, budgetSecondsPerOrder: number | null): ServiceRate {
  const windowSeconds = (census?.served.windowMs ?? 600_000) / 1000;
  const completed = census?.served.count ?? 0;
  if (completed >= MIN_COMPLETIONS) {
    return {
      perOrderSeconds: Math.max(windowSeconds / completed, budgetSecondsPerOrder ?? 0),
      source: 'completions',
      windowSeconds,
      completedInWindow: completed,
    };
  }
  return {
    perOrderSeconds: budgetSecondsPerOrder,
    source: budgetSecondsPerOrder === null ? null : 'provider-budget',
    windowSeconds,
    completedInWindow: completed,
  };
}

/** Provider task-queue dispatches one order needs at least: its steps that call the panel (retries add more). */
export const PROVIDER_CALLS_PER_ORDER = STEPS.filter((step) =>
  (PROVIDER_ACTIVITIES as readonly string[]).includes(step),
).length;

/** Seconds per order the provider task queue's dispatch rate limit allows; null when it has none (or says nothing). */
export async function providerBudgetSecondsPerOrder(client: Client, taskQueue: string): Promise<number | null> {
  const { rateLimitPerSecond } = await describeTaskQueueStats(client, providerTaskQueue(taskQueue), 'activity');
  return rateLimitPerSecond ? PROVIDER_CALLS_PER_ORDER / rateLimitPerSecond : null;
}
