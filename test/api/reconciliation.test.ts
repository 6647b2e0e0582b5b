import pino from 'pino';
import { adoptAllServers } from '../../src/server-migration';
import { ensureReconcileSchedule } from '../../src/temporal-reconcile';
import { ownExternalId } from '../../src/workflows/own-server';
import { type ReconcilePolicy } from '../../src/workflows/reconcile-contract';
import { serverEntityWorkflowId } from '../../src/workflows/server-entity-contract';
import { auth, orderWithServer, startApiHarness, waitFor, type ApiHarness } from './harness';
import { sweepHarness, type SweepHarness } from './sweep-harness';

jest.setTimeout(180_000);

const READ_KEY = 'reconcile-read-key-0123456789abcdef';
let h: ApiHarness;
let panel: SweepHarness['panel'];
let serverOf: SweepHarness['serverOf'];
let placeDirectly: SweepHarness['placeDirectly'];
let sweep: SweepHarness['sweep'];

beforeAll(async () => {
  h = await startApiHarness({
    worker: true,
    installMs: 50,
    apiKeys: [{ name: 'dashboard', role: 'read', secret: READ_KEY }],
  });
  ({ panel, serverOf, placeDirectly, sweep } = sweepHarness(h, 'sweep-test'));
});

afterAll(async () => {
  await h?.stop();
});

