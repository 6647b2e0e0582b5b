import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { register as globalRegistry } from 'prom-client';
import { ProcessFlow } from '../../src/flow/process-flow';
import { attemptFailure, errorTypeOf } from '../../src/metrics/activity-outcome';
import { Cached } from '../../src/metrics/cached';
import { createRegistry } from '../../src/metrics/registry';
import { WorkerMetrics, type ActivityFacts } from '../../src/metrics/worker-metrics';
import { createPterodactylClient } from '../../src/provider';
import { orderMetricsSinks } from '../../src/worker/metrics-sinks';
import { sample } from './prom-text';

const facts = (overrides: Partial<ActivityFacts> = {}): ActivityFacts => ({
  activityType: 'create',
  attempt: 1,
  isLocal: false,
  currentAttemptScheduledTimestampMs: 1_000,
  priority: { priorityKey: 3 },
  retryPolicy: { maximumAttempts: 10, nonRetryableErrorTypes: ['PanelValidation'] },
  ...overrides,
});

describe('metrics registries', () => {
  it("are separate per process role and leave prom-client's global registry empty", async () => {
    const a = createRegistry({ processMetrics: false, labels: { role: 'a' } });
    new WorkerMetrics({ processMetrics: false });
    new WorkerMetrics({ processMetrics: false });
    expect(await a.metrics()).toBe('\n');
    expect(globalRegistry.getMetricsAsArray()).toHaveLength(0);
  });

  it('include Node.js process metrics by default', async () => {
    expect(await createRegistry().metrics()).toContain('process_cpu_user_seconds_total');
  });
});

describe('activity outcome', () => {
  it('names the failure by its ApplicationFailure type and tells whether Temporal retries it', () => {
    expect(attemptFailure(facts(), ApplicationFailure.retryable('503', 'PanelUnavailable'))).toEqual({
      errorType: 'PanelUnavailable',
      willRetry: true,
    });
    expect(attemptFailure(facts(), ApplicationFailure.nonRetryable('gone', 'PanelNotFound'))).toEqual({
      errorType: 'PanelNotFound',
      willRetry: false,
    });
    expect(attemptFailure(facts(), ApplicationFailure.retryable('422', 'PanelValidation')).willRetry).toBe(false);
    expect(
      attemptFailure(facts({ attempt: 10 }), ApplicationFailure.retryable('503', 'PanelUnavailable')).willRetry,
    ).toBe(false);
    expect(attemptFailure(facts(), new CancelledFailure('stop'))).toEqual({ errorType: 'Cancelled', willRetry: false });
    expect(errorTypeOf(new TypeError('bug'))).toBe('TypeError');
  });
});

