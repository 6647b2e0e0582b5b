import type { InjectedSinks } from '@temporalio/worker';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { NO_CAPACITY_ERROR } from '../workflows/flow-contract';
import type { OrderMetricsSinks } from '../workflows/metrics-interceptors';

/** The workflow metrics interceptors' module, bundled with the workflows when the worker has metrics. */
export const METRICS_WORKFLOW_INTERCEPTORS = require.resolve('../workflows/metrics-interceptors');

/** Turns provisionServer's metric events (see OrderMetricsSinks) into the worker's counters; no-ops without metrics. */
export function orderMetricsSinks(metrics: WorkerMetrics | undefined): InjectedSinks<OrderMetricsSinks> {
  if (!metrics) return { orderMetrics: { promoted: { fn: () => undefined }, finished: { fn: () => undefined } } };
  return {
    orderMetrics: {
      promoted: { fn: (_info, tier) => metrics.slaBreaches.inc({ tier, kind: 'queue_wait' }) },
      finished: {
        fn: (_info, status, tier, errorType) => {
          metrics.ordersFinished.inc({ status, tier, error_type: errorType ?? '' });
          if (status === 'FAILED' && errorType === NO_CAPACITY_ERROR)
            metrics.slaBreaches.inc({ tier, kind: 'no_capacity' });
        },
      },
    },
  };
}
