import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { tsToMs } from '@temporalio/common/lib/time';
import { ensureRetention } from '../src/temporal-retention';
import { startDevServerEnv } from './engines';

const DAY_MS = 86_400_000;
let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startDevServerEnv();
}, 60_000);

afterAll(async () => {
  await env?.teardown();
});

const retentionMs = async () =>
  tsToMs(
    (await env.connection.workflowService.describeNamespace({ namespace: 'default' })).config
      ?.workflowExecutionRetentionTtl ?? undefined,
  );

describe('namespace retention (TEMPORAL_RETENTION)', () => {
  it('sets the namespace retention on the server, and reports what it was', async () => {
    const before = await retentionMs();
    expect(await ensureRetention(env.connection, 'default', 30 * DAY_MS)).toEqual({
      previousMs: before,
      changed: before !== 30 * DAY_MS,
    });
    expect(await retentionMs()).toBe(30 * DAY_MS);
    expect(await ensureRetention(env.connection, 'default', 72 * 3_600_000)).toEqual({
      previousMs: 30 * DAY_MS,
      changed: true,
    });
    expect(await retentionMs()).toBe(72 * 3_600_000);
  });

  it('leaves a namespace that already has the retention untouched', async () => {
    await ensureRetention(env.connection, 'default', 7 * DAY_MS);
    expect(await ensureRetention(env.connection, 'default', 7 * DAY_MS)).toEqual({
      previousMs: 7 * DAY_MS,
      changed: false,
    });
  });

  it('is refused for an unknown namespace, which is left to the operator', async () => {
    await expect(ensureRetention(env.connection, 'no-such-namespace', DAY_MS)).rejects.toThrow(/not found/i);
  });
});
