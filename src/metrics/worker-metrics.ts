import { Counter, Histogram, type Registry } from 'prom-client';
import { attemptFailure } from './activity-outcome';
import { registerFlowGauges, type FlowSource } from './flow-gauges';
import { METRIC_PREFIX, createRegistry } from './registry';

/** Activities that undo a step (compensations of provisionServer). */
export const COMPENSATION_ACTIVITIES: ReadonlySet<string> = new Set(['releaseAllocation', 'deleteServer']);

const STEP_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const WAIT_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** What the metrics need of a running activity (a subset of the SDK's activity Info). */
export interface ActivityFacts {
  activityType: string;
  attempt: number;
  isLocal: boolean;
  currentAttemptScheduledTimestampMs: number;
  priority?: { priorityKey?: number };
  retryPolicy?: { maximumAttempts?: number; nonRetryableErrorTypes?: string[] };
}

/**
 * The worker process's metrics (one registry per process): activity attempts, failures, durations and queue waits
 * (fed by the activity interceptor), compensations, finished orders and SLA breaches (fed by the workflow metrics
 * sinks), panel calls (fed by the CallMeter) and flow-control gauges read on scrape (see observeFlow).
 */
export class WorkerMetrics {
  readonly registry: Registry;
  readonly attempts: Counter<'activity_type' | 'attempt'>;
  readonly failures: Counter<'activity_type' | 'error_type' | 'will_retry'>;
  readonly stepDuration: Histogram<'activity_type' | 'outcome'>;
  readonly scheduleToStart: Histogram<'activity_type' | 'priority'>;
  readonly compensations: Counter<'compensation' | 'outcome'>;
  readonly ordersFinished: Counter<'status' | 'tier' | 'error_type'>;
  readonly slaBreaches: Counter<'tier' | 'kind'>;
  readonly providerCalls: Counter;
  readonly providerRateLimited: Counter;
  private source: FlowSource | undefined;

  constructor(options: { processMetrics?: boolean } = {}) {
    this.registry = createRegistry({ processMetrics: options.processMetrics, labels: { role: 'worker' } });
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name: `${METRIC_PREFIX}${name}`, help, labelNames, buckets, registers });
    this.attempts = counter(
      'activity_attempts_total',
      'Activity attempts started, by activity type; attempt="retry" for the second and later attempts',
      ['activity_type', 'attempt'],
    );
    this.failures = counter(
      'activity_failures_total',
      'Failed activity attempts by activity type and error type; will_retry says whether Temporal retries it',
      ['activity_type', 'error_type', 'will_retry'],
    );
    this.stepDuration = histogram(
      'activity_duration_seconds',
      'Duration of one activity attempt (a step of an order), by activity type and outcome',
      ['activity_type', 'outcome'],
      STEP_BUCKETS,
    );
    this.scheduleToStart = histogram(
      'activity_schedule_to_start_seconds',
      'Time an activity attempt waited in its task queue, by activity type and task priority key',
      ['activity_type', 'priority'],
      WAIT_BUCKETS,
    );
    this.compensations = counter(
      'compensations_total',
      'Compensation attempts by compensation and outcome (done, retry, failed)',
      ['compensation', 'outcome'],
    );
    this.ordersFinished = counter(
      'orders_finished_total',
      'Orders whose workflow finished on this worker, by final status, tier and error type',
      ['status', 'tier', 'error_type'],
    );
    this.slaBreaches = counter(
      'sla_breaches_total',
      'SLA breaches: kind="queue_wait" a provider step waited past its tier\'s QUEUE_MAX_WAIT (the order was promoted), ' +
        'kind="no_capacity" an order failed with NO_CAPACITY',
      ['tier', 'kind'],
    );
    this.providerCalls = counter('provider_calls_total', 'Requests this process made to the panel');
    this.providerRateLimited = counter('provider_rate_limited_total', 'Panel requests answered 429 Too Many Requests');
    registerFlowGauges(this.registry, () => this.source);
  }

  /** Reads budget, breakers and install watches from this process's flow control on scrape; counts its panel calls. */
  observeFlow(source: FlowSource): void {
    this.source = source;
    source.flow.meter.observe({
      call: () => this.providerCalls.inc(),
      rateLimited: () => this.providerRateLimited.inc(),
    });
  }

  /** An attempt starts: counts it and its wait in the task queue. */
  attemptStarted(info: ActivityFacts, nowMs = Date.now()): void {
    this.attempts.inc({ activity_type: info.activityType, attempt: info.attempt > 1 ? 'retry' : 'first' });
    if (info.isLocal) return;
    const waited = Math.max(0, nowMs - info.currentAttemptScheduledTimestampMs) / 1000;
    this.scheduleToStart.observe(
      { activity_type: info.activityType, priority: String(info.priority?.priorityKey ?? 'none') },
      waited,
    );
  }

  attemptCompleted(info: ActivityFacts, seconds: number): void {
    this.stepDuration.observe({ activity_type: info.activityType, outcome: 'completed' }, seconds);
    if (COMPENSATION_ACTIVITIES.has(info.activityType))
      this.compensations.inc({ compensation: info.activityType, outcome: 'done' });
  }

  attemptFailed(info: ActivityFacts, seconds: number, err: unknown): void {
    const { errorType, willRetry } = attemptFailure(info, err);
    this.stepDuration.observe({ activity_type: info.activityType, outcome: 'failed' }, seconds);
    this.failures.inc({ activity_type: info.activityType, error_type: errorType, will_retry: String(willRetry) });
    if (COMPENSATION_ACTIVITIES.has(info.activityType)) {
      this.compensations.inc({ compensation: info.activityType, outcome: willRetry ? 'retry' : 'failed' });
    }
  }
}
