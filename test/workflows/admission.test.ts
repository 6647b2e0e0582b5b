import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { admissionActivities } from '../../src/activities/admission';
import { censusActivities } from '../../src/activities/census';
import { API_WORKFLOWS_PATH } from '../../src/worker/api-worker';
import { ADMISSION_START_GRACE_MS } from '../../src/workflows/admission';
import {
  ADMISSION_WORKFLOW_TYPE,
  admitOrdersUpdate,
  admittedQuery,
  type AdmissionInput,
  type AdmitRequest,
  type AdmitResult,
} from '../../src/workflows/admission-contract';
import { startTestServerEnv } from '../engines';

// The admission shard on the official time-skipping test server.
describe('orderAdmission: one shard of the per-user in-flight limit', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  let shards = 0;
  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      /* installed by another suite in this process */
    }
    env = await startTestServerEnv();
    bundle = await bundleWorkflowCode({ workflowsPath: API_WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function withShard<T>(
    input: Partial<AdmissionInput>,
    run: (admit: (requests: AdmitRequest[]) => Promise<AdmitResult[]>, workflowId: string) => Promise<T>,
  ): Promise<T> {
    const taskQueue = `admission-${++shards}`;
    const workflowId = `admission-test-${shards}`;
    const client: Client = env.client;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: bundle,
      activities: { ...admissionActivities({ client }), ...censusActivities({ client }) },
    });
    return worker.runUntil(() =>
      run(
        (requests) =>
          client.workflow.executeUpdateWithStart(admitOrdersUpdate, {
            args: [requests],
            startWorkflowOperation: new WithStartWorkflowOperation(ADMISSION_WORKFLOW_TYPE, {
              workflowId,
              taskQueue,
              args: [{ taskQueue, shard: 0, ...input }],
              workflowIdConflictPolicy: 'USE_EXISTING',
            }),
          }),
        workflowId,
      ),
    );
  }

  const req = (orderId: string, userId = 1, limit = 2): AdmitRequest => ({ orderId, userId, limit });

  it("admits a user's orders up to the limit, in the order of the batch, and refuses the next with the oldest admission", async () => {
    await withShard({}, async (admit) => {
      const results = await admit([req('a'), req('b'), req('c'), req('x', 2)]);
      expect(results.map((r) => r.admitted)).toEqual([true, true, false, true]);
      expect(results[2]).toMatchObject({ admitted: false, inFlight: 2, oldestAdmittedAt: expect.any(String) });
      expect(results[3]).toMatchObject({ admitted: true, known: false, inFlight: 1 });
    });
  });

  it('answers a repeated order id as known without counting it twice', async () => {
    await withShard({}, async (admit) => {
      expect((await admit([req('a')]))[0]).toMatchObject({ admitted: true, known: false, inFlight: 1 });
      expect((await admit([req('a')]))[0]).toMatchObject({ admitted: true, known: true, inFlight: 1 });
      expect((await admit([req('b')]))[0]).toMatchObject({ admitted: true, inFlight: 2 });
    });
  });

  it('forgets, at the limit, admitted orders Temporal does not know once their start grace has passed', async () => {
    await withShard({}, async (admit) => {
      await admit([req('never-started-1'), req('never-started-2')]);
      expect((await admit([req('c')]))[0].admitted).toBe(false);
      await env.sleep(ADMISSION_START_GRACE_MS + 1000);
      expect((await admit([req('c')]))[0]).toMatchObject({ admitted: true, inFlight: 1 });
    });
  });

  it('continues as new keeping the orders still in flight and forgetting the ones that ended', async () => {
    await withShard({ eventsPerRun: 3 }, async (admit, workflowId) => {
      await admit([req('gone-1', 1, 5), req('gone-2', 1, 5)]);
      await env.sleep(ADMISSION_START_GRACE_MS + 1000);
      await admit([req('fresh', 1, 5)]);
      const handle = env.client.workflow.getHandle(workflowId);
      let admitted = await handle.query(admittedQuery);
      for (let i = 0; i < 50 && admitted.length !== 1; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        admitted = await handle.query(admittedQuery);
      }
      expect(admitted.map((o) => o.orderId)).toEqual(['fresh']);
      const history = await handle.fetchHistory();
      expect(history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId).toBeTruthy();
    });
  });
});
