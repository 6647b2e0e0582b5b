import type { WorkerOptions } from '@temporalio/worker';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { activityInterceptor } from './activity-interceptor';
import { METRICS_WORKFLOW_INTERCEPTORS, orderMetricsSinks } from './metrics-sinks';

type Interceptors = NonNullable<WorkerOptions['interceptors']>;

/**
 * The interceptors and sinks a worker adds to the caller's: the activity interceptor (log context and, with
 * `metrics`, activity metrics) and the order metrics sinks (no-ops without `metrics`) always; with `metrics`, the
 * workflow metrics interceptors too. A
 * prebuilt workflow bundle gets no workflow interceptors (they must be bundled in; SLA and finished-order counts are
 * then missing).
 */
export function observabilityOptions(
  metrics: WorkerMetrics | undefined,
  interceptors: Interceptors | undefined,
  prebuiltBundle: boolean,
): { interceptors: Interceptors; sinks?: WorkerOptions['sinks'] } {
  const activity = [...(interceptors?.activity ?? []), activityInterceptor(metrics)];
  if (!metrics) return { interceptors: { ...interceptors, activity }, sinks: orderMetricsSinks(undefined) };
  const workflowModules = prebuiltBundle
    ? interceptors?.workflowModules
    : [...(interceptors?.workflowModules ?? []), METRICS_WORKFLOW_INTERCEPTORS];
  return {
    interceptors: { ...interceptors, activity, ...(workflowModules ? { workflowModules } : {}) },
    sinks: orderMetricsSinks(metrics),
  };
}
