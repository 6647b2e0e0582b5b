import { MIN_COMPLETIONS, serviceRate } from '../../src/api/service-rate';
import type { QueueCensus } from '../../src/workflows/census-contract';

const census = (served: number): QueueCensus => ({
  takenAt: new Date().toISOString(),
  intervalMs: 10_000,
  visibilityCalls: 4,
  running: { byStatusTier: {}, counted: 0, truncated: false },
  waiting: [],
  finished: null,
  served: { windowMs: 600_000, count: served },
  turnaround: { sample: served, meanMs: 6000 },
});

describe('serviceRate', () => {
  it('says nothing per order after a single 6 s order (not 600 s per order)', () => {
    expect(serviceRate(census(1), null)).toEqual({
      perOrderSeconds: null,
      source: null,
      windowSeconds: 600,
      completedInWindow: 1,
    });
  });

  it('falls back to the provider budget bound while too few orders finished', () => {
    expect(serviceRate(census(MIN_COMPLETIONS - 1), 0.8)).toMatchObject({
      perOrderSeconds: 0.8,
      source: 'provider-budget',
      completedInWindow: MIN_COMPLETIONS - 1,
    });
  });

  it('divides the window by the orders served once there are enough of them', () => {
    expect(serviceRate(census(60), 0.8)).toMatchObject({ perOrderSeconds: 10, source: 'completions' });
    expect(serviceRate(census(6000), 0.8)).toMatchObject({ perOrderSeconds: 0.8, source: 'completions' });
  });
});
