import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { reconcileActivities } from '../../src/activities/reconcile';
import { entityAccess } from '../../src/activities/reconcile-entities';
import { strayAction } from '../../src/activities/reconcile-strays';
import { entityActivities } from '../../src/activities/server-entity';
import { ProviderError, type Server } from '../../src/provider';
import { ownExternalId } from '../../src/workflows/own-server';
import { serverEntityWorkflowId, type ServerEntityInput } from '../../src/workflows/server-entity-contract';
import { directServer, runActivity } from '../activities/panel-harness';
import {
  auth,
  orderWithServer,
  startApiHarness,
  uniqueOrderId,
  waitFor,
  waitingOrder,
  type ApiHarness,
} from './harness';
import { sweepHarness, type SweepHarness } from './sweep-harness';

jest.setTimeout(180_000);

// The sweep's stray and lost paths on the dev server with the simulated panel; each test removes what it placed.
let h: ApiHarness;
let panel: SweepHarness['panel'];
let serverOf: SweepHarness['serverOf'];
let placeDirectly: SweepHarness['placeDirectly'];
let sweep: SweepHarness['sweep'];

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
  ({ panel, serverOf, placeDirectly, sweep } = sweepHarness(h, 'stray-sweep'));
});

afterAll(async () => {
  await h?.stop();
});

const silent = pino({ level: 'silent' });
const entityRunning = (orderId: string) =>
  listed(`WorkflowId = '${serverEntityWorkflowId(orderId)}' AND ExecutionStatus = 'Running'`);
async function entityInput(orderId: string): Promise<ServerEntityInput> {
  const history = await h.client.workflow.getHandle(serverEntityWorkflowId(orderId)).fetchHistory();
  const started = history.events![0].workflowExecutionStartedEventAttributes!;
  return defaultPayloadConverter.fromPayload(started.input!.payloads![0]);
}
const entityStatus = async (orderId: string) =>
  (await h.client.workflow.getHandle(serverEntityWorkflowId(orderId)).describe()).status.name;
const listed = (query: string) =>
  waitFor(
    () => h.client.workflow.count(query),
    (c) => c.count === 1,
  );

const remove = (...servers: Server[]) => Promise.all(servers.map((s) => panel().deleteServer(s.id, { force: true })));