describe('WorkerMetrics', () => {
  it('counts attempts, retries, failures by error type, durations and queue waits', async () => {
    const m = new WorkerMetrics({ processMetrics: false });
    m.attemptStarted(facts(), 3_500);
    m.attemptFailed(facts(), 0.2, ApplicationFailure.retryable('503', 'PanelUnavailable'));
    m.attemptStarted(facts({ attempt: 2 }), 5_000);
    m.attemptCompleted(facts({ attempt: 2 }), 0.3);
    const text = await m.registry.metrics();
    expect(sample(text, 'server_queue_activity_attempts_total', { activity_type: 'create', attempt: 'first' })).toBe(1);
    expect(sample(text, 'server_queue_activity_attempts_total', { activity_type: 'create', attempt: 'retry' })).toBe(1);
    expect(
      sample(text, 'server_queue_activity_failures_total', {
        activity_type: 'create',
        error_type: 'PanelUnavailable',
        will_retry: 'true',
      }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_activity_duration_seconds_count', { activity_type: 'create', outcome: 'completed' }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_activity_schedule_to_start_seconds_sum', { activity_type: 'create', priority: '3' }),
    ).toBeCloseTo(6.5);
    expect(sample(text, 'server_queue_activity_attempts_total', { role: 'worker' })).toBeDefined();
  });

  it('counts compensations by outcome', async () => {
    const m = new WorkerMetrics({ processMetrics: false });
    const del = facts({ activityType: 'deleteServer', retryPolicy: { maximumAttempts: 2 } });
    m.attemptFailed(del, 0.1, ApplicationFailure.retryable('503', 'PanelUnavailable'));
    m.attemptFailed({ ...del, attempt: 2 }, 0.1, ApplicationFailure.retryable('503', 'PanelUnavailable'));
    m.attemptCompleted(facts({ activityType: 'releaseAllocation' }), 0.01);
    const text = await m.registry.metrics();
    expect(sample(text, 'server_queue_compensations_total', { compensation: 'deleteServer', outcome: 'retry' })).toBe(
      1,
    );
    expect(sample(text, 'server_queue_compensations_total', { compensation: 'deleteServer', outcome: 'failed' })).toBe(
      1,
    );
    expect(
      sample(text, 'server_queue_compensations_total', { compensation: 'releaseAllocation', outcome: 'done' }),
    ).toBe(1);
  });

  it('reads budget, breakers and install watches from the flow control, and counts panel calls and 429s', async () => {
    const m = new WorkerMetrics({ processMetrics: false });
    expect(sample(await m.registry.metrics(), 'server_queue_provider_budget_per_minute')).toBe(0);
    const flow = new ProcessFlow({
      provider: createPterodactylClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'ptla_unused' }),
      limitPerMinute: 240,
      reserve: 0.5,
    });
    m.observeFlow({ flow, provider: { ratePerMinute: 42 } });
    for (let i = 0; i < 5; i++) flow.breakers.node(7).record(false);
    flow.meter.call();
    flow.meter.call();
    flow.meter.rateLimited();
    const text = await m.registry.metrics();
    expect(sample(text, 'server_queue_provider_budget_per_minute')).toBe(120);
    expect(sample(text, 'server_queue_provider_rate_per_minute')).toBe(120);
    expect(sample(text, 'server_queue_provider_task_rate_per_minute')).toBe(42);
    expect(sample(text, 'server_queue_provider_calls_total')).toBe(2);
    expect(sample(text, 'server_queue_provider_rate_limited_total')).toBe(1);
    expect(sample(text, 'server_queue_provider_calls_last_minute')).toBe(2);
    expect(sample(text, 'server_queue_provider_budget_used_ratio')).toBeCloseTo(2 / 120);
    expect(sample(text, 'server_queue_circuit_breaker_state', { scope: 'panel' })).toBe(0);
    expect(sample(text, 'server_queue_circuit_breaker_state', { scope: 'node', node: '7' })).toBe(2);
    expect(sample(text, 'server_queue_install_watches')).toBe(0);
    flow.stop();
  });

  it('counts finished orders and SLA breaches from the workflow sinks', async () => {
    const m = new WorkerMetrics({ processMetrics: false });
    const sinks = orderMetricsSinks(m);
    const info = {} as never;
    void sinks.orderMetrics.promoted.fn(info, 'free');
    void sinks.orderMetrics.finished.fn(info, 'FAILED', 'standard', 'NO_CAPACITY');
    void sinks.orderMetrics.finished.fn(info, 'ACTIVE', 'free', null);
    const text = await m.registry.metrics();
    expect(sample(text, 'server_queue_sla_breaches_total', { tier: 'free', kind: 'queue_wait' })).toBe(1);
    expect(sample(text, 'server_queue_sla_breaches_total', { tier: 'standard', kind: 'no_capacity' })).toBe(1);
    expect(sample(text, 'server_queue_orders_finished_total', { status: 'ACTIVE', tier: 'free', error_type: '' })).toBe(
      1,
    );
    expect(
      sample(text, 'server_queue_orders_finished_total', {
        status: 'FAILED',
        tier: 'standard',
        error_type: 'NO_CAPACITY',
      }),
    ).toBe(1);
  });
});

describe('Cached', () => {
  it('reads once per ttl, shares a read in flight, and keeps the last value when a read fails', async () => {
    let now = 0;
    let reads = 0;
    let fail = false;
    const cached = new Cached(
      async () => {
        reads += 1;
        if (fail) throw new Error('down');
        return reads;
      },
      1000,
      () => now,
    );
    const [a, b] = await Promise.all([cached.get(), cached.get()]);
    expect([a, b, reads]).toEqual([{ value: 1, fresh: true }, { value: 1, fresh: true }, 1]);
    now = 500;
    expect(await cached.get()).toEqual({ value: 1, fresh: true });
    now = 1500;
    fail = true;
    expect(await cached.get()).toEqual({ value: 1, fresh: false });
    fail = false;
    expect(await cached.get()).toEqual({ value: 3, fresh: true });
    await expect(
      new Cached(async () => {
        throw new Error('down');
      }, 1000).get(),
    ).rejects.toThrow('down');
  });
});
