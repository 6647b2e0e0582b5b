import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { flowControl, type FlowControlInput } from '../../src/workflows/flow-control';
import {
  eggRulesQuery,
  flowReportSignal,
  type EggRulesView,
  type ProcessFlowReport,
} from '../../src/workflows/flow-contract';
import { startWorkflowHarness, terminateWhenIdle, type WorkflowHarness } from './harness';

jest.setTimeout(60_000);

const eggsReadAt = (readAt: string, rules: string): EggRulesView => ({
  readAt,
  eggs: [{ id: 1, variables: [{ name: 'Jar', env_variable: 'JAR', default_value: null, user_editable: true, rules }] }],
});

const report = (identity: string, eggs?: EggRulesView): ProcessFlowReport => ({
  identity,
  at: new Date().toISOString(),
  budget: {
    limitPerMinute: 240,
    reserve: 0.1,
    callsLastMinute: 0,
    rateLimitedLastMinute: 0,
    panelLimit: null,
    panelRemaining: null,
    lastRateLimitedAt: null,
    suggestedRatePerMinute: 216,
  },
  breakers: [],
  nodes: [],
  reservations: [],
  released: [],
  eggs,
});

describe('flow-control: the eggs the workers read, for the API', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('answers the newest eggs reported, keeps them through reports without eggs, and starts from carried ones', async () => {
    const taskQueue = `flow-eggs-${randomUUID()}`;
    const worker = await Worker.create({
      connection: h.env.nativeConnection,
      taskQueue,
      workflowBundle: h.bundle,
    });
    await worker.runUntil(async () => {
      const carried: FlowControlInput = { taskQueue, eggs: eggsReadAt('2026-12-06T10:00:00.000Z', 'required') };
      const handle = await h.env.client.workflow.start(flowControl, {
        taskQueue,
        workflowId: `flow-control-${taskQueue}`,
        args: [carried],
      });
      expect(await handle.query(eggRulesQuery)).toEqual(carried.eggs);

      const newer = eggsReadAt('2026-12-06T11:00:00.000Z', 'nullable');
      await handle.signal(flowReportSignal, report('a', newer));
      await handle.signal(flowReportSignal, report('b', eggsReadAt('2026-12-06T10:30:00.000Z', 'string')));
      await handle.signal(flowReportSignal, report('a'));
      expect(await handle.query(eggRulesQuery)).toEqual(newer);
      await terminateWhenIdle(handle, 'test over');
    });
  });
});
