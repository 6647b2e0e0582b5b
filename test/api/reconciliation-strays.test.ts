import pino from 'pino';
import { strayAction } from '../../src/activities/reconcile-strays';
import { createPterodactylClient, type Server } from '../../src/provider';
import { orderWorkflowId } from '../../src/workflows/contract';
import { ownExternalId } from '../../src/workflows/own-server';
import {
  RECONCILE_WORKFLOW_TYPE,
  type ReconcilePolicy,
  type ReconcileReport,
} from '../../src/workflows/reconcile-contract';
import { serverEntityWorkflowId } from '../../src/workflows/server-entity-contract';
import { directServer } from '../activities/panel-harness';
import {
  SIM_KEY,
  auth,
  orderBody,
  orderWithServer,
  startApiHarness,
  uniqueOrderId,
  waitFor,
  type ApiHarness,
} from './harness';

jest.setTimeout(180_000);

// The sweep's stray and lost paths on the dev server with the simulated panel; each test removes what it placed.
let h: ApiHarness;
let sweeps = 0;

beforeAll(async () => {
  h = await startApiHarness({ worker: true, installMs: 50 });
});

afterAll(async () => {
  await h?.stop();
});

const panel = () => createPterodactylClient({ baseUrl: h.sim!.url, apiKey: SIM_KEY });
const serverOf = async (orderId: string) => (await panel().getServerByExternalId(ownExternalId(orderId)))!;
const sweep = (policy: ReconcilePolicy, settleMs = 0): Promise<ReconcileReport> =>
  h.client.workflow.execute(RECONCILE_WORKFLOW_TYPE, {
    taskQueue: h.taskQueue,
    workflowId: `stray-sweep-${++sweeps}`,
    args: [{ taskQueue: h.taskQueue, policy, settleMs }],
  });
const entityStatus = async (orderId: string) =>
  (await h.client.workflow.getHandle(serverEntityWorkflowId(orderId)).describe()).status.name;
const listed = (query: string) =>
  waitFor(
    () => h.client.workflow.count(query),
    (c) => c.count === 1,
  );

async function placeDirectly(externalId: string): Promise<Server> {
  const allocation = (await panel().listAllAllocations(1)).find((a) => !a.assigned)!.id;
  return panel().createServer(directServer(externalId, allocation));
}

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
    const orderId = uniqueOrderId('in-flight');
    await h
      .http()
      .post('/v1/orders')
      .set(auth)
      .send(orderBody({ orderId, locationIds: [2] }))
      .expect(202);
    await listed(`WorkflowId = '${orderWorkflowId(orderId)}' AND OrderStatus = 'WAITING_FOR_CAPACITY'`);
    const inFlight = await placeDirectly(ownExternalId(orderId));

    const first = await sweep({ strays: 'delete', drift: 'report' });
    expect(first.counts).toMatchObject({ strays: 0, skipped: 1 });
    const young = await placeDirectly(ownExternalId('young-stray'));
    const settled = await sweep({ strays: 'delete', drift: 'report' }, 3_600_000);
    expect(settled.counts).toMatchObject({ strays: 0, lost: 0, skipped: 2 });
    expect((await panel().getServer(inFlight.id)).external_id).toBe(ownExternalId(orderId));
    expect((await panel().getServer(young.id)).external_id).toBe(ownExternalId('young-stray'));

    const deps = { client: h.client, panel: panel(), logger: pino({ level: 'silent' }), taskQueue: h.taskQueue };
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
    await listed(`WorkflowId = '${serverEntityWorkflowId(orderId)}' AND ExecutionStatus = 'Running'`);
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