describe('reconciliation: strays and lost servers', () => {
  it('adopts a stray back into an entity from its order; fails one Temporal never had or whose marker cannot be read', async () => {
    const orderId = await orderWithServer(h, 'adopt-back');
    await h.client.workflow.getHandle(serverEntityWorkflowId(orderId)).terminate('stopped by hand');
    const server = await serverOf(orderId);
    const neverOrdered = await placeDirectly(ownExternalId('never-ordered-1'));
    const unreadable = await placeDirectly(ownExternalId('Mixed-Case-1'));

    const report = await sweep({ strays: 'adopt', drift: 'report' });
    expect(report.counts).toMatchObject({ strays: 3, lost: 0 });
    expect(report.strays).toEqual(
      expect.arrayContaining([
        {
          serverId: server.id,
          externalId: ownExternalId(orderId),
          orderId,
          action: 'adopted',
          detail: 'adopted into an entity from its order',
        },
        {
          serverId: neverOrdered.id,
          externalId: ownExternalId('never-ordered-1'),
          orderId: 'never-ordered-1',
          action: 'failed',
          detail: 'not adopted: no order',
        },
        {
          serverId: unreadable.id,
          externalId: ownExternalId('Mixed-Case-1'),
          orderId: null,
          action: 'failed',
          detail: 'its order id cannot be read from the marker',
        },
      ]),
    );
    expect(await entityStatus(orderId)).toBe('RUNNING');
    expect((await panel().getServer(neverOrdered.id)).external_id).toBe(ownExternalId('never-ordered-1'));

    const again = await sweep({ strays: 'report', drift: 'report' });
    expect(again.strays.map((s) => s.serverId).sort()).toEqual([neverOrdered.id, unreadable.id].sort());
    expect(again.strays.every((s) => s.action === 'reported' && s.detail === 'no entity holds it')).toBe(true);
    await remove(neverOrdered, unreadable);
  });

  it('leaves a marker server of an order still in flight, and one younger than the settle time, even under delete', async () => {
    const orderId = await waitingOrder(h, 'in-flight');
    const inFlight = await placeDirectly(ownExternalId(orderId));

    const first = await sweep({ strays: 'delete', drift: 'report' });
    expect(first.counts).toMatchObject({ strays: 0, skipped: 1 });
    const young = await placeDirectly(ownExternalId('young-stray'));
    const settled = await sweep({ strays: 'delete', drift: 'report' }, 3_600_000);
    expect(settled.counts).toMatchObject({ strays: 0, lost: 0, skipped: 2 });
    const byDefault = await sweep({ strays: 'delete', drift: 'report' }, null);
    expect(byDefault.counts).toMatchObject({ strays: 0, skipped: 2 });
    expect((await panel().getServer(inFlight.id)).external_id).toBe(ownExternalId(orderId));
    expect((await panel().getServer(young.id)).external_id).toBe(ownExternalId('young-stray'));

    const deps = { client: h.client, panel: panel(), logger: silent, taskQueue: h.taskQueue };
    expect(await strayAction(deps, inFlight, 'delete')).toBe('in_use');
    const ended = await sweep({ strays: 'delete', drift: 'report' });
    expect(ended.strays).toEqual([
      {
        serverId: young.id,
        externalId: ownExternalId('young-stray'),
        orderId: 'young-stray',
        action: 'deleted',
        detail: 'deleted',
      },
    ]);
    await h.http().post(`/v1/orders/${orderId}/cancel`).set(auth).expect(202);
    await remove(inFlight);
  });

  it("marks LOST an entity whose server's external_id was changed by hand, and leaves that server alone", async () => {
    const orderId = await orderWithServer(h, 'renamed');
    await entityRunning(orderId);
    const server = await serverOf(orderId);
    await panel().updateDetails(server.id, { name: server.name, user: server.user, external_id: 'renamed-by-hand' });

    const report = await sweep({ strays: 'delete', drift: 'correct' });
    expect(report.lost).toEqual([
      {
        orderId,
        serverId: server.id,
        action: 'marked',
        detail: 'marked LOST; server.lost sent to the order callbackUrl',
      },
    ]);
    expect(report.counts).toMatchObject({ strays: 0, lost: 1 });
    expect((await panel().getServer(server.id)).external_id).toBe('renamed-by-hand');
    const view = await h.http().get(`/v1/servers/${orderId}`).set(auth).expect(200);
    expect(view.body.status).toBe('LOST');
    const { startServerEntity } = entityActivities({ client: h.client });
    expect(await startServerEntity({ taskQueue: h.taskQueue, entity: await entityInput(orderId) })).toEqual({
      started: false,
    });
  });

  it('judges an entity only once it is older than the settle time: a young one whose server went is LOST later', async () => {
    const orderId = await orderWithServer(h, 'young-lost');
    await entityRunning(orderId);
    const server = await serverOf(orderId);
    await panel().deleteServer(server.id, { force: true });
    const young = await sweep({ strays: 'report', drift: 'report' }, 3_600_000);
    expect(young.counts).toMatchObject({ lost: 0 });
    expect(await entityStatus(orderId)).toBe('RUNNING');
    const settled = await sweep({ strays: 'report', drift: 'report' });
    expect(settled.lost).toEqual([expect.objectContaining({ orderId, serverId: server.id, action: 'marked' })]);
  });

  it('marks LOST an entity whose server was deleted and recreated by hand under its marker; the impostor is left as is', async () => {
    const orderId = await orderWithServer(h, 'recreated');
    await entityRunning(orderId);
    const original = await serverOf(orderId);
    await panel().deleteServer(original.id, { force: true });
    const impostor = await placeDirectly(ownExternalId(orderId));
    await panel().suspend(impostor.id);
    const report = await sweep({ strays: 'delete', drift: 'correct' });
    expect(report.lost).toEqual([expect.objectContaining({ orderId, serverId: original.id, action: 'marked' })]);
    expect(report.counts).toMatchObject({ strays: 0, drift: 0 });
    expect((await panel().getServer(impostor.id)).suspended).toBe(true);
    await remove(impostor);
  });

  it('leaves a marker server that a direct read finds in use though no listing holds it', async () => {
    const orderId = uniqueOrderId('unlisted');
    const holder = await h.client.workflow.start('notListedAsAnEntity', {
      taskQueue: 'nobody-polls',
      workflowId: serverEntityWorkflowId(orderId),
    });
    const server = await placeDirectly(ownExternalId(orderId));
    const report = await sweep({ strays: 'delete', drift: 'report' });
    expect(report.counts).toMatchObject({ strays: 0, skipped: 1 });
    expect((await panel().getServer(server.id)).external_id).toBe(ownExternalId(orderId));
    await holder.terminate('test over');
    await remove(server);
  });

  it('never deletes a stray whose external_id changed since the listing, nor a server without our marker', async () => {
    const deps = { client: h.client, panel: panel(), logger: silent, taskQueue: h.taskQueue };
    const stale = await placeDirectly(ownExternalId('stale-1'));
    await panel().updateDetails(stale.id, { name: stale.name, user: stale.user, external_id: 'taken-over' });
    const foreign = await placeDirectly('someone-elses-2');
    const untouched = { action: 'failed', detail: 'its external_id changed; left untouched' };
    expect(await strayAction(deps, stale, 'delete')).toEqual({
      serverId: stale.id,
      externalId: ownExternalId('stale-1'),
      orderId: 'stale-1',
      ...untouched,
    });
    expect(await strayAction(deps, foreign, 'delete')).toEqual({
      serverId: foreign.id,
      externalId: 'someone-elses-2',
      orderId: null,
      ...untouched,
    });
    expect((await panel().getServer(stale.id)).external_id).toBe('taken-over');
    expect((await panel().getServer(foreign.id)).external_id).toBe('someone-elses-2');
    await remove(stale, foreign);
  });

  it('fails the sweep, marking nothing, when the panel errs while confirming a server is gone', async () => {
    const orderId = await orderWithServer(h, 'panel-error');
    await entityRunning(orderId);
    const server = await serverOf(orderId);
    await panel().deleteServer(server.id, { force: true });
    const badGateway = new ProviderError({
      kind: 'unavailable',
      retryable: true,
      method: 'GET',
      path: `/servers/${server.id}`,
      status: 502,
      detail: 'bad gateway',
    });
    const erring = {
      ...panel(),
      getServer: () => Promise.reject(badGateway),
    };
    const { reconcilePanel } = reconcileActivities({ client: h.client, panel: erring, logger: silent });
    const policy = { strays: 'report', drift: 'report' } as const;
    await expect(runActivity(reconcilePanel, { taskQueue: h.taskQueue, policy, settleMs: 0 })).rejects.toBe(badGateway);
    expect(await entityStatus(orderId)).toBe('RUNNING');
    expect((await sweep(policy)).lost).toEqual([expect.objectContaining({ orderId, action: 'marked' })]);
  });

  it("reads no state of an entity Temporal never had, and the entity's start is idempotent while it runs", async () => {
    const access = entityAccess(h.client);
    expect(await access.state('never-ordered-2')).toBeUndefined();
    await expect(access.tell('never-ordered-2', null, false)).rejects.toThrow(/not found/i);
    const orderId = await orderWithServer(h, 'started-twice');
    const { startServerEntity } = entityActivities({ client: h.client });
    expect(await startServerEntity({ taskQueue: h.taskQueue, entity: await entityInput(orderId) })).toEqual({
      started: true,
    });
    expect(await entityStatus(orderId)).toBe('RUNNING');
  });
  it('walks every page of the panel, counts every stray and keeps the first 100 in the report', async () => {
    const res = await fetch(`${h.sim!.url}/_sim/nodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ports: { start: 42000, end: 42110 } }),
    });
    const nodeId = ((await res.json()) as { attributes: { id: number } }).attributes.id;
    const free = (await panel().listAllAllocations(nodeId)).filter((a) => !a.assigned);
    const strays: Server[] = [];
    for (let i = 0; i < 101; i++)
      strays.push(await panel().createServer(directServer(ownExternalId(`many-${i}`), free[i].id)));

    const report = await sweep({ strays: 'report', drift: 'report' });
    const { total } = (await panel().listServers({ perPage: 1 })).pagination;
    expect(total).toBeGreaterThan(101);
    expect(report).toMatchObject({ panelServers: total, counts: { strays: 101, lost: 0 } });
    expect(report.strays).toHaveLength(100);
    expect(new Set(report.strays.map((s) => s.serverId)).size).toBe(100);
    await remove(...strays);
  });
});
