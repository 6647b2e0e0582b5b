import {
  TimeoutFailure, proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { PROVISION_WORKFLOW_TYPE, TIERS, type OrderState } from './contract';

/**
 * What provisionServer reports to the worker's metrics (workflow sinks: not called during replay, so each event is
 * counted once). Implemented in src/worker/metrics-sinks.ts.
 */
export interface OrderMetricsSinks extends Sinks {
  orderMetrics: {
    /** A provider step waited its tier's maxQueueWaitMs for dispatch (schedule-to-start timeout): the order is promoted. */
    promoted(tier: string): void;
    /** The order finished (ACTIVE, FAILED or CANCELLED); `errorType` is OrderState.error.type. */
    finished(status: string, tier: string, errorType: string | null): void;
  };
}

const { orderMetrics } = proxySinks<OrderMetricsSinks>();

const causeOf = (err: unknown): unknown => (err instanceof Error && err.cause ? err.cause : err);

function tierOf(order: unknown): string {
  const tier = (order as { tier?: unknown } | undefined)?.tier;
  return typeof tier === 'string' && (TIERS as readonly string[]).includes(tier) ? tier : 'unknown';
}

/**
 * Workflow interceptors of the worker's metrics (bundled with the workflows when the worker has metrics): they only
 * observe provisionServer (its activity outcomes and its result) and never change what it does.
 */
export const interceptors: WorkflowInterceptorsFactory = () => {
  if (workflowInfo().workflowType !== PROVISION_WORKFLOW_TYPE) return {};
  let tier = 'unknown';
  return {
    inbound: [{
      async execute(input, next) {
        tier = tierOf(input.args[0]);
        const state = await next(input) as OrderState;
        orderMetrics.finished(state.status, tier, state.error?.type ?? null);
        return state;
      },
    }],
    outbound: [{
      async scheduleActivity(input, next) {
        try {
          return await next(input);
        } catch (err) {
          const cause = causeOf(err);
          if (cause instanceof TimeoutFailure && cause.timeoutType === 'SCHEDULE_TO_START') orderMetrics.promoted(tier);
          throw err;
        }
      },
    }],
  };
};
