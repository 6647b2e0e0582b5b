import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Client } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { timeSkippingEnv } from './helpers';
import { terminateRunning, unique } from './support';

type StartRequest = temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest;

describe('bad requests get the real server\'s status codes', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await timeSkippingEnv();
  });
  afterEach(() => terminateRunning(env));
  afterAll(async () => {
    await env?.teardown();
  });

  const start = (overrides: StartRequest) => env.client.workflowService.startWorkflowExecution({
    namespace: 'default', workflowId: unique('bad'), workflowType: { name: 'echo' }, taskQueue: { name: unique('bad') },
    requestId: randomUUID(), ...overrides,
  });

  describe('INVALID_ARGUMENT', () => {
    it('when the workflow id is missing', async () => {
      await expect(start({ workflowId: '' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'WorkflowId is not set on request.' });
    });

    it('when the task queue is missing', async () => {
      await expect(start({ taskQueue: { name: '' } })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT, details: 'TaskQueue is not set on request.' });
    });

    it('when a search attribute is not registered, naming it', async () => {
      const err = await start({ searchAttributes: { indexedFields: { NeverRegisteredAttr: { metadata: {}, data: Buffer.from('"x"') } } } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
      expect((err as { details: string }).details).toContain('NeverRegisteredAttr');
    });
  });

  describe('NOT_FOUND', () => {
    it('for an unknown workflow (WorkflowNotFoundError in the client)', async () => {
      await expect(env.client.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId: 'no-such-workflow' } }))
        .rejects.toMatchObject({ code: status.NOT_FOUND });
      await expect(env.client.workflow.getHandle('no-such-workflow').describe()).rejects.toThrow(WorkflowNotFoundError);
    });

    it('for an unknown namespace (NamespaceNotFoundError in the client)', async () => {
      await expect(start({ namespace: 'no-such-namespace' })).rejects.toMatchObject({ code: status.NOT_FOUND, details: 'Namespace no-such-namespace is not found.' });
      const client = new Client({ connection: env.connection, namespace: 'no-such-namespace' });
      await expect(client.workflow.start('echo', { taskQueue: 'q', workflowId: unique('ns') })).rejects.toThrow(NamespaceNotFoundError);
    });
  });

  it('ALREADY_EXISTS for a second start of a running workflow id', async () => {
    const workflowId = unique('dup');
    await start({ workflowId });
    const err = await start({ workflowId }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.ALREADY_EXISTS });
    expect((err as { details: string }).details).toContain(workflowId);
  });

  it('FAILED_PRECONDITION for an UnlockTimeSkipping without a matching lock', async () => {
    const testService = env.connection.testService!;
    await testService.unlockTimeSkipping({});
    try {
      await expect(testService.unlockTimeSkipping({})).rejects.toMatchObject({ code: status.FAILED_PRECONDITION });
    } finally {
      await testService.lockTimeSkipping({});
    }
  });

  it('UNIMPLEMENTED naming the RPC for an API the server lacks', async () => {
    const err = await env.client.workflowService.listSchedules({ namespace: 'default' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: status.UNIMPLEMENTED });
    expect((err as { details: string }).details).toContain('ListSchedules');
  });
});
