import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundle,
} from '@temporalio/worker';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { DEFAULT_FLOW_CONFIG } from '../../src/flow/flow-config';
import { ProcessFlow } from '../../src/flow/process-flow';
import { WorkerMetrics } from '../../src/metrics/worker-metrics';
import { createPterodactylClient } from '../../src/provider';
import { WORKFLOWS_PATH, createWorker } from '../../src/worker';
import { activityDepsFor } from '../../src/worker/activity-deps';
import { serveMetrics } from '../../src/worker/metrics-server';
import { METRICS_WORKFLOW_INTERCEPTORS } from '../../src/worker/metrics-sinks';
import { observabilityOptions } from '../../src/worker/metrics-wiring';
import {
  PROVISION_WORKFLOW_TYPE,
  cancelOrderSignal,
  orderStateQuery,
  orderWorkflowId,
  type OrderState,
  type ProvisionOptions,
} from '../../src/workflows/contract';
import { DEFAULT_FLOW_POLICY } from '../../src/workflows/flow-contract';
import { SIM_KEY, paperOrder, startPanel, type PanelHarness } from '../activities/panel-harness';
import { waitFor } from '../api/harness';
import { startDevServerEnv } from '../engines';
import { sample } from './prom-text';

jest.setTimeout(120_000);

describe('worker metrics on a running worker', () => {
  let env: TestWorkflowEnvironment;
  let native: NativeConnection;
  let client: Client;
  let panel: PanelHarness;
  let bundle: WorkflowBundle;
  const logger = pino({ level: 'silent' });

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      /* installed by another suite in this process */
    }
    env = await startDevServerEnv();
    client = env.client;
    [native, panel, bundle] = await Promise.all([
      NativeConnection.connect({ address: env.address }),
      startPanel(),
      bundleWorkflowCode({
        workflowsPath: WORKFLOWS_PATH,
        workflowInterceptorModules: [METRICS_WORKFLOW_INTERCEPTORS],
        logger: new DefaultLogger('WARN'),
      }),
    ]);
  });
  afterAll(async () => {
    await native?.close();
    await panel?.close();
    await env?.teardown();
  });

  it("counts a queue-wait SLA breach when a provider step is promoted, and the order's end", async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const taskQueue = 'metrics-promotion';
    const all = createActivities(activityDepsFor(new ProcessFlow({ provider: panel.client(), logger }), { logger }));
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: bundle,
      activities: { releaseAllocation: all.releaseAllocation },
      ...observabilityOptions(metrics, undefined, true),
    });
    const order = paperOrder('metrics-promoted', { tier: 'free' });
    const options: ProvisionOptions = { policy: { ...DEFAULT_FLOW_POLICY.free, maxQueueWaitMs: 300 } };
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(PROVISION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: orderWorkflowId(order.orderId),
        args: [order, options],
      });
      const text = await waitFor(
        () => metrics.registry.metrics(),
        (t) => sample(t, 'server_queue_sla_breaches_total', { tier: 'free', kind: 'queue_wait' }) === 1,
      );
      expect(sample(text, 'server_queue_sla_breaches_total', { tier: 'free', kind: 'queue_wait' })).toBe(1);
      expect((await handle.query(orderStateQuery)).priority.promoted).toBe(true);
      await handle.signal(cancelOrderSignal, { reason: 'test over' });
      expect(((await handle.result()) as OrderState).status).toBe('CANCELLED');
    });
    const text = await metrics.registry.metrics();
    expect(
      sample(text, 'server_queue_orders_finished_total', {
        status: 'CANCELLED',
        tier: 'free',
        error_type: 'Cancelled',
      }),
    ).toBe(1);
    expect(
      sample(text, 'server_queue_compensations_total', { compensation: 'releaseAllocation', outcome: 'done' }),
    ).toBe(1);
  });

  it('records the steps, panel calls, budget and the finished order of a provisioned server, served on /metrics', async () => {
    const metrics = new WorkerMetrics({ processMetrics: false });
    const taskQueue = 'metrics-happy';
    const worker = await createWorker({
      connection: native,
      taskQueue,
      namespace: 'default',
      logger,
      metrics,
      workflowBundle: bundle,
      installPollMs: 50,
      provider: createPterodactylClient({ baseUrl: panel.sim.url, apiKey: SIM_KEY }),
      flowConfig: { ...DEFAULT_FLOW_CONFIG, rateLimitPerMinute: 100_000 },
      reportFlow: false,
      tuning: { shutdownGraceTime: '1 second' },
    });
    const server = await serveMetrics(metrics.registry, 0, '127.0.0.1', logger);
    try {
      const order = paperOrder('metrics-happy', { tier: 'premium' });
      const state = (await worker.runUntil(() =>
        client.workflow.execute(PROVISION_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: orderWorkflowId(order.orderId),
          args: [order, { policy: DEFAULT_FLOW_POLICY.premium }],
        }),
      )) as OrderState;
      expect(state.status).toBe('ACTIVE');

      const res = await fetch(server!.url);
      expect(res.headers.get('content-type')).toContain('text/plain');
      const text = await res.text();
      for (const step of ['allocate', 'create', 'install', 'configure', 'verify']) {
        expect(sample(text, 'server_queue_activity_attempts_total', { activity_type: step, attempt: 'first' })).toBe(1);
        expect(
          sample(text, 'server_queue_activity_duration_seconds_count', { activity_type: step, outcome: 'completed' }),
        ).toBe(1);
      }
      expect(
        sample(text, 'server_queue_activity_schedule_to_start_seconds_count', {
          activity_type: 'allocate',
          priority: '1',
        }),
      ).toBe(1);
      expect(
        sample(text, 'server_queue_orders_finished_total', { status: 'ACTIVE', tier: 'premium', error_type: '' }),
      ).toBe(1);
      expect(sample(text, 'server_queue_provider_calls_total')).toBeGreaterThanOrEqual(3);
      expect(sample(text, 'server_queue_provider_budget_per_minute')).toBe(90_000);
      expect(sample(text, 'server_queue_circuit_breaker_state', { scope: 'panel' })).toBe(0);
      expect(sample(text, 'server_queue_sla_breaches_total')).toBeUndefined();
      expect((await fetch(server!.url.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server?.close();
    }
  });
});
