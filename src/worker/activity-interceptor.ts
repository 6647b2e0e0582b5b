import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { withLogContext, type LogFields } from '../log-context';
import type { WorkerMetrics } from '../metrics/worker-metrics';
import { secondsSince } from '../metrics/registry';

const ORDER_WORKFLOW_PREFIX = 'order-';

/** The order an activity works for: its input's `orderId` or `order.orderId`, else the workflow id's `order-<id>`. */
export function orderIdOf(input: unknown, workflowId: string | undefined): string | undefined {
  const arg = (input ?? {}) as { orderId?: unknown; order?: { orderId?: unknown } };
  if (typeof arg.orderId === 'string') return arg.orderId;
  if (typeof arg.order?.orderId === 'string') return arg.order.orderId;
  return workflowId?.startsWith(ORDER_WORKFLOW_PREFIX) ? workflowId.slice(ORDER_WORKFLOW_PREFIX.length) : undefined;
}

/**
 * Every activity attempt runs with its orderId, workflowId, activity type and attempt in the log context (so every
 * line the service's loggers write during it carries them), and, with `metrics`, is counted: attempt, queue wait,
 * duration, failure and error type, compensation outcome.
 */
export function activityInterceptor(metrics?: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: (input, next) => {
        const { info } = ctx;
        const workflowId = info.workflowExecution?.workflowId;
        const orderId = orderIdOf(input.args[0], workflowId);
        const fields: LogFields = { activity: info.activityType, attempt: info.attempt };
        if (orderId !== undefined) fields.orderId = orderId;
        if (workflowId !== undefined) fields.workflowId = workflowId;
        return withLogContext(fields, async () => {
          const started = process.hrtime.bigint();
          metrics?.attemptStarted(info);
          try {
            const result = await next(input);
            metrics?.attemptCompleted(info, secondsSince(started));
            return result;
          } catch (err) {
            metrics?.attemptFailed(info, secondsSince(started), err);
            throw err;
          }
        });
      },
    },
  });
}
