import { TestWorkflowEnvironment } from '@temporalio/testing';
import { fixtureWorker, timeSkippingEnv } from './helpers';

describe('embedded server under the official time-skipping environment', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow of two activities to its result', async () => {
    const worker = await fixtureWorker(env, 'basics');
    const result = await worker.runUntil(env.client.workflow.execute('twoActivities', { taskQueue: 'basics', workflowId: 'two-activities', args: ['bob'] }));
    expect(result).toBe('hello hello bob');
  });

  it('skips a 30-day sleep in under a second of wall time', async () => {
    const worker = await fixtureWorker(env, 'basics-sleep');
    const started = Date.now();
    const result = await worker.runUntil(env.client.workflow.execute('sleeper', { taskQueue: 'basics-sleep', workflowId: 'sleeper', args: [30 * 24 * 3600_000] }));
    expect(result).toBe('woke');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('delivers signals and answers queries', async () => {
    const worker = await fixtureWorker(env, 'basics-signal');
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start('signalled', { taskQueue: 'basics-signal', workflowId: 'signalled' });
      await handle.signal('poke', 'a');
      expect(await handle.query('state')).toEqual(['a']);
      await handle.signal('poke', 'b');
      expect(await handle.result()).toEqual(['a', 'b']);
    });
  });
});
