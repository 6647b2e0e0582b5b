import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServerEnv } from '../engines';
import { freePort, orderBody, sleep } from './stack-process';

const ROOT = path.resolve(__dirname, '../..');
const KEY = 'admission-race-key-0123456789';
const LIMIT = 2;

interface ApiProcess {
  url: string;
  child: ChildProcess;
}

async function startApi(env: TestWorkflowEnvironment, taskQueue: string): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/api/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      API_KEY: KEY,
      PORT: String(port),
      LOG_LEVEL: 'error',
      MAX_INFLIGHT_PER_USER: String(LIMIT),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child };
  }
  child.kill('SIGKILL');
  throw new Error('the API process did not become ready');
}

const post = (api: ApiProcess, body: Record<string, unknown>) =>
  fetch(`${api.url}/v1/orders`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  }).then((res) => res.status);

// Two API processes (src/api/main.ts, each with its own admission worker) on one official dev server, no order
// worker: orders stay QUEUED, so every admitted order stays in flight.
describe('the per-user in-flight limit across API processes', () => {
  let env: TestWorkflowEnvironment;
  const apis: ApiProcess[] = [];
  beforeAll(async () => {
    env = await startDevServerEnv();
    const taskQueue = `race-${Date.now()}`;
    apis.push(...(await Promise.all([startApi(env, taskQueue), startApi(env, taskQueue)])));
  }, 120_000);
  afterAll(async () => {
    for (const api of apis) api.child.kill('SIGTERM');
    await Promise.all(
      apis.map(
        (api) =>
          new Promise((resolve) => (api.child.exitCode !== null ? resolve(null) : api.child.once('exit', resolve))),
      ),
    );
    await env?.teardown();
  });

  it("admits exactly one of two orders racing for a user's last slot through two API processes, every time", async () => {
    const outcomes: number[][] = [];
    for (let user = 1; user <= 10; user++) {
      for (let i = 0; i < LIMIT - 1; i++)
        expect(await post(apis[0], orderBody(`race-${user}-${i}`, { userId: user }))).toBe(202);
      const racing = await Promise.all(
        apis.map((api, a) => post(api, orderBody(`race-${user}-last-${a}`, { userId: user }))),
      );
      outcomes.push(racing.sort());
    }
    expect(outcomes).toEqual(Array(10).fill([202, 429]));
  }, 120_000);

  it('counts an order once when both processes receive the same order id', async () => {
    const user = 11;
    const racing = await Promise.all(apis.map((api) => post(api, orderBody('race-same', { userId: user }))));
    expect(racing.sort()).toEqual([200, 202]);
    expect(await post(apis[1], orderBody('race-same-2', { userId: user }))).toBe(202);
    expect(await post(apis[0], orderBody('race-same-3', { userId: user }))).toBe(429);
  }, 60_000);
});
