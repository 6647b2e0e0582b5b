import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { PROVISION_WORKFLOW_TYPE, TIERS, type OrderState } from './contract';

/**
 * What provisionServer reports to the worker's metrics (workflow sinks: not called during replay, so each event is
 * counted once). Implemented in src/worker/metrics-sinks.ts; a worker without metrics registers them as no-ops.
 */
export interface OrderMetricsSinks extends Sinks {
  orderMetrics: {
    /** A provider step waited its tier's maxQueueWaitMs for dispatch: the order is promoted (called by OrderFlow). */
    promoted(tier: string): void;
    /** The order finished (ACTIVE, FAILED or CANCELLED); `errorType` is OrderState.error.type. */
    finished(status: string, tier: string, errorType: string | null): void;
  };
}

const { orderMetrics } = proxySinks<OrderMetricsSinks>();

function tierOf(order: unknown): string {
  const tier = (order as { tier?: unknown } | undefined)?.tier;
  return typeof tier === 'string' && (TIERS as readonly string[]).includes(tier) ? tier : 'unknown';
}

/**
 * Workflow interceptors of the worker's metrics (bundled with the workflows when the worker has metrics): they only
 * observe provisionServer's result and never change what it does.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  if (workflowInfo().workflowType !== PROVISION_WORKFLOW_TYPE) return {};
  return {
    inbound: [
      {
        async execute(input, next) {
          const state = (await next(input)) as OrderState;
          orderMetrics.finished(state.status, tierOf(input.args[0]), state.error?.type ?? null);
          return state;
        },
      },
    ],
  };
};
