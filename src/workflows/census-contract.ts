import { defineQuery } from '@temporalio/workflow';
import { ORDER_STATUSES, TIERS, type OrderStatus, type RecordedStatus, type Tier } from './contract';

/**
 * The queue census: the one bounded reader of Temporal visibility. A singleton `queueCensus` workflow per order task
 * queue takes a census every CENSUS_INTERVAL_MS (activity `takeCensus`: at most CENSUS_MAX_PAGES list pages of running
 * orders, one count and one short list of finished orders, and every CENSUS_FINISHED_EVERY-th time the finished orders
 * by status and tier) and answers `censusQuery`. Queue positions, ETAs, GET /v1/queue, the order gauges and
 * Retry-After read it, so the service's visibility load does not grow with scrapes, dashboard viewers or API
 * processes: about 0.45 requests/s in steady state.
 */
export const CENSUS_WORKFLOW_TYPE = 'queueCensus';
export const CENSUS_INTERVAL_MS = 10_000;
/** The shortest interval QUEUE_CENSUS_INTERVAL allows: a census is about 4.5 visibility requests, so 0.9/s at most. */
export const CENSUS_MIN_INTERVAL_MS = 5_000;
/** Running orders read per census at most (pages of 1000); beyond, the census says it is truncated. */
export const CENSUS_PAGE_SIZE = 1000;
export const CENSUS_MAX_PAGES = 5;
export const CENSUS_FINISHED_EVERY = 6;
/** The service-time window: orders served (ACTIVE or FAILED) in it. */
export const CENSUS_SERVED_WINDOW_MS = 10 * 60_000;
/** Finished orders whose mean turnaround (submission to close) Retry-After uses. */
export const CENSUS_TURNAROUND_SAMPLE = 20;

export const censusWorkflowId = (taskQueue: string): string => `queue-census-${taskQueue}`;

type ByTier = Record<Tier, number>;
/** Orders by recorded status (orders of earlier versions recorded each provisioning step: counted as PROVISIONING). */
export type CountsByStatusTier = Partial<Record<RecordedStatus, ByTier>>;

/** One waiting order, compact: [tier index in TIERS, user id, start time (ms), status index in ORDER_STATUSES]. */
export type WaitingEntry = [number, number, number, number];

export interface QueueCensus {
  /** When the visibility reads were made. */
  takenAt: string;
  intervalMs: number;
  /** Visibility requests this census made. */
  visibilityCalls: number;
  /** Running orders by status and tier (each running provisionServer workflow once). */
  running: { byStatusTier: CountsByStatusTier; counted: number; truncated: boolean };
  /** Running orders that wait (QUEUED, WAITING_FOR_CAPACITY, WAITING_FOR_PROVIDER), oldest first. */
  waiting: WaitingEntry[];
  /**
   * Running orders past the waiting statuses that started within the last two intervals (same entry form), so that
   * an order dispatched between two censuses is seen leaving QUEUED: [tier index, user id, start time (ms)]. Absent
   * from censuses of earlier versions.
   */
  recent?: Array<[number, number, number]>;
  /**
   * Of the last finished orders the census lists, those that closed ACTIVE within the last two intervals: [tier index,
   * user id, start time (ms), close time (ms)], so that an order served within one interval is seen too. Absent from
   * censuses of earlier versions.
   */
  recentlyActive?: Array<[number, number, number, number]>;
  /** Retained finished orders by status and tier, as of `takenAt` (refreshed every CENSUS_FINISHED_EVERY censuses). */
  finished: { takenAt: string; byStatusTier: CountsByStatusTier } | null;
  /** Orders served (ACTIVE or FAILED) in the last `windowMs`. */
  served: { windowMs: number; count: number };
  /** Mean submission-to-close time of the last finished orders; null without any. */
  turnaround: { sample: number; meanMs: number | null };
}

/** What `censusQuery` answers: the last census, and the last attempt's error when it failed (the census is older). */
export interface CensusView {
  census: QueueCensus | null;
  lastError: { at: string; message: string } | null;
}

export const censusQuery = defineQuery<CensusView>('census');

export interface CensusInput {
  taskQueue: string;
  /** Time between two censuses; default CENSUS_INTERVAL_MS. */
  intervalMs?: number;
  /** Carried over by continue-as-new. */
  last?: CensusView;
  taken?: number;
}

export const tierIndex = (tier: Tier): number => TIERS.indexOf(tier);
export const statusIndex = (status: OrderStatus): number => ORDER_STATUSES.indexOf(status);

/** The entry's fields by name. */
export function waitingOrder(entry: WaitingEntry): {
  tier: Tier;
  userId: number;
  startMs: number;
  status: OrderStatus;
} {
  return { tier: TIERS[entry[0]], userId: entry[1], startMs: entry[2], status: ORDER_STATUSES[entry[3]] };
}
