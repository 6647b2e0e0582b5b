import { AdaptiveRate } from '../../src/flow/adaptive-rate';
import { CircuitBreaker } from '../../src/flow/breaker';

describe('CircuitBreaker', () => {
  let now = 0;
  const breaker = () =>
    new CircuitBreaker('panel', null, { failureThreshold: 3, openMs: 1000, maxOpenMs: 4000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('stays closed below the threshold and when a success breaks the run of failures', () => {
    const b = breaker();
    b.record(false);
    b.record(false);
    b.record(true);
    b.record(false);
    b.record(false);
    expect(b.current).toBe('closed');
    expect(b.admit()).toEqual({ allowed: true, probe: false });
  });

  it('opens after the threshold of consecutive failures and refuses calls until its open period ends', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.record(false);
    expect(b.current).toBe('open');
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 1000 });
    now = 600;
    expect(b.admit()).toEqual({ allowed: false, retryAfterMs: 400 });
  });

  it('lets exactly one probe through when half-open; its success closes the breaker', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.record(false);
    now = 1000;
    expect(b.current).toBe('half_open');
    expect(b.admit()).toEqual({ allowed: true, probe: true });
    expect(b.admit()).toMatchObject({ allowed: false });
    b.record(true, true);
    expect(b.current).toBe('closed');
    expect(b.view()).toMatchObject({ state: 'closed', failures: 0, retryAt: null });
  });

  it('reopens for twice as long (up to the maximum) when the probe fails', () => {
    const b = breaker();
    for (let i = 0; i < 3; i++) b.record(false);
    for (const expected of [2000, 4000, 4000]) {
      now += 5000;
      expect(b.admit()).toEqual({ allowed: true, probe: true });
      b.record(false, true);
      expect(b.admit()).toEqual({ allowed: false, retryAfterMs: expected });
    }
  });
});

describe('AdaptiveRate', () => {
  let now = 0;
  const rate = () => new AdaptiveRate({ maxPerMinute: 200, minPerMinute: 10, recoveryStepMs: 10_000, now: () => now });
  beforeEach(() => {
    now = 0;
  });

  it('runs at the maximum while the panel has room', () => {
    const r = rate();
    r.observe({ limit: 240, remaining: 200 });
    expect(r.rateAt()).toBe(200);
  });

  it("runs at the minimum until a 429's Retry-After has passed, then at half, recovering a tenth per quiet step", () => {
    const r = rate();
    r.rateLimited(30_000);
    expect(r.rateAt()).toBe(10);
    expect(r.heldUntil()).toBe(30_000);
    now = 30_000;
    expect(r.rateAt()).toBe(100);
    now = 40_000;
    expect(r.rateAt()).toBe(120);
    now = 80_000;
    expect(r.rateAt()).toBe(200);
  });

  it('reads the rate without changing it: a read at a later time does not move an earlier one', () => {
    const r = rate();
    r.rateLimited(30_000);
    expect(r.rateAt(80_000)).toBe(200);
    expect(r.rateAt(40_000)).toBe(120);
    now = 40_000;
    expect(r.rateAt()).toBe(120);
  });

  it('cuts the rate by a fifth when X-RateLimit-Remaining runs low, at most once per step', () => {
    const r = rate();
    r.observe({ limit: 240, remaining: 10 });
    r.observe({ limit: 240, remaining: 5 });
    expect(r.rateAt()).toBe(160);
    now = 10_000;
    r.observe({ limit: 240, remaining: 5 });
    expect(r.rateAt()).toBe((160 + 20) * 0.8);
  });
});
