import { P95_MIN_SAMPLES, percentile } from '../../src/api/history-series';
import { QueueHistory } from '../../src/api/queue-history';
import { statusIndex, type QueueCensus, type WaitingEntry } from '../../src/workflows/census-contract';
import type { FlowSnapshot } from '../../src/flow/snapshot';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const QUEUED = statusIndex('QUEUED');

function census(
  atMs: number,
  opts: {
    running?: number;
    finished?: { active: number; failed: number } | null;
    waiting?: WaitingEntry[];
    recent?: Array<[number, number, number]>;
    recentlyActive?: Array<[number, number, number, number]>;
    parked?: number;
  } = {},
): QueueCensus {
  const takenAt = new Date(atMs).toISOString();
  const f = opts.finished;
  return {
    takenAt,
    intervalMs: 10_000,
    visibilityCalls: 4,
    running: {
      byStatusTier: { NEEDS_ATTENTION: { premium: 0, standard: opts.parked ?? 0, free: 0 } },
      counted: opts.running ?? 0,
      truncated: false,
    },
    waiting: opts.waiting ?? [],
    recent: opts.recent ?? [],
    recentlyActive: opts.recentlyActive ?? [],
    finished: f
      ? {
          takenAt,
          byStatusTier: {
            ACTIVE: { premium: 0, standard: f.active, free: 0 },
            FAILED: { premium: 0, standard: f.failed, free: 0 },
          },
        }
      : null,
    served: { windowMs: 600_000, count: 0 },
    turnaround: { sample: 0, meanMs: null },
  };
}

const series = (h: QueueHistory, name: string) => h.view().series.find((s) => s.name === name)!;
const last = (h: QueueHistory, name: string) => series(h, name).values.at(-1);

describe('percentile', () => {
  it('takes the nearest rank, null without values', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
  });
});

describe('QueueHistory', () => {
  it('has sixty one-minute buckets over the last hour, all "not enough data" before any census', () => {
    const h = new QueueHistory(() => T0 + 30_000);
    const view = h.view();
    expect(view.times).toHaveLength(60);
    expect(view.times.at(-1)).toBe(T0 / 1000);
    expect(view.times[0]).toBe(T0 / 1000 - 59 * 60);
    expect(view.window.seconds).toBe(3600);
    for (const s of view.series) {
      expect(s).toMatchObject({ points: 0, windowSeconds: 60 });
      expect(s.unit).toBeTruthy();
    }
  });

  it('counts accepted, finished and failed as differences between censuses that counted finished orders', () => {
    let now = T0;
    const h = new QueueHistory(() => now);
    h.observeCensus(census(T0, { running: 2, finished: { active: 10, failed: 1 } }));
    expect(last(h, 'accepted')).toBeNull();
    h.observeCensus(census(T0 + 10_000, { running: 5, finished: null }));
    now = T0 + 60_000;
    h.observeCensus(census(now, { running: 4, finished: { active: 13, failed: 2 }, parked: 1 }));
    expect(last(h, 'accepted')).toBe(6);
    expect(last(h, 'finished')).toBe(4);
    expect(last(h, 'failed')).toBe(1);
    expect(last(h, 'parked')).toBe(1);
    expect(series(h, 'accepted').points).toBe(1);
  });

  it('attributes nothing across a gap longer than the census can vouch for', () => {
    let now = T0;
    const h = new QueueHistory(() => now);
    h.observeCensus(census(T0, { running: 0, finished: { active: 0, failed: 0 } }));
    now = T0 + 10 * 60_000;
    h.observeCensus(census(now, { running: 9, finished: { active: 9, failed: 0 } }));
    expect(series(h, 'accepted').points).toBe(0);
  });

  it('measures waits to dispatch from orders seen leaving QUEUED or served between censuses, per tier', () => {
    let now = T0;
    const h = new QueueHistory(() => now);
    const queued: WaitingEntry[] = [1, 2, 3, 4, 5].map((user) => [1, user, T0 - 20_000, QUEUED]);
    h.observeCensus(census(T0, { waiting: [...queued, [0, 9, T0 - 1000, QUEUED]] }));
    now = T0 + 10_000;
    h.observeCensus(
      census(now, {
        waiting: [[0, 9, T0 - 1000, QUEUED]],
        recent: [[2, 7, T0 + 4000]],
        recentlyActive: [[0, 8, T0 + 2000, T0 + 8000]],
      }),
    );
    expect(last(h, 'waitP50.standard')).toBe(25);
    expect(last(h, 'waitP95.standard')).toBe(25);
    expect(last(h, 'waitP50.free')).toBe(3);
    expect(last(h, 'waitP95.free')).toBeNull();
    expect(last(h, 'waitP50.premium')).toBe(3);
    expect(P95_MIN_SAMPLES).toBe(5);
  });

  it('records provider calls against the limit and the reserve from a fresh flow-control snapshot only', () => {
    const now = T0 + 5000;
    const h = new QueueHistory(() => now);
    const snapshot = (updatedAt: number) =>
      ({
        updatedAt: new Date(updatedAt).toISOString(),
        budget: { limitPerMinute: 240, reserve: 0.1, callsLastMinute: 37 },
      }) as FlowSnapshot;
    h.observeFlow(snapshot(now - 60_000));
    expect(series(h, 'providerCalls').points).toBe(0);
    h.observeFlow(snapshot(now - 1000));
    expect(last(h, 'providerCalls')).toBe(37);
    expect(last(h, 'providerLimit')).toBe(240);
    expect(last(h, 'providerBudget')).toBe(216);
  });

  it('forgets buckets older than an hour', () => {
    let now = T0;
    const h = new QueueHistory(() => now);
    h.observeCensus(census(T0, { parked: 2 }));
    now = T0 + 61 * 60_000;
    h.observeCensus(census(now, { parked: 0 }));
    expect(series(h, 'parked').points).toBe(1);
  });
});
