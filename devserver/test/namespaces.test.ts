import { status } from '@grpc/grpc-js';
import { Client } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { localEnv } from './helpers';
import { serverWorker } from './harness';

describe('namespaces', () => {
  let env: TestWorkflowEnvironment;
  const svc = () => env.connection.workflowService;
  const clientFor = (namespace: string) => new Client({ connection: env.connection, namespace });

  beforeAll(async () => {
    env = await localEnv(['--namespace', 'second', '--namespace', 'third']);
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('creates default and every --namespace at start-up, each listed and described as registered', async () => {
    const { namespaces } = await svc().listNamespaces({});
    expect(namespaces.map((n) => n.namespaceInfo?.name).sort()).toEqual(['default', 'second', 'third']);
    const d = await svc().describeNamespace({ namespace: 'second' });
    expect(d.namespaceInfo?.state).toBe(temporal.api.enums.v1.NamespaceState.NAMESPACE_STATE_REGISTERED);
    const byId = await svc().describeNamespace({ id: d.namespaceInfo?.id });
    expect(byId.namespaceInfo?.name).toBe('second');
  });

  it('runs a workflow in a --namespace namespace with a worker of that namespace', async () => {
    const worker = await serverWorker({ connection: env.nativeConnection, namespace: 'second', taskQueue: 'ns-second' });
    const result = await worker.runUntil(clientFor('second').workflow.execute('quick', { taskQueue: 'ns-second', workflowId: 'ns-wf', args: ['in second'] }));
    expect(result).toBe('in second');
  });

  it('keeps namespaces apart: the same workflow id starts in each, and list and describe see only their own', async () => {
    const worker = await serverWorker({ connection: env.nativeConnection, namespace: 'third', taskQueue: 'ns-shared' });
    const second = clientFor('second');
    const third = clientFor('third');
    await worker.runUntil(async () => {
      await third.workflow.execute('quick', { taskQueue: 'ns-shared', workflowId: 'ns-same-id', args: ['third'] });
      const pending = await second.workflow.start('quick', { taskQueue: 'ns-shared', workflowId: 'ns-same-id', args: ['second'] });
      expect((await pending.describe()).status.name).toBe('RUNNING');
      await pending.terminate();
    });
    expect((await third.workflow.getHandle('ns-same-id').describe()).status.name).toBe('COMPLETED');
    const inThird: string[] = [];
    for await (const wf of third.workflow.list({ query: `WorkflowId = 'ns-same-id'` })) inThird.push(wf.status.name);
    expect(inThird).toEqual(['COMPLETED']);
    await expect(env.client.workflow.getHandle('ns-same-id').describe()).rejects.toMatchObject({ name: 'WorkflowNotFoundError' });
  });

  it('registers a namespace that workers and clients can then use, with its retention', async () => {
    await svc().registerNamespace({ namespace: 'registered', workflowExecutionRetentionPeriod: msToTs(3 * 86_400_000), description: 'made by test' });
    const d = await svc().describeNamespace({ namespace: 'registered' });
    expect(d.namespaceInfo).toMatchObject({ name: 'registered', description: 'made by test' });
    expect(Number(d.config?.workflowExecutionRetentionTtl?.seconds)).toBe(3 * 86400);
    const worker = await serverWorker({ connection: env.nativeConnection, namespace: 'registered', taskQueue: 'ns-registered' });
    const result = await worker.runUntil(clientFor('registered').workflow.execute('quick', { taskQueue: 'ns-registered', workflowId: 'ns-r', args: ['ok'] }));
    expect(result).toBe('ok');
  });

  it('answers ALREADY_EXISTS to registering an existing namespace', async () => {
    await expect(svc().registerNamespace({ namespace: 'second' })).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
    await expect(svc().registerNamespace({ namespace: 'default' })).rejects.toMatchObject({ code: status.ALREADY_EXISTS });
  });

  it('answers INVALID_ARGUMENT to registering a namespace without a name', async () => {
    await expect(svc().registerNamespace({ namespace: '' })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('answers NOT_FOUND for an unknown namespace, which the client reports as NamespaceNotFoundError', async () => {
    await expect(svc().describeNamespace({ namespace: 'missing' })).rejects.toMatchObject({ code: status.NOT_FOUND });
    const missing = clientFor('missing');
    const started = missing.workflow.start('quick', { taskQueue: 'ns-missing', workflowId: 'ns-missing', args: ['x'] });
    await expect(started).rejects.toBeInstanceOf(NamespaceNotFoundError);
    await expect(missing.workflow.getHandle('any').describe()).rejects.toBeInstanceOf(NamespaceNotFoundError);
    await expect(svc().listWorkflowExecutions({ namespace: 'missing' })).rejects.toMatchObject({ code: status.NOT_FOUND });
  });

  it('updates a namespace description and retention', async () => {
    const updated = await svc().updateNamespace({ namespace: 'third', updateInfo: { description: 'changed' }, config: { workflowExecutionRetentionTtl: msToTs(7_200_000) } }) as temporal.api.workflowservice.v1.IUpdateNamespaceResponse;
    expect(updated.namespaceInfo?.description).toBe('changed');
    const d = await svc().describeNamespace({ namespace: 'third' });
    expect(Number(d.config?.workflowExecutionRetentionTtl?.seconds)).toBe(7200);
  });
});
