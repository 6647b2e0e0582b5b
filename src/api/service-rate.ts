import type { Client } from '@temporalio/client';
import { PROVIDER_ACTIVITIES } from '../workflows/activity-contract';
import { STEPS } from '../workflows/contract';
import { providerTaskQueue } from '../workflows/flow-contract';
import { countOrders, servedSince } from './order-visibility';
import { describeTaskQueueStats } from './task-queue-stats';

/** How fast orders leave the queue, as the ETA uses it. */
export interface ServiceRate {
  /** Seconds between two orders being served; null when nothing finished lately and no provider budget is known. */
  perOrderSeconds: number | null;
  /** `completions`: orders finished (ACTIVE or FAILED) in the window; `provider-budget`: budget rate / calls per order. */
  source: 'completions' | 'provider-budget' | null;
  windowSeconds: number;
  completedInWindow: number;
}

export interface ServiceRateOptions {
  client: Client;
  /** Observation window; default 10 minutes. */
  windowMs?: number;
  /** How long one estimate is reused; default 5 s. */
  cacheMs?: number;
  /** Seconds per order the provider budget allows (budget calls per second / calls per order), when known. */
  budgetSecondsPerOrder?: () => Promise<number | null>;
}

/**
 * Estimates the per-order service time: the window divided by the orders that finished in it (from visibility), never
 * less than what the provider budget allows; the budget alone when nothing finished in the window.
 */
export function serviceRateEstimator(options: ServiceRateOptions): () => Promise<ServiceRate> {
  const windowMs = options.windowMs ?? 10 * 60_000;
  const cacheMs = options.cacheMs ?? 5000;
  let cached: { at: number; value: Promise<ServiceRate> } | undefined;

  const measure = async (): Promise<ServiceRate> => {
    const [completed, budget] = await Promise.all([
      countOrders(options.client, servedSince(new Date(Date.now() - windowMs))),
      options.budgetSecondsPerOrder?.() ?? Promise.resolve(null),
    ]);
    const windowSeconds = windowMs / 1000;
    const observed = completed > 0 ? windowSeconds / completed : null;
    if (observed !== null) {
      return { perOrderSeconds: Math.max(observed, budget ?? 0), source: 'completions', windowSeconds, completedInWindow: completed };
    }
    return { perOrderSeconds: budget, source: budget === null ? null : 'provider-budget', windowSeconds, completedInWindow: 0 };
  };

  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) {
      const value = measure();
      cached = { at: now, value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined;
      });
    }
    return cached.value;
  };
}

/** Provider task-queue dispatches one order needs at least: its steps that call the panel (retries add more). */
export const PROVIDER_CALLS_PER_ORDER = STEPS.filter((step) => (PROVIDER_ACTIVITIES as readonly string[]).includes(step)).length;

/** Seconds per order the provider task queue's dispatch rate limit allows; null when it has none (or says nothing). */
export async function providerBudgetSecondsPerOrder(client: Client, taskQueue: string): Promise<number | null> {
  const { rateLimitPerSecond } = await describeTaskQueueStats(client, providerTaskQueue(taskQueue), 'activity');
  return rateLimitPerSecond ? PROVIDER_CALLS_PER_ORDER / rateLimitPerSecond : null;
}
