import { TIERS, type Tier } from '../workflows/contract';

/** The queue history's time grid: one-minute buckets over the last hour. */
export const BUCKET_MS = 60_000;
export const HISTORY_BUCKETS = 60;
/** Fewest waits in a minute for a p95; a p50 needs one. */
export const P95_MIN_SAMPLES = 5;

/** What the API process measured in one minute; null: nothing measured. */
export interface MinuteBucket {
  startMs: number;
  accepted: number | null;
  finished: number | null;
  failed: number | null;
  parked: number | null;
  /** Waits to dispatch (seconds) of the orders seen leaving QUEUED in this minute; null: no census pair compared. */
  waits: Record<Tier, number[]> | null;
  providerCalls: number | null;
  providerLimit: number | null;
  providerBudget: number | null;
}

/** One series of GET /v1/queue/history: `values[i]` belongs to `times[i]`; null where there is not enough data. */
export interface HistorySeries {
  name: string;
  label: string;
  unit: string;
  /** What one value covers, in seconds. */
  windowSeconds: number;
  source: string;
  values: Array<number | null>;
  /** Values that are not null: 0 means "not enough data yet". */
  points: number;
}

/** GET /v1/queue/history. */
export interface QueueHistoryView {
  generatedAt: string;
  bucketSeconds: number;
  window: { from: string; to: string; seconds: number };
  /** Start of each minute, Unix seconds, oldest first. */
  times: number[];
  series: HistorySeries[];
}

/** Nearest-rank percentile of `values` (0 < p <= 100); null when empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const emptyBucket = (startMs: number): MinuteBucket => ({
  startMs,
  accepted: null,
  finished: null,
  failed: null,
  parked: null,
  waits: null,
  providerCalls: null,
  providerLimit: null,
  providerBudget: null,
});

type Pick = (bucket: MinuteBucket) => number | null;

function series(
  buckets: MinuteBucket[],
  spec: Omit<HistorySeries, 'values' | 'points' | 'windowSeconds'>,
  pick: Pick,
): HistorySeries {
  const values = buckets.map((b) => {
    const v = pick(b);
    return v === null ? null : Math.round(v * 10) / 10;
  });
  return { ...spec, windowSeconds: BUCKET_MS / 1000, values, points: values.filter((v) => v !== null).length };
}

const waitPercentile = (tier: Tier, p: number) => (b: MinuteBucket) =>
  b.waits && b.waits[tier].length >= (p > 50 ? P95_MIN_SAMPLES : 1) ? percentile(b.waits[tier], p) : null;

/** The series of GET /v1/queue/history from the last HISTORY_BUCKETS minutes (oldest first, one per minute). */
export function historyView(buckets: MinuteBucket[], nowMs: number): QueueHistoryView {
  const census = 'queue census';
  const flow = 'flow-control snapshot';
  const waitSeries = TIERS.flatMap((tier) =>
    [50, 95].map((p) =>
      series(
        buckets,
        {
          name: `waitP${p}.${tier}`,
          label: `${tier} p${p}`,
          unit: 's',
          source: `${census}: acceptance until first seen out of QUEUED (midpoint of the census gap)`,
        },
        waitPercentile(tier, p),
      ),
    ),
  );
  return {
    generatedAt: new Date(nowMs).toISOString(),
    bucketSeconds: BUCKET_MS / 1000,
    window: {
      from: new Date(buckets[0].startMs).toISOString(),
      to: new Date(nowMs).toISOString(),
      seconds: (HISTORY_BUCKETS * BUCKET_MS) / 1000,
    },
    times: buckets.map((b) => b.startMs / 1000),
    series: [
      series(buckets, { name: 'accepted', label: 'accepted', unit: 'orders/min', source: census }, (b) => b.accepted),
      series(buckets, { name: 'finished', label: 'finished', unit: 'orders/min', source: census }, (b) => b.finished),
      ...waitSeries,
      series(
        buckets,
        { name: 'providerCalls', label: 'calls', unit: 'calls/min', source: flow },
        (b) => b.providerCalls,
      ),
      series(
        buckets,
        { name: 'providerLimit', label: 'limit', unit: 'calls/min', source: flow },
        (b) => b.providerLimit,
      ),
      series(
        buckets,
        { name: 'providerBudget', label: 'limit x (1 - reserve)', unit: 'calls/min', source: flow },
        (b) => b.providerBudget,
      ),
      series(buckets, { name: 'parked', label: 'parked', unit: 'orders', source: census }, (b) => b.parked),
      series(buckets, { name: 'failed', label: 'failed', unit: 'orders/min', source: census }, (b) => b.failed),
    ],
  };
}
