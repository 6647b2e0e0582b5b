import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { entityAccess } from '../../src/activities/reconcile-entities';
import { ReconcileWorld, entityState } from './reconcile-world';

// What the sweep asks of one entity (entityAccess), over a stand-in Temporal (reconcile-world.ts).
let world: ReconcileWorld;

beforeEach(() => {
  world = new ReconcileWorld();
});

const SUSPENDED = { serverId: 1, suspended: true, limits: {} as never };

describe("the sweep's access to an entity", () => {
  it('answers the state, nothing for an entity Temporal does not have, and fails on any other error', async () => {
    const state = entityState('here', 1);
    world.states.set('here', state).set('erring', new Error('query timed out'));
    const access = entityAccess(world.client());
    expect(await access.state('here')).toBe(state);
    expect(await access.state('never-started')).toBeUndefined();
    await expect(access.state('erring')).rejects.toThrow('query timed out');
    expect(world.queried).toEqual(['server-here', 'server-never-started', 'server-erring']);
  });

  it("tells the entity the panel's facts, and says what it queued or that it only noted them", async () => {
    world.answers.set('drifted', { queued: ['unsuspend', 'resize'] });
    const access = entityAccess(world.client());
    expect(await access.tell('drifted', SUSPENDED, true)).toEqual({ ok: true, detail: 'queued unsuspend, resize' });
    expect(await access.tell('in-sync', SUSPENDED, false)).toEqual({ ok: true, detail: 'noted' });
    expect(world.told).toEqual([
      { workflowId: 'server-drifted', args: { facts: SUSPENDED, correct: true } },
      { workflowId: 'server-in-sync', args: { facts: SUSPENDED, correct: false } },
    ]);
  });

  it('answers a refusal with its reason (empty without one) and fails on any other error', async () => {
    const refusal = ApplicationFailure.nonRetryable('an operation is running', 'OperationInProgress');
    world.answers
      .set('refusing', new WorkflowUpdateFailedError('update failed', refusal))
      .set('refusing-silently', new WorkflowUpdateFailedError('update failed', undefined))
      .set('unreachable', new Error('deadline exceeded'));
    const access = entityAccess(world.client());
    expect(await access.tell('refusing', null, false)).toEqual({ ok: false, detail: 'an operation is running' });
    expect(await access.tell('refusing-silently', null, false)).toEqual({ ok: false, detail: '' });
    await expect(access.tell('unreachable', null, false)).rejects.toThrow('deadline exceeded');
  });
});