describe('reconciliation sweep on the simulated panel', () => {
  it('finds a stray, a lost server and drift; reports them, marks the lost entity LOST, then deletes and corrects', async () => {
    const [lost, suspendedByHand, resizedByHand, inSync] = [
      await orderWithServer(h, 'lost'),
      await orderWithServer(h, 'drift-suspended'),
      await orderWithServer(h, 'drift-limits'),
      await orderWithServer(h, 'in-sync'),
    ];
    await waitFor(
      () => h.http().get('/v1/servers').set(auth),
      (r) => r.body.servers?.length === 4,
    );
    const stray = await placeDirectly(ownExternalId('stray-1'));
    const foreign = await placeDirectly('someone-elses');
    await panel().deleteServer((await serverOf(lost)).id, { force: true });
    await panel().suspend((await serverOf(suspendedByHand)).id);
    const resized = await serverOf(resizedByHand);
    await panel().updateBuild(resized.id, {
      allocation: resized.allocation,
      limits: { ...resized.limits, memory: 4096 },
      feature_limits: { databases: 0, allocations: 1, backups: 0 },
    });

    const report = await sweep({ strays: 'report', drift: 'report' });
    expect(report).toMatchObject({
      panelServers: 5,
      ours: 4,
      entities: 4,
      counts: { strays: 1, lost: 1, drift: 2 },
      strays: [{ serverId: stray.id, orderId: 'stray-1', action: 'reported' }],
      lost: [{ orderId: lost, action: 'marked' }],
      webhook: 'not_configured',
    });
    expect(report.drift.map((d) => [d.orderId, d.drift.map((x) => x.field), d.action]).sort()).toEqual(
      [
        [suspendedByHand, ['suspended'], 'reported'],
        [resizedByHand, ['limits'], 'reported'],
      ].sort(),
    );
    expect(report.drift.every((d) => d.detail === 'reported')).toBe(true);
    expect(report.strays.concat().map((s) => s.serverId)).not.toContain(foreign.id);
    const lostView = await h.http().get(`/v1/servers/${lost}`).set(auth).expect(200);
    expect(lostView.body.status).toBe('LOST');
    expect(lostView.body.timeline.at(-1).detail).toMatch(/no longer on the panel/);
    expect((await h.client.workflow.getHandle(serverEntityWorkflowId(lost)).describe()).status.name).toBe('COMPLETED');
    const refused = await h.http().post(`/v1/servers/${lost}/operations`).set(auth).send({ operation: 'suspend' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'server_lost', details: { orderId: lost } });
    expect((await serverOf(suspendedByHand)).suspended).toBe(true);

    const fixed = await sweep({ strays: 'delete', drift: 'correct' });
    expect(fixed.counts).toMatchObject({ strays: 1, lost: 0, drift: 2 });
    expect(fixed.strays).toEqual([expect.objectContaining({ serverId: stray.id, action: 'deleted' })]);
    expect(fixed.drift.every((d) => d.action === 'corrected' && /^queued [a-z]/.test(d.detail))).toBe(true);
    await waitFor(
      async () => (await serverOf(suspendedByHand)).suspended,
      (suspended) => !suspended,
    );
    await waitFor(
      async () => (await serverOf(resizedByHand)).limits.memory,
      (memory) => memory !== 4096,
    );
    const state = (await panel().listServers({ perPage: 100 })).items;
    expect(state.map((s) => s.id)).not.toContain(stray.id);
    expect(state.map((s) => s.id)).toContain(foreign.id);
    const suspendedView = await h.http().get(`/v1/servers/${suspendedByHand}`).set(auth).expect(200);
    expect(suspendedView.body.status).toBe('ACTIVE');
    expect(suspendedView.body.operations.at(-1)).toMatchObject({
      operation: 'unsuspend',
      requestedBy: 'reconciliation',
    });

    await waitFor(
      () => h.http().get(`/v1/servers/${resizedByHand}`).set(auth),
      (r) => r.body.operations?.at(-1)?.status === 'COMPLETED',
    );
    const clean = await sweep({ strays: 'report', drift: 'report' });
    expect(clean.counts).toMatchObject({ strays: 0, lost: 0, drift: 0 });
    expect(clean.webhook).toBe('not_needed');
    expect(inSync).toBeDefined();
  });

  it('runs on a Schedule: 409 before a worker set it up, then GET shows the schedule and the newest report', async () => {
    await h.http().post('/v1/reconciliation/run').set(auth).expect(409);
    expect((await h.http().get('/v1/reconciliation').set(auth).expect(200)).body).toEqual({
      schedule: null,
      running: null,
      last: null,
    });
    const settings = { intervalMs: 3_600_000, policy: { strays: 'report', drift: 'report' } as ReconcilePolicy };
    expect(await ensureReconcileSchedule(h.client, h.taskQueue, settings)).toBe('created');
    expect(await ensureReconcileSchedule(h.client, h.taskQueue, settings)).toBe('updated');
    await h
      .http()
      .post('/v1/reconciliation/run')
      .set({ Authorization: `Bearer ${READ_KEY}` })
      .expect(403);
    await h.http().post('/v1/reconciliation/run').set(auth).expect(202, { triggered: true });
    const status = await waitFor(
      () =>
        h
          .http()
          .get('/v1/reconciliation')
          .set({ Authorization: `Bearer ${READ_KEY}` }),
      (r) => r.body.last !== null,
      60_000,
    );
    expect(status.body).toMatchObject({
      schedule: { intervalMs: 3_600_000, paused: false, nextRunAt: expect.any(String) },
      last: { counts: { strays: 0, lost: 0, drift: 0 }, policy: settings.policy, webhook: 'not_needed' },
    });
    const metrics = await h.http().get('/metrics').set(auth).expect(200);
    expect(metrics.text).toMatch(/server_queue_reconcile_findings\{kind="lost"[^}]*\} 0/);
    expect(metrics.text).toMatch(/server_queue_reconcile_last_finished_timestamp_seconds/);
  });

  it('adopts every ACTIVE order without a running entity at once (the migration command), and again adopts none', async () => {
    const orderId = await orderWithServer(h, 'pre-entity');
    const entity = h.client.workflow.getHandle(serverEntityWorkflowId(orderId));
    await entity.terminate('as an order from before entities');
    const listed = `WorkflowType = 'provisionServer' AND ExecutionStatus = 'Completed' AND OrderStatus = 'ACTIVE'`;
    const orders = (await h.client.workflow.count(`WorkflowType = 'provisionServer'`)).count;
    await waitFor(
      () => h.client.workflow.count(listed),
      (c) => c.count === orders,
    );
    const deps = { client: h.client, taskQueue: h.taskQueue, logger: pino({ level: 'silent' }), perSecond: 50 };
    const first = await adoptAllServers(deps);
    expect(first).toMatchObject({ orders, adopted: 1, truncated: false });
    expect(first.had_entity + first.ended).toBe(orders - 1);
    expect((await entity.describe()).status.name).toBe('RUNNING');
    await h.http().post(`/v1/servers/${orderId}/operations`).set(auth).send({ operation: 'suspend' }).expect(202);
    expect(await adoptAllServers(deps)).toMatchObject({ orders, adopted: 0 });
  });
});
