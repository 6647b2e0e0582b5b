import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import {
  add, cancelsTimer, counter, countdown, finish, localGreeting, patchedGreeting, runActivity, runsChild,
} from './fixtures/conformance';
import { timeSkippingEnv } from './helpers';
import { CHANGED_WORKFLOWS, terminateRunning, unique, withWorker, workflowBundle } from './support';

const HISTORIES = path.join(__dirname, 'fixtures', 'histories');

/** Workflows whose histories are replayed; each ends closed. Set RECORD_HISTORIES=1 to rewrite the saved fixtures. */
const scenarios: Record<string, (env: TestWorkflowEnvironment, taskQueue: string) => Promise<WorkflowHandle>> = {
  activity: (env, taskQueue) => env.client.workflow.start(runActivity, { taskQueue, workflowId: unique('replay'), args: ['greet', ['rex'], { startToCloseTimeout: '10s' }] }),
  timers: (env, taskQueue) => env.client.workflow.start(cancelsTimer, { taskQueue, workflowId: unique('replay') }),
  child: (env, taskQueue) => env.client.workflow.start(runsChild, { taskQueue, workflowId: unique('replay'), args: ['complete'] }),
  countdown: (env, taskQueue) => env.client.workflow.start(countdown, { taskQueue, workflowId: unique('replay'), args: [0] }),
  'local-activity': (env, taskQueue) => env.client.workflow.start(localGreeting, { taskQueue, workflowId: unique('replay'), args: ['rex'] }),
  patch: (env, taskQueue) => env.client.workflow.start(patchedGreeting, { taskQueue, workflowId: unique('replay') }),
  'signal-and-update': async (env, taskQueue) => {
    const handle = await env.client.workflow.start(counter, { taskQueue, workflowId: unique('replay'), args: [1] });
    await handle.executeUpdate(add, { args: [2] });
    await handle.signal(finish);
    return handle;
  },
};

describe('replaying histories recorded from this server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  it('replays freshly recorded histories without errors', () => withWorker(env, 'replay', async (taskQueue) => {
    const recorded = [];
    for (const [name, start] of Object.entries(scenarios)) {
      const handle = await start(env, taskQueue);
      await handle.result();
      const history = await handle.fetchHistory();
      recorded.push({ workflowId: handle.workflowId, history });
      if (process.env.RECORD_HISTORIES === '1') fs.writeFileSync(path.join(HISTORIES, `${name}.json`), `${historyToJSON(history)}\n`);
    }
    const errors = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, recorded)) errors.push(result.error);
    expect(errors).toEqual(recorded.map(() => undefined));
  }));

  it.each(Object.keys(scenarios))('replays the saved %s history', async (name) => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORIES, `${name}.json`), 'utf8'));
    const workflowId = history.events[0].workflowExecutionStartedEventAttributes.workflowId;
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowId)).resolves.toBeUndefined();
  });

  it('reports a changed workflow definition as a DeterminismViolationError', async () => {
    const history = JSON.parse(fs.readFileSync(path.join(HISTORIES, 'countdown.json'), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle(CHANGED_WORKFLOWS) }, history))
      .rejects.toThrow(DeterminismViolationError);
  });
});
