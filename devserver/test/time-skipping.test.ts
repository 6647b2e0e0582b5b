import { status } from '@grpc/grpc-js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { timeSkippingEnv } from './helpers';
import { eventually, serverWorker } from './harness';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const TQ = 'skipping';

describe('time skipping (the test server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  let seq = 0;
  const id = (prefix: string) => `${prefix}-${++seq}`;
  const within = async <T>(ms: number, p: Promise<T>) => {
    let timer: NodeJS.Timeout | undefined;
    const pending = new Promise<'pending'>((r) => (timer = setTimeout(() => r('pending'), ms)));
    return Promise.race([p, pending]).finally(() => clearTimeout(timer));
  };

  beforeAll(async () => {
    env = await timeSkippingEnv();
    worker = await serverWorker({
      connection: env.nativeConnection, taskQueue: TQ,
      activities: {
        pause: async (ms: number) => (await new Promise((r) => setTimeout(r, ms)), 'activity'),
        sleepInTestTime: async (ms: number) => (await env.sleep(ms), 'activity'),
      },
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  it('does not skip time while the lock counter is at its initial 1, and skips once result() unlocks it', async () => {
    const t0 = await env.currentTimeMs();
    const h = await env.client.workflow.start('sleepFor', { taskQueue: TQ, workflowId: id('locked'), args: [HOUR] });
    await new Promise((r) => setTimeout(r, 500));
    expect((await env.currentTimeMs()) - t0).toBeLessThan(60_000);
    expect((await h.describe()).status.name).toBe('RUNNING');
    const wall = Date.now();
    await h.result();
    expect(Date.now() - wall).toBeLessThan(3000);
    expect((await env.currentTimeMs()) - t0).toBeGreaterThanOrEqual(HOUR);
  });

  it('answers FAILED_PRECONDITION to an UnlockTimeSkipping that would take the counter below zero', async () => {
    const testService = env.connection.testService!;
    await testService.unlockTimeSkipping({});
    await expect(testService.unlockTimeSkipping({})).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    await testService.lockTimeSkipping({});
  });

  it('fast-forwards server time with env.sleep, firing the timers it passes without anyone awaiting a result', async () => {
    const t0 = await env.currentTimeMs();
    const h = await env.client.workflow.start('sleepFor', { taskQueue: TQ, workflowId: id('env-sleep'), args: [DAY] });
    await eventually(async () => ((await h.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined), 5000, 'timer');
    const wall = Date.now();
    await env.sleep(2 * DAY);
    expect(Date.now() - wall).toBeLessThan(3000);
    expect((await env.currentTimeMs()) - t0).toBeGreaterThanOrEqual(2 * DAY);
    expect((await h.describe()).status.name).toBe('COMPLETED');
    const events = (await h.fetchHistory()).events ?? [];
    const at = (pick: (e: (typeof events)[number]) => unknown) => Number(events.find(pick)?.eventTime?.seconds) * 1000;
    expect(at((e) => e.timerFiredEventAttributes) - at((e) => e.timerStartedEventAttributes)).toBeGreaterThanOrEqual(DAY - 1000);
  });

  it('reports the same current time through env.currentTimeMs and GetCurrentTime', async () => {
    const viaEnv = await env.currentTimeMs();
    const { time } = await env.connection.testService!.getCurrentTime({});
    const viaRpc = Number(time?.seconds) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);
    expect(Math.abs(viaRpc - viaEnv)).toBeLessThan(1000);
  });

  it('does not skip time while an activity runs in real time', async () => {
    const wall = Date.now();
    const result = await env.client.workflow.execute('slowActivityVersusTimer', { taskQueue: TQ, workflowId: id('slow-activity'), args: [800, HOUR] });
    expect(result).toBe('activity');
    expect(Date.now() - wall).toBeGreaterThanOrEqual(750);
  });

  it("skips time past a workflow timer when the running activity itself calls env.sleep (the SDK's documented pattern)", async () => {
    const wall = Date.now();
    const result = await env.client.workflow.execute('activitySleepsVersusTimer', { taskQueue: TQ, workflowId: id('activity-sleeps'), args: [2 * HOUR, HOUR] });
    expect(result).toBe('timer');
    expect(Date.now() - wall).toBeLessThan(3000);
  });

  it('does not skip time while a workflow task waits for a worker', async () => {
    const orphan = await env.client.workflow.start('quick', { taskQueue: 'skipping-no-worker', workflowId: id('orphan'), args: ['x'] });
    const sleeper = await env.client.workflow.start('sleepFor', { taskQueue: TQ, workflowId: id('blocked'), args: [HOUR] });
    const result = sleeper.result();
    expect(await within(800, result)).toBe('pending');
    await orphan.terminate();
    const slept = await within(3000, result);
    expect(slept).not.toBe('pending');
    expect(slept as number).toBeGreaterThanOrEqual(HOUR);
  });

  it('keeps closed workflows when skipped time passes the retention period', async () => {
    const h = await env.client.workflow.start('quick', { taskQueue: TQ, workflowId: id('kept'), args: ['kept'] });
    expect(await h.result()).toBe('kept');
    await env.sleep(3 * DAY);
    expect((await h.describe()).status.name).toBe('COMPLETED');
    expect(await h.result()).toBe('kept');
  });
});
