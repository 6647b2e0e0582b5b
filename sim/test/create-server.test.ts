import request from 'supertest';
import type { SimPanel } from '../src';
import type { PanelErrorBody } from './helpers';
import { api, BASE, errorFields, newPanel, serverBody } from './helpers';

describe('simulated panel: POST /servers', () => {
  let panel: SimPanel;
  beforeEach(() => {
    panel = newPanel();
  });
  afterEach(() => panel.close());

  it("creates a server: 201 with the panel's server object, installing", async () => {
    const res = await api(panel)
      .post('/servers', serverBody({ external_id: 'order-1', description: 'hello' }))
      .expect(201);
    expect(res.body.object).toBe('server');
    const server = res.body.attributes;
    expect(server).toMatchObject({
      id: 1,
      external_id: 'order-1',
      name: 'Test server',
      description: 'hello',
      status: 'installing',
      suspended: false,
      limits: { memory: 1024, swap: 0, disk: 5120, io: 500, cpu: 100, threads: null, oom_disabled: true },
      feature_limits: { databases: 0, allocations: 1, backups: 0 },
      user: 1,
      node: 1,
      allocation: 1,
      nest: 1,
      egg: 1,
      container: {
        startup_command: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
        image: 'ghcr.io/pterodactyl/yolks:java_17',
        installed: 0,
        environment: expect.objectContaining({ SERVER_JARFILE: 'server.jar', P_SERVER_LOCATION: 'eu' }),
      },
    });
    expect(server.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.identifier).toBe(server.uuid.slice(0, 8));
    expect(server.created_at).toMatch(/\+00:00$/);
    expect(panel.state().allocations.find((a) => a.id === 1)).toMatchObject({ assigned: true, server: 1 });
  });

  it('assigns additional allocations with the default one', async () => {
    await api(panel)
      .post('/servers', serverBody({ allocation: { default: 1, additional: [2, 3] } }))
      .expect(201);
    const assigned = await api(panel).get('/nodes/1/allocations?filter[server_id]=1').expect(200);
    expect(assigned.body.meta.pagination.total).toBe(3);
  });

  it('answers 422 on environment.X when an egg variable breaks its rules', async () => {
    const missing = await api(panel)
      .post('/servers', serverBody({ environment: {} }))
      .expect(422);
    expect(missing.body.errors[0]).toEqual({
      code: 'ValidationException',
      status: '422',
      detail: 'The Server Jar File variable field is required.',
      meta: { source_field: 'environment.SERVER_JARFILE', rule: 'required' },
    });
    const long = await api(panel)
      .post('/servers', serverBody({ environment: { SERVER_JARFILE: `${'x'.repeat(61)}.jar` } }))
      .expect(422);
    expect(errorFields(long.body as PanelErrorBody)).toEqual([['environment.SERVER_JARFILE', 'max']]);
    expect(panel.state().servers).toHaveLength(0);
  });

  it("checks in, regex and nullable integer rules of an egg's variables", async () => {
    const body = serverBody({
      egg: 2,
      environment: {
        SERVER_JARFILE: 'server.zip',
        VANILLA_VERSION: 'latest',
        MAX_PLAYERS: 'many',
        DIFFICULTY: 'insane',
      },
    });
    const res = await api(panel).post('/servers', body).expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toEqual([
      ['environment.SERVER_JARFILE', 'regex'],
      ['environment.MAX_PLAYERS', 'integer'],
      ['environment.DIFFICULTY', 'in'],
    ]);
    const ok = serverBody({
      egg: 2,
      environment: { SERVER_JARFILE: 'paper.jar', VANILLA_VERSION: '1.20.4', DIFFICULTY: 'hard' },
    });
    const created = await api(panel).post('/servers', ok).expect(201);
    expect(created.body.attributes.container.environment).toMatchObject({ MAX_PLAYERS: '', DIFFICULTY: 'hard' });
  });

  it('answers 422 for missing and out-of-range request fields', async () => {
    const res = await api(panel)
      .post(
        '/servers',
        serverBody({
          name: '   ',
          limits: { memory: -1, swap: -2, disk: 1, io: 5, cpu: 0 },
          feature_limits: { databases: 0 },
        }),
      )
      .expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toEqual(
      expect.arrayContaining([
        ['name', 'required'],
        ['limits.memory', 'min'],
        ['limits.swap', 'min'],
        ['limits.io', 'between'],
        ['feature_limits.backups', 'present'],
      ]),
    );
  });

  it('answers 422 for an unknown user or egg', async () => {
    const res = await api(panel)
      .post('/servers', serverBody({ user: 404, egg: 99 }))
      .expect(422);
    expect(errorFields(res.body as PanelErrorBody)).toEqual([
      ['user', 'exists'],
      ['egg', 'exists'],
    ]);
  });

  it('answers 422 unique for a duplicate external_id', async () => {
    await api(panel)
      .post('/servers', serverBody({ external_id: 'order-7' }))
      .expect(201);
    const res = await api(panel)
      .post('/servers', serverBody({ external_id: 'order-7', allocation: { default: 2 } }))
      .expect(422);
    expect(res.body.errors).toEqual([
      {
        code: 'ValidationException',
        status: '422',
        detail: 'The external id has already been taken.',
        meta: { source_field: 'external_id', rule: 'unique' },
      },
    ]);
  });

  it('answers 422 exists when the allocation is taken or unknown', async () => {
    await api(panel).post('/servers', serverBody()).expect(201);
    const taken = await api(panel).post('/servers', serverBody()).expect(422);
    expect(taken.body.errors[0]).toMatchObject({
      detail: 'The selected allocation.default is invalid.',
      meta: { source_field: 'allocation.default', rule: 'exists' },
    });
    const extra = await api(panel)
      .post('/servers', serverBody({ allocation: { default: 2, additional: [1] } }))
      .expect(422);
    expect(errorFields(extra.body as PanelErrorBody)).toEqual([['allocation.additional.0', 'exists']]);
    await api(panel)
      .post('/servers', serverBody({ allocation: { default: 99999 } }))
      .expect(422);
  });

  it('deploys onto a free allocation of a node in the requested location', async () => {
    const res = await api(panel)
      .post(
        '/servers',
        serverBody({
          allocation: undefined,
          deploy: { locations: [1], dedicated_ip: false, port_range: ['25600-25610'] },
        }),
      )
      .expect(201);
    const allocation = panel.state().allocations.find((a) => a.id === res.body.attributes.allocation);
    expect(allocation).toMatchObject({ assigned: true, server: res.body.attributes.id });
    expect(allocation?.port).toBeGreaterThanOrEqual(25600);
    expect(allocation?.port).toBeLessThanOrEqual(25610);
  });

  it('answers 400 NoViableNodeException when no node in the locations has room', async () => {
    const elsewhere = await api(panel)
      .post(
        '/servers',
        serverBody({
          allocation: undefined,
          deploy: { locations: [2], dedicated_ip: false, port_range: [] },
        }),
      )
      .expect(400);
    expect(elsewhere.body.errors[0]).toMatchObject({ code: 'NoViableNodeException', status: '400' });
    const huge = serverBody({ allocation: undefined, deploy: { locations: [1], dedicated_ip: false, port_range: [] } });
    (huge.limits as Record<string, number>).memory = 131073;
    await api(panel).post('/servers', huge).expect(400);
  });

  it('answers 400 NoViableAllocationException when no port in the range is free', async () => {
    const res = await api(panel)
      .post(
        '/servers',
        serverBody({
          allocation: undefined,
          deploy: { locations: [1], dedicated_ip: false, port_range: ['30000'] },
        }),
      )
      .expect(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'NoViableAllocationException', status: '400' });
  });

  it('respects memory overallocation of a node when deploying', async () => {
    await request(panel.app)
      .post('/_sim/nodes')
      .send({ location_id: 2, memory: 1000, memory_overallocate: 50, ports: { start: 27000, end: 27010 } })
      .expect(201);
    const deployTo2 = (memory: number) =>
      serverBody({
        allocation: undefined,
        limits: { memory, swap: 0, disk: 10, io: 500, cpu: 0 },
        deploy: { locations: [2], dedicated_ip: false, port_range: [] },
      });
    await api(panel).post('/servers', deployTo2(1400)).expect(201);
    await api(panel).post('/servers', deployTo2(101)).expect(400);
    await api(panel).post('/servers', deployTo2(100)).expect(201);
  });

  it('answers 400 for a malformed JSON body', async () => {
    const res = await request(panel.app)
      .post(`${BASE}/servers`)
      .set('Authorization', 'Bearer ptla_simtestkey0123456789')
      .set('Content-Type', 'application/json')
      .send('{"name":')
      .expect(400);
    expect(res.body.errors[0].code).toBe('BadRequestHttpException');
  });
});
