import type { SimPanel } from '../src';
import { api, newPanel, serverBody } from './helpers';

describe('simulated panel: catalogue endpoints', () => {
  let panel: SimPanel;
  beforeEach(() => {
    panel = newPanel();
  });
  afterEach(() => panel.close());

  it('lists nodes with capacity and allocated resources in the list envelope', async () => {
    const res = await api(panel).get('/nodes').expect(200);
    expect(res.body.object).toBe('list');
    expect(res.body.meta.pagination).toEqual({
      total: 2,
      count: 2,
      per_page: 50,
      current_page: 1,
      total_pages: 1,
      links: {},
    });
    expect(res.body.data[0].object).toBe('node');
    expect(res.body.data[0].attributes).toMatchObject({
      id: 1,
      location_id: 1,
      public: true,
      maintenance_mode: false,
      memory: 131072,
      memory_overallocate: 0,
      disk: 2097152,
      disk_overallocate: 0,
      allocated_resources: { memory: 0, disk: 0 },
    });
    expect(res.body.data[0].attributes.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  it("counts servers in a node's allocated_resources", async () => {
    await api(panel).post('/servers', serverBody()).expect(201);
    const res = await api(panel).get('/nodes/1').expect(200);
    expect(res.body.object).toBe('node');
    expect(res.body.attributes.allocated_resources).toEqual({ memory: 1024, disk: 5120 });
  });

  it('pages node allocations 50 at a time with next/previous links', async () => {
    const first = await api(panel).get('/nodes/1/allocations').expect(200);
    expect(first.body.data).toHaveLength(50);
    expect(first.body.data[0]).toEqual({
      object: 'allocation',
      attributes: { id: 1, ip: '10.0.0.11', alias: null, port: 25565, notes: null, assigned: false },
    });
    expect(first.body.meta.pagination).toMatchObject({
      total: 120,
      count: 50,
      per_page: 50,
      current_page: 1,
      total_pages: 3,
    });
    expect(first.body.meta.pagination.links.next).toMatch(/\/api\/application\/nodes\/1\/allocations\?page=2$/);
    const last = await api(panel).get('/nodes/1/allocations?page=3').expect(200);
    expect(last.body.data).toHaveLength(20);
    expect(Object.keys(last.body.meta.pagination.links)).toEqual(['previous']);
    const wide = await api(panel).get('/nodes/1/allocations?per_page=500').expect(200);
    expect(wide.body.data).toHaveLength(120);
  });

  it('filters allocations by port, ip and assignment', async () => {
    await api(panel).post('/servers', serverBody()).expect(201);
    const byPort = await api(panel).get('/nodes/1/allocations?filter[port]=25566').expect(200);
    expect(byPort.body.data.map((a: { attributes: { id: number } }) => a.attributes.id)).toEqual([2]);
    const byIp = await api(panel).get('/nodes/2/allocations?filter[ip]=10.0.0.11').expect(200);
    expect(byIp.body.meta.pagination.total).toBe(0);
    const assigned = await api(panel).get('/nodes/1/allocations?filter[server_id]=1').expect(200);
    expect(assigned.body.data.map((a: { attributes: { id: number; assigned: boolean } }) => a.attributes)).toEqual([
      expect.objectContaining({ id: 1, assigned: true }),
    ]);
    const free = await api(panel).get('/nodes/1/allocations?filter[server_id]=0').expect(200);
    expect(free.body.meta.pagination.total).toBe(119);
  });

  it('rejects an unknown allocation filter with 400 InvalidFilterQuery', async () => {
    const res = await api(panel).get('/nodes/1/allocations?filter[nope]=1').expect(400);
    expect(res.body.errors[0]).toMatchObject({ code: 'InvalidFilterQuery', status: '400' });
  });

  it('answers 404 NotFoundHttpException for an unknown node and an unknown route', async () => {
    const missing = await api(panel).get('/nodes/99').expect(404);
    expect(missing.body).toEqual({
      errors: [
        {
          code: 'NotFoundHttpException',
          status: '404',
          detail: 'The requested resource could not be found on the server.',
        },
      ],
    });
    await api(panel).get('/nodes/abc').expect(404);
    await api(panel).get('/no-such-thing').expect(404);
  });

  it('lists locations and nests', async () => {
    const locations = await api(panel).get('/locations').expect(200);
    expect(locations.body.data[0].attributes).toMatchObject({ id: 1, short: 'eu' });
    const nests = await api(panel).get('/nests').expect(200);
    expect(nests.body.data[0]).toMatchObject({ object: 'nest', attributes: { id: 1, name: 'Minecraft' } });
  });

  it('includes egg variables only when asked', async () => {
    const plain = await api(panel).get('/nests/1/eggs').expect(200);
    expect(plain.body.object).toBe('list');
    expect(plain.body.data[0].attributes.relationships).toBeUndefined();
    const res = await api(panel).get('/nests/1/eggs?include=variables').expect(200);
    const paper = res.body.data[0].attributes;
    expect(paper).toMatchObject({
      id: 1,
      name: 'Paper',
      nest: 1,
      docker_image: 'ghcr.io/pterodactyl/yolks:java_17',
      startup: 'java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}',
    });
    expect(paper.relationships.variables.data[0]).toMatchObject({
      object: 'egg_variable',
      attributes: { env_variable: 'SERVER_JARFILE', default_value: 'server.jar', rules: 'required|string|max:64' },
    });
    const one = await api(panel).get('/nests/1/eggs/1?include=variables').expect(200);
    const variables = one.body.attributes.relationships.variables.data as Array<{
      attributes: Record<string, unknown>;
    }>;
    expect(variables.map((v) => [v.attributes.env_variable, v.attributes.user_editable])).toEqual([
      ['SERVER_JARFILE', true],
      ['RCON_PASSWORD', true],
      ['DL_PATH', false],
    ]);
    await api(panel).get('/nests/2/eggs/1').expect(404);
  });

  it('lists deployable nodes for the requested capacity and location', async () => {
    const res = await api(panel).get('/nodes/deployable?memory=1024&disk=1024&location_ids[]=1').expect(200);
    expect(res.body.data.map((n: { attributes: { id: number } }) => n.attributes.id)).toEqual([1, 2]);
  });

  it('answers 400 NoViableNodeException when no node can take the request', async () => {
    const tooBig = await api(panel).get('/nodes/deployable?memory=200000&disk=1').expect(400);
    expect(tooBig.body.errors[0]).toMatchObject({ code: 'NoViableNodeException', status: '400' });
    await api(panel).get('/nodes/deployable?memory=1&disk=1&location_ids[]=2').expect(400);
  });

  it('answers 422 when deployable is asked without memory', async () => {
    const res = await api(panel).get('/nodes/deployable?disk=1').expect(422);
    expect(res.body.errors[0].meta).toEqual({ source_field: 'memory', rule: 'required' });
  });
});
