import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readFlowSnapshot } from '../../src/flow/snapshot';
import { PROVIDER_ACTIVITIES } from '../../src/workflows/activity-contract';
import { DEFAULT_TASK_QUEUE, orderWorkflowId, type OrderState } from '../../src/workflows/contract';
import { WORKER_READY_MESSAGE } from '../../src/worker/ready';
import { temporalInterceptors } from '../../src/temporal-grpc';
import { orderBody, sleep, startStack, type StackProcess } from './stack-process';

const ROOT = path.resolve(__dirname, '../..');
const LIMIT = 240;
const PANEL_KEY = 'ptla_twoWorkerProcesses0123456789';
const ORDERS = 24;
const providerTypes = new Set<string>(PROVIDER_ACTIVITIES);

/** A second worker process (src/worker/main.ts) on the stack's Temporal server and panel; resolves once it polls. */
async function secondWorker(stack: StackProcess): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/worker/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'error',
      TEMPORAL_ADDRESS: stack.temporalAddress,
      PTERODACTYL_URL: stack.simUrl,
      PTERODACTYL_API_KEY: PANEL_KEY,
      PROVIDER_RATE_LIMIT: String(LIMIT),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m) => m === WORKER_READY_MESSAGE && resolve());
    child.once('exit', (code) => reject(new Error(`the second worker exited (${code})`)));
  });
  return child;
}

describe('one provider budget for two worker processes (two OS processes on one panel)', () => {
  let stack: StackProcess;
  let worker: ChildProcess;
  let connection: Connection;

  beforeAll(async () => {
    stack = await startStack({
      env: {
        LOG_LEVEL: 'error',
        PROVIDER_RATE_LIMIT: String(LIMIT),
        PTERODACTYL_API_KEY: PANEL_KEY,
        MAX_INFLIGHT_PER_USER: '1000',
      },
    });
    await stack.setFaults({ rateLimitPerMinute: LIMIT, installMs: 300 });
    worker = await secondWorker(stack);
    connection = await Connection.connect({ address: stack.temporalAddress, interceptors: temporalInterceptors() });
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await connection?.close();
    await stack?.stop();
  });

  it("never exceeds the panel's limit, gets no 429, and both processes call the panel", async () => {
    const client = new Client({ connection });
    const samples: Array<{ at: number; total: number }> = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        samples.push({ at: Date.now(), total: (await stack.simState()).calls.total });
        await sleep(250);
      }
    })();
    const ids = Array.from({ length: ORDERS }, (_, i) => `two-${i}`);
    for (const id of ids) expect((await stack.api('POST', '/v1/orders', orderBody(id))).status).toBe(202);
    const states = await Promise.all(
      ids.map((id) => client.workflow.getHandle(orderWorkflowId(id)).result() as Promise<OrderState>),
    );
    sampling = false;
    await sampler;

    expect(states.map((s) => s.status)).toEqual(ids.map(() => 'ACTIVE'));
    expect((await stack.simState()).calls.rateLimited).toBe(0);
    const peak10s = Math.max(
      ...samples.map((s) => {
        const later = samples.filter((t) => t.at - s.at <= 10_000).at(-1)!;
        return later.total - s.total;
      }),
    );
    expect(peak10s).toBeLessThanOrEqual((LIMIT / 60) * 10 + 5);

    const identities = new Set<string>();
    for (const id of ids) {
      const history = await client.workflow.getHandle(orderWorkflowId(id)).fetchHistory();
      const scheduled = new Map<string, string>();
      for (const e of history.events ?? []) {
        const s = e.activityTaskScheduledEventAttributes;
        if (s) scheduled.set(String(e.eventId), s.activityType?.name ?? '');
        const started = e.activityTaskStartedEventAttributes;
        if (started && providerTypes.has(scheduled.get(String(started.scheduledEventId)) ?? ''))
          identities.add(started.identity ?? '');
      }
    }
    expect(identities.size).toBe(2);
    const snapshot = await readFlowSnapshot(client, DEFAULT_TASK_QUEUE);
    expect(snapshot?.processes).toHaveLength(2);
  }, 180_000);
});
