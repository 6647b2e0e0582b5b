import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { runWorker } from '../../src/worker';
import { PROVISION_WORKFLOW_TYPE, orderWorkflowId, type OrderState } from '../../src/workflows/contract';
import { SIM_KEY, paperOrder, serversOf, startPanel, type PanelHarness } from '../activities/panel-harness';
import { startDevServerEnv } from '../engines';

describe('runWorker', () => {
  let env: TestWorkflowEnvironment;
  let panel: PanelHarness;
  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
    env = await startDevServerEnv();
    panel = await startPanel();
  });
  afterAll(async () => {
    await panel?.close();
    await env?.teardown();
  });

  it('provisions orders with the configured panel and stops cleanly on SIGTERM', async () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: 'run-worker',
      PTERODACTYL_URL: panel.sim.url,
      PTERODACTYL_API_KEY: SIM_KEY,
      LOG_LEVEL: 'silent',
    });
    const listenersBefore = process.listenerCount('SIGTERM');
    const running = runWorker(config);
    const order = paperOrder('run-worker-1');
    const state = (await env.client.workflow.execute(PROVISION_WORKFLOW_TYPE, {
      taskQueue: 'run-worker',
      workflowId: orderWorkflowId(order.orderId),
      args: [order],
    })) as OrderState;
    expect(state.status).toBe('ACTIVE');
    expect(serversOf(await panel.state(), 'run-worker-1')).toHaveLength(1);

    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await expect(running).resolves.toBeUndefined();
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });

  it('refuses to start without a panel to talk to', async () => {
    await expect(runWorker(loadConfig({ TEMPORAL_ADDRESS: env.address, LOG_LEVEL: 'silent' }))).rejects.toThrow(
      /PTERODACTYL_URL/,
    );
  });
});
