import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { transientFailure, permanentFailure, FailureType } from '../../src/errors';
import { createLogger } from '../../src/logger';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { activityInterceptor, orderIdOf } from '../../src/worker/activity-interceptor';
import { sample } from './prom-text';

/** A logger writing JSON lines into `lines`, as the service's loggers do (createLogger). */
function capturedLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, destination), lines };
}

const env = (metrics: WorkerMetrics, info: Partial<ConstructorParameters<typeof MockActivityEnvironment>[0]> = {}) =>
  new MockActivityEnvironment(
    {
      activityType: 'create',
      workflowExecution: { workflowId: 'order-o-17', runId: 'run-1' },
      retryPolicy: { maximumAttempts: 10 },
      ...info,
    },
    { interceptors: [activityInterceptor(metrics)], logger: new DefaultLogger('ERROR') },
  );

describe('the activity interceptor', () => {
  it('records an attempt and a failure with its error type, and puts orderId and workflowId on every log line', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const { logger, lines } = capturedLogger();
    const flaky = async (input: { order: { orderId: string } }) => {
      logger.warn({ serverId: 5 }, 'create failed; reconciling by external_id');
      throw transientFailure(FailureType.PanelUnavailable, `panel down for ${input.order.orderId}`);
    };
    await expect(env(metrics).run(flaky, { order: { orderId: 'o-17' } })).rejects.toThrow('panel down');
    const gone = async () => {
      logger.info('looking');
      throw permanentFailure(FailureType.PanelNotFound, 'gone');
    };
    await expect(env(metrics, { activityType: 'verify', attempt: 3 }).run(gone)).rejects.toThrow('gone');
    logger.info('outside any activity');

    const text = await metrics.registry.metrics();
    expect(sample(text, 'server_queue_activity_attempts_total', { activity_type: 'create', attempt: 'first' })).toBe(1);
    expect(sample(text, 'server_queue_activity_attempts_total', { activity_type: 'verify', attempt: 'retry' })).toBe(1);
    expect(
      sample(text, 'server_queue_activity_failures_total', {
        activity_type: 'create',
        error_type: 'PanelUnavailable',
        will_retry: 'true',
      }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_activity_failures_total', {
        activity_type: 'verify',
        error_type: 'PanelNotFound',
        will_retry: 'false',
      }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_activity_duration_seconds_count', { activity_type: 'create', outcome: 'failed' }),
    ).toBe(1);

    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      orderId: 'o-17',
      workflowId: 'order-o-17',
      activity: 'create',
      attempt: 1,
      serverId: 5,
    });
    expect(lines[1]).toMatchObject({ orderId: 'o-17', workflowId: 'order-o-17', activity: 'verify', attempt: 3 });
    expect(lines[2]).not.toHaveProperty('orderId');
  });

  it("counts a completed attempt and keeps the activity's own orderId field", async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const { logger, lines } = capturedLogger();
    const release = async (input: { orderId: string }) => {
      logger.info({ orderId: input.orderId }, 'reservation released');
      return { released: [1] };
    };
    await expect(
      env(metrics, { activityType: 'releaseAllocation' }).run(release, { orderId: 'o-17' }),
    ).resolves.toEqual({ released: [1] });
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'server_queue_compensations_total', { compensation: 'releaseAllocation', outcome: 'done' }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_activity_duration_seconds_count', {
        activity_type: 'releaseAllocation',
        outcome: 'completed',
      }),
    ).toBe(1);
    expect(lines[0]).toMatchObject({ orderId: 'o-17', workflowId: 'order-o-17' });
  });

  it('takes the order id from the input, else from the order workflow id', () => {
    expect(orderIdOf({ orderId: 'a' }, 'order-b')).toBe('a');
    expect(orderIdOf({ order: { orderId: 'c' } }, 'order-b')).toBe('c');
    expect(orderIdOf(undefined, 'order-b')).toBe('b');
    expect(orderIdOf(undefined, 'flow-control-q')).toBeUndefined();
  });
});
