import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { bulkActivities } from '../../src/activities/bulk';

// Each way bulkApply ends, over a stand-in Temporal: what a handle's query, update, signal and result answer is set
// per test, and every update and signal is recorded. The same paths on the dev server: test/api/bulk-apply.test.ts.
type Answer = unknown | Error;
let answers: { query?: Answer; update?: Answer; result?: Answer };
let sent: Array<{ workflowId: string; kind: string; args: unknown }>;

const settle = async (answer: Answer) => {
  if (answer instanceof Error) throw answer;
  return answer;
};

function client(): Client {
  const handle = (workflowId: string) => ({
    query: () => settle(answers.query),
    executeUpdate: (_: unknown, { args }: { args: unknown[] }) => {
      sent.push({ workflowId, kind: 'update', args: args[0] });
      return settle(answers.update);
    },
    signal: async (_: unknown, args: unknown) => {
      sent.push({ workflowId, kind: 'signal', args });
    },
    result: () => settle(answers.result),
  });
  return { workflow: { getHandle: handle } } as unknown as Client;
}

beforeEach(() => {
  answers = {};
  sent = [];
});

const apply = (input: Partial<Parameters<ReturnType<typeof bulkActivities>['bulkApply']>[0]>) =>
  bulkActivities({ client: client() }).bulkApply({ orderId: 'o-1', filter: {}, requestedBy: 'ops', ...input } as never);
const notFound = () => new WorkflowNotFoundError('not found', 'order-o-1', undefined);
const refused = (type: string, message: string) =>
  new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable(message, type));

describe("a bulk action's step on an order", () => {
  it('skips an order Temporal no longer has, and fails on any other query error', async () => {
    answers.query = notFound();
    expect(await apply({ action: 'cancel' })).toEqual({ outcome: 'skipped', reason: 'the order no longer exists' });
    answers.query = new Error('query timed out');
    await expect(apply({ action: 'cancel' })).rejects.toThrow('query timed out');
  });

  it('cancels a waiting order with the reason and who asked, and skips one no longer waiting', async () => {
    answers.query = { status: 'WAITING_FOR_CAPACITY' };
    expect(await apply({ action: 'cancel', reason: 'payment failed' })).toEqual({ outcome: 'done' });
    expect(sent).toEqual([{ workflowId: 'order-o-1', kind: 'signal', args: { reason: 'payment failed', by: 'ops' } }]);
    answers.query = { status: 'ACTIVE' };
    expect(await apply({ action: 'cancel' })).toEqual({ outcome: 'skipped', reason: 'no longer waiting: ACTIVE' });
  });

  it('retries a parked order with a default note, and skips one parked for another reason or none known', async () => {
    answers.query = { status: 'NEEDS_ATTENTION', parked: { reason: 'STEP_RETRIES_EXHAUSTED' } };
    expect(await apply({ action: 'retry' })).toEqual({ outcome: 'done' });
    expect(sent).toEqual([
      { workflowId: 'order-o-1', kind: 'update', args: { action: 'retry-step', note: 'retried in bulk', by: 'ops' } },
    ]);
    const filter = { parkedReason: 'COMPENSATION_FAILED' as const };
    expect(await apply({ action: 'retry', filter })).toEqual({
      outcome: 'skipped',
      reason: 'parked for STEP_RETRIES_EXHAUSTED',
    });
    answers.query = { status: 'NEEDS_ATTENTION' };
    expect(await apply({ action: 'retry', filter })).toEqual({
      outcome: 'skipped',
      reason: 'parked for another reason',
    });
  });

  it("reports the workflow's refusal of a retry with its reason, else the update's message; other errors fail", async () => {
    answers.query = { status: 'NEEDS_ATTENTION', parked: { reason: 'COMPENSATION_FAILED' } };
    answers.update = refused('ResolutionInProgress', 'a resolution is already running');
    expect(await apply({ action: 'retry' })).toEqual({ outcome: 'failed', reason: 'a resolution is already running' });
    answers.update = new WorkflowUpdateFailedError('update failed', undefined);
    expect(await apply({ action: 'retry' })).toEqual({ outcome: 'failed', reason: 'update failed' });
    answers.update = new Error('deadline exceeded');
    await expect(apply({ action: 'retry' })).rejects.toThrow('deadline exceeded');
  });
});

describe("a bulk action's step on a server", () => {
  it("asks the entity and waits for the operation: done, or failed with the operation's end and error", async () => {
    answers.update = { operationId: 'op-1' };
    answers.result = { status: 'COMPLETED' };
    expect(await apply({ action: 'suspend' })).toEqual({ outcome: 'done' });
    expect(sent).toEqual([{ workflowId: 'server-o-1', kind: 'update', args: { operation: 'suspend', by: 'ops' } }]);
    answers.result = { status: 'FAILED', error: { message: 'the panel refused' } };
    expect(await apply({ action: 'suspend' })).toEqual({
      outcome: 'failed',
      reason: 'suspend failed: the panel refused',
    });
    answers.result = { status: 'CANCELLED', error: null };
    expect(await apply({ action: 'delete' })).toEqual({ outcome: 'failed', reason: 'delete cancelled: ' });
  });

  it('skips a server whose entity no longer runs, fails on a refusal, and retries while another operation runs', async () => {
    answers.update = notFound();
    expect(await apply({ action: 'suspend' })).toEqual({
      outcome: 'skipped',
      reason: 'its server entity no longer runs',
    });
    answers.update = refused('OperationNotAllowed', 'a payment lifts that suspension');
    expect(await apply({ action: 'unsuspend' })).toEqual({
      outcome: 'failed',
      reason: 'a payment lifts that suspension',
    });
    answers.update = refused('OperationInProgress', 'suspend is still running');
    await expect(apply({ action: 'unsuspend' })).rejects.toMatchObject({
      type: 'OperationInProgress',
      nonRetryable: false,
      message: 'suspend is still running',
    });
  });

  it('fails on an update error that is not a refusal, or a refusal whose cause is not an application failure', async () => {
    answers.update = new Error('deadline exceeded');
    await expect(apply({ action: 'suspend' })).rejects.toThrow('deadline exceeded');
    answers.update = new WorkflowUpdateFailedError('update failed', new Error('not an application failure'));
    await expect(apply({ action: 'suspend' })).rejects.toThrow('update failed');
  });
});
