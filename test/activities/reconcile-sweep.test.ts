import { MockActivityEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { reconcileActivities } from '../../src/activities/reconcile';
import type { ReconcileInput, ReconcileReport } from '../../src/workflows/reconcile-contract';
import { ReconcileWorld, entityState, panelServer } from './reconcile-world';

// One sweep (reconcilePanel) over a stand-in Temporal and panel (reconcile-world.ts), with the clock held at NOW:
// which entities and servers it judges, what it reads to do so, and the progress it heartbeats.
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const SETTLE_MS = 60_000;
const REPORT_ONLY = { strays: 'report', drift: 'report' } as const;

let world: ReconcileWorld;
let beats: unknown[];

beforeEach(() => {
  world = new ReconcileWorld();
  beats = [];
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function sweep(policy: ReconcileInput['policy'] = REPORT_ONLY): Promise<ReconcileReport> {
  const env = new MockActivityEnvironment();
  env.on('heartbeat', (details: unknown) => beats.push(details));
  const { reconcilePanel } = reconcileActivities(world.deps());
  return env.run(reconcilePanel, { taskQueue: 'orders', policy, settleMs: SETTLE_MS });
}

describe('a reconciliation sweep, stage by stage', () => {
  it('heartbeats each stage with how far it got, and reports no webhook needed yet', async () => {
    world.entities = [
      { orderId: 'kept', startedAt: 0 },
      { orderId: 'lost', startedAt: 0 },
    ];
    world.states.set('kept', entityState('kept', 1)).set('lost', entityState('lost', 2));
    world.servers = [panelServer(1, 'kept'), panelServer(3, 'stray'), panelServer(4, '', { external_id: null })];
    const report = await sweep();
    expect(report.counts).toEqual({ strays: 1, lost: 1, drift: 0, skipped: 0 });
    expect(report.webhook).toBe('not_needed');
    expect(beats).toEqual([
      { stage: 'entities', n: 2 },
      { stage: 'orders', n: 0 },
      { stage: 'panel', n: 1 },
      { stage: 'strays', n: 0 },
      { stage: 'drift', n: 0 },
      { stage: 'lost', n: 0 },
    ]);
  });

  it('judges an entity started and a stray created exactly the settle time ago, and neither a millisecond younger', async () => {
    const settled = NOW - SETTLE_MS;
    world.entities = [
      { orderId: 'old-entity', startedAt: settled },
      { orderId: 'young-entity', startedAt: settled + 1 },
    ];
    world.states.set('old-entity', entityState('old-entity', 10)).set('young-entity', entityState('young-entity', 11));
    world.servers = [panelServer(20, 'old-stray', {}, settled), panelServer(21, 'young-stray', {}, settled + 1)];
    const report = await sweep();
    expect(report.counts).toEqual({ strays: 1, lost: 1, drift: 0, skipped: 1 });
    expect(report.strays.map((s) => s.serverId)).toEqual([20]);
    expect(report.lost.map((l) => l.orderId)).toEqual(['old-entity']);
  });

  it('compares no matched entity that has no workflow, is gone or is busy, and reads no matched server again', async () => {
    world.entities = ['in-sync', 'no-workflow', 'gone', 'busy'].map((orderId) => ({ orderId, startedAt: 0 }));
    world.states
      .set('in-sync', entityState('in-sync', 1))
      .set('gone', entityState('gone', 3, 'LOST'))
      .set('busy', entityState('busy', 4, 'ACTIVE', [{ status: 'RUNNING' }]));
    world.servers = [
      panelServer(1, 'in-sync'),
      panelServer(2, 'no-workflow', { suspended: true }),
      panelServer(3, 'gone', { suspended: true }),
      panelServer(4, 'busy', { suspended: true }),
    ];
    const report = await sweep({ strays: 'report', drift: 'correct' });
    expect(report.counts).toEqual({ strays: 0, lost: 0, drift: 0, skipped: 0 });
    expect(world.told).toEqual([]);
    expect(world.read).toEqual([]);
  });

  it('judges an unseen entity only when it runs, is not gone and not busy; one whose server a direct read finds is kept', async () => {
    world.entities = ['no-workflow', 'deleted', 'busy', 'found', 'lost'].map((orderId) => ({ orderId, startedAt: 0 }));
    world.states
      .set('deleted', entityState('deleted', 12, 'DELETED'))
      .set('busy', entityState('busy', 13, 'ACTIVE', [{ status: 'PENDING' }]))
      .set('found', entityState('found', 40))
      .set('lost', entityState('lost', 50));
    world.unlisted = [panelServer(40, 'found')];
    const report = await sweep();
    expect(report.counts).toEqual({ strays: 0, lost: 1, drift: 0, skipped: 0 });
    expect(world.read).toEqual([40, 50]);
    expect(world.told).toEqual([{ workflowId: 'server-lost', args: { facts: null, correct: false } }]);
    expect(report.lost).toEqual([
      { orderId: 'lost', serverId: 50, action: 'marked', detail: expect.stringContaining('marked LOST') },
    ]);
  });

  it('skips the server of an order in flight on the listing alone, with no direct read and no entity query', async () => {
    world.orders = ['in-flight'];
    world.servers = [panelServer(7, 'in-flight')];
    const report = await sweep({ strays: 'delete', drift: 'report' });
    expect(report.counts).toEqual({ strays: 0, lost: 0, drift: 0, skipped: 1 });
    expect(world.described).toEqual([]);
    expect(world.queried).toEqual([]);
    expect(world.deleted).toEqual([]);
  });

  it("reports a stray its DELETE found already gone as 'already gone'", async () => {
    world.servers = [panelServer(8, 'vanishing')];
    const report = await sweep({ strays: 'delete', drift: 'report' });
    expect(report.strays).toEqual([
      expect.objectContaining({ serverId: 8, action: 'deleted', detail: 'already gone' }),
    ]);
    expect(world.deleted).toEqual([8]);
  });

  it('reports what the entity made of a correction or a LOST mark, and its refusal as failed with the reason', async () => {
    const refusal = (message: string) =>
      new WorkflowUpdateFailedError('update failed', ApplicationFailure.nonRetryable(message, 'OperationInProgress'));
    world.entities = ['drifted', 'refusing', 'lost'].map((orderId) => ({ orderId, startedAt: 0 }));
    world.states
      .set('drifted', entityState('drifted', 1))
      .set('refusing', entityState('refusing', 2))
      .set('lost', entityState('lost', 3));
    world.servers = [panelServer(1, 'drifted', { suspended: true }), panelServer(2, 'refusing', { suspended: true })];
    world.answers
      .set('drifted', { queued: ['suspend'] })
      .set('refusing', refusal('suspend is still running'))
      .set('lost', refusal('the server was deleted'));
    const report = await sweep({ strays: 'report', drift: 'correct' });
    expect(report.drift.map(({ orderId, action, detail }) => ({ orderId, action, detail }))).toEqual([
      { orderId: 'drifted', action: 'corrected', detail: 'queued suspend' },
      { orderId: 'refusing', action: 'failed', detail: 'suspend is still running' },
    ]);
    expect(report.lost).toEqual([{ orderId: 'lost', serverId: 3, action: 'failed', detail: 'the server was deleted' }]);
  });
});
