import type { SimPanel } from '../src';
import type { PanelErrorBody } from './helpers';
import { api, errorFields, FakeClock, newPanel, serverBody } from './helpers';

const BUILD = {
  allocation: 1,
  limits: { memory: 2048, swap: 0, disk: 10240, io: 500, cpu: 200, threads: null },
  feature_limits: { databases: 1, allocations: 3, backups: 2 },
};

describe('simulated panel: reading and changing servers', () => {
  let panel: SimPanel;
  let clock: FakeClock;
  beforeEach(async () => {
    clock = new FakeClock();
    panel = newPanel({}, clock);
    await api(panel)
      .post('/servers', serverBody({ external_id: 'order-1' }))
      .expect(201);
  });
  afterEach(() => panel.close());

  it('finds a server by id and by external id, 404 otherwise', async () => {
    const byId = await api(panel).get('/servers/1').expect(200);
    expect(byId.body.attributes.external_id).toBe('order-1');
    const byExternal = await api(panel).get('/servers/external/order-1').expect(200);
    expect(byExternal.body.attributes.id).toBe(1);
    const missing = await api(panel).get('/servers/external/order-2').expect(404);
    expect(missing.body.errors[0].code).toBe('NotFoundHttpException');
    await api(panel).get('/servers/2').expect(404);
  });

  it('pages the server list and filters it by external_id', async () => {
    for (let i = 2; i <= 55; i += 1) {
      await api(panel)
        .post('/servers', serverBody({ external_id: `order-${i}`, allocation: { default: i } }))
        .expect(201);
    }
    const first = await api(panel).get('/servers').expect(200);
    expect(first.body.meta.pagination).toMatchObject({ total: 55, count: 50, per_page: 50, total_pages: 2 });
    const second = await api(panel).get('/servers?page=2').expect(200);
    expect(second.body.data.map((s: { attributes: { id: number } }) => s.attributes.id)).toEqual([51, 52, 53, 54, 55]);
    const filtered = await api(panel).get('/servers?filter[external_id]=order-5').expect(200);
    expect(filtered.body.data.map((s: { attributes: { external_id: string } }) => s.attributes.external_id)).toEqual([
      'order-5',
      'order-50',
      'order-51',
      'order-52',
      'order-53',
      'order-54',
      'order-55',
    ]);
    const several = await api(panel).get('/servers?filter[external_id]=order-10,order-20&sort=-id').expect(200);
    expect(several.body.data.map((s: { attributes: { id: number } }) => s.attributes.id)).toEqual([20, 10]);
    await api(panel).get('/servers?filter[status]=installing').expect(400);
  });

  it("includes a server's allocations on request", async () => {
    const res = await api(panel).get('/servers/1?include=allocations').expect(200);
    expect(res.body.attributes.relationships.allocations.data[0].attributes).toMatchObject({ id: 1, assigned: true });
  });

  it('updates details; an omitted external_id is cleared as the panel does', async () => {
    const res = await api(panel)
      .patch('/servers/1/details', { name: 'Renamed', user: 2, description: 'd' })
      .expect(200);
    expect(res.body.attributes).toMatchObject({ name: 'Renamed', user: 2, description: 'd', external_id: null });
    await api(panel).get('/servers/external/order-1').expect(404);
  });

  it("answers 422 when details take another server's external_id", async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'order-2', allocation: { default: 2 } }))
      .expect(201);
    await api(panel).patch('/servers/1/details', { name: 'x', user: 1, external_id: 'order-1' }).expect(200);
    const res = await api(panel)
      .patch('/servers/1/details', { name: 'x', user: 1, external_id: 'order-2' })
      .expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toEqual([['external_id', 'unique']]);
  });

  it('updates the build: limits, feature limits and node allocated resources', async () => {
    const res = await api(panel).patch('/servers/1/build', BUILD).expect(200);
    expect(res.body.attributes.limits).toMatchObject({ memory: 2048, disk: 10240, cpu: 200 });
    expect(res.body.attributes.feature_limits).toEqual({ databases: 1, allocations: 3, backups: 2 });
    const node = await api(panel).get('/nodes/1').expect(200);
    expect(node.body.attributes.allocated_resources).toEqual({ memory: 2048, disk: 10240 });
  });

  it('answers 422 when the build omits feature_limits', async () => {
    const res = await api(panel)
      .patch('/servers/1/build', { ...BUILD, feature_limits: undefined })
      .expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toContainEqual(['feature_limits', 'required']);
  });

  it('answers 400 DisplayException when the default allocation does not belong to the server', async () => {
    const res = await api(panel)
      .patch('/servers/1/build', { ...BUILD, allocation: 5 })
      .expect(400);
    expect(res.body.errors[0]).toEqual({
      code: 'DisplayException',
      status: '400',
      detail: 'The requested default allocation is not currently assigned to this server.',
    });
  });

  it('adds and removes allocations, moving the default to an added one', async () => {
    await api(panel)
      .patch('/servers/1/build', { ...BUILD, add_allocations: [4, 5] })
      .expect(200);
    const moved = await api(panel)
      .patch('/servers/1/build', { ...BUILD, allocation: 5, remove_allocations: [1] })
      .expect(200);
    expect(moved.body.attributes.allocation).toBe(5);
    const owned = panel
      .state()
      .allocations.filter((a) => a.server === 1)
      .map((a) => a.id);
    expect(owned).toEqual([4, 5]);
    const refused = await api(panel)
      .patch('/servers/1/build', { ...BUILD, allocation: 5, remove_allocations: [5] })
      .expect(400);
    expect(refused.body.errors[0].detail).toMatch(/no fallback allocation/);
  });

  it('updates startup and validates its environment against the egg', async () => {
    const body = {
      startup: 'java -jar {{SERVER_JARFILE}}',
      egg: 1,
      image: 'ghcr.io/pterodactyl/yolks:java_21',
      skip_scripts: false,
    };
    const res = await api(panel)
      .patch('/servers/1/startup', { ...body, environment: { SERVER_JARFILE: 'paper.jar' } })
      .expect(200);
    expect(res.body.attributes.container).toMatchObject({
      startup_command: 'java -jar {{SERVER_JARFILE}}',
      image: 'ghcr.io/pterodactyl/yolks:java_21',
      environment: expect.objectContaining({ SERVER_JARFILE: 'paper.jar' }),
    });
    const bad = await api(panel)
      .patch('/servers/1/startup', { ...body, environment: { SERVER_JARFILE: 'x'.repeat(65) } })
      .expect(422);
    expect(errorFields(bad.body as PanelErrorBody)).toEqual([['environment.SERVER_JARFILE', 'max']]);
  });

  it('suspends and unsuspends with 204; repeating either is a no-op', async () => {
    clock.advance(60_000);
    await api(panel).post('/servers/1/suspend').expect(204);
    const suspended = await api(panel).get('/servers/1').expect(200);
    expect(suspended.body.attributes).toMatchObject({ status: 'suspended', suspended: true });
    const before = suspended.body.attributes.updated_at;
    clock.advance(5_000);
    await api(panel).post('/servers/1/suspend').expect(204);
    expect((await api(panel).get('/servers/1')).body.attributes.updated_at).toBe(before);
    await api(panel).post('/servers/1/unsuspend').expect(204);
    await api(panel).post('/servers/1/unsuspend').expect(204);
    const active = await api(panel).get('/servers/1').expect(200);
    expect(active.body.attributes).toMatchObject({ status: null, suspended: false });
  });

  it('reinstalls with 204 and status installing', async () => {
    await api(panel).post('/servers/1/reinstall').expect(204);
    expect((await api(panel).get('/servers/1')).body.attributes.status).toBe('installing');
    await api(panel).post('/servers/99/reinstall').expect(404);
  });

  it('deletes with 204, freeing allocations and node resources', async () => {
    await api(panel)
      .patch('/servers/1/build', { ...BUILD, add_allocations: [2] })
      .expect(200);
    await api(panel).delete('/servers/1').expect(204);
    await api(panel).get('/servers/1').expect(404);
    expect(panel.state().allocations.filter((a) => a.assigned)).toEqual([]);
    const node = await api(panel).get('/nodes/1').expect(200);
    expect(node.body.attributes.allocated_resources).toEqual({ memory: 0, disk: 0 });
    await api(panel).post('/servers', serverBody()).expect(201);
  });

  it('force-deletes with 204 and 404s an unknown server', async () => {
    await api(panel).delete('/servers/1/force').expect(204);
    expect(panel.state().servers).toEqual([]);
    await api(panel).delete('/servers/1/force').expect(404);
  });
});
